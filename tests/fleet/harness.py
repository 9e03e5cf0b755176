"""A fleet of fake hosts on one machine, reached by Ansible over real SSH.

Each fake host is a network namespace (a veth to the bridge of a controller namespace, its own
underlay address) plus its own mount, UTS and PID namespaces, in which a fresh tmpfs on /run (so
its own /run/netns and lock files), a fresh sysfs and an empty /root are mounted before its own
OpenSSH server starts. Ansible runs inside the controller namespace: the machine's root namespace
carries no address, route or traffic of the fleet.

What the fake hosts share, and a test must not rely on telling apart: /usr, /etc, /var, /tmp and
the kernel (one package database, one set of global sysctls). Killing a host's launcher ends every
process of that host at once (its PID namespace), which frees its namespaces with its mounts.

    python tests/fleet/harness.py up N [--prefix P]   start N fake hosts; print FLEET_CONTROLLER,
                                            FLEET_INVENTORY and FLEET_CONFIG as shell assignments
    python tests/fleet/harness.py down [--prefix P]   stop the fleet of prefix P, or every fleet this
                                            harness left running
"""
import os
import pathlib
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

UNDERLAY = "198.18.100"  # controller .1, hosts .11 and up, /24
PREFIX = "lntf"  # every namespace and link of a fleet starts with it
STATE = pathlib.Path("/run/linuxnet-netns-fleets")  # one directory per running fleet, for `down`
START_DEADLINE = 60  # seconds for every sshd of the fleet to answer, under load too
LOCAL_SITE = subprocess.run(["/usr/bin/python3", "-c", "import site; print(site.getsitepackages()[0])"],
                            capture_output=True, text=True, check=True).stdout.strip()  # /usr/local/lib/python3.X/...


def ip(*args, check=True):
    return subprocess.run(["ip", *args], check=check, capture_output=True, text=True)


class Lab:
    """What a set of hosts reached over SSH from a controller namespace has: a work directory with
    its key, inventory and Ansible configuration, started on entry and stopped on exit (also after
    a failed start). Fleet and the booted machines' Machines are labs."""

    work = None

    @property
    def key(self):
        return self.work / "id_ed25519"

    @property
    def inventory(self):
        return self.work / "inventory.ini"

    @property
    def config(self):
        return self.work / "ansible.cfg"

    def __enter__(self):
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc_info):
        self.stop()

    def start(self):
        raise NotImplementedError

    def stop(self):
        raise NotImplementedError


def recap(output):
    """{host: {'changed': n, 'unreachable': n, 'failed': n}} from a play recap."""
    found = {}
    for host, changed, unreachable, failed in re.findall(
            r"^(\S+)\s+: ok=\d+\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)", output, re.MULTILINE):
        found[host] = {"changed": int(changed), "unreachable": int(unreachable), "failed": int(failed)}
    return found


class Fleet(Lab):
    def __init__(self, size, prefix=None):
        self.size = size
        self.prefix = prefix or PREFIX + secrets.token_hex(2)
        self.controller = f"{self.prefix}-ctl"
        self.hosts = [f"{self.prefix}-h{index}" for index in range(1, size + 1)]
        self.work = pathlib.Path(tempfile.mkdtemp(prefix=f"{self.prefix}.", dir="/tmp"))
        self.launchers = {}  # host -> Popen of its launcher (the PID namespace's first process)

    # addresses and files
    def address(self, host):
        return f"{UNDERLAY}.{10 + self.hosts.index(host) + 1}"

    # life cycle
    def start(self):
        STATE.mkdir(mode=0o700, exist_ok=True)
        (STATE / self.prefix).write_text(str(self.work))
        self._keys()
        self._network()
        self._ansible_files()
        for host in self.hosts:
            self.start_host(host)
        self.wait_for_ssh(self.hosts)

    def stop(self):
        """Idempotent, and safe after a failed start: processes first, then namespaces, then files."""
        for host in list(self.launchers):
            self.stop_host(host)
        for pid in self._processes_in_fleet():
            _kill(pid)
        for name in [*self.hosts, self.controller]:
            ip("netns", "delete", name, check=False)
        shutil.rmtree(self.work, ignore_errors=True)
        (STATE / self.prefix).unlink(missing_ok=True)

    def start_host(self, host, hide_pyroute2=False):
        """Start (or restart) a fake host; with hide_pyroute2 its Python lacks pyroute2 until something
        is installed into its own, private site directory (a tmpfs over the machine's)."""
        hide = []
        if hide_pyroute2:
            site = LOCAL_SITE
            hide = [f"mount -t tmpfs -o mode=755 tmpfs {site}",
                    f"echo \"import sys, os; os.path.isdir('{site}/pyroute2') or sys.modules.__setitem__('pyroute2', None)"
                    f"\" > {site}/linuxnet-hide-pyroute2.pth"]
        script = " && ".join([
            "(umount -R -l /run/netns 2>/dev/null || true)",
            "mount -t tmpfs -o mode=755 tmpfs /run",
            "mkdir -p /run/netns /run/sshd",
            "mount -t sysfs sysfs /sys",
            "mount -t tmpfs -o mode=700 tmpfs /root",
            f"hostname {host}",
            f"install -m 600 {self.work}/authorized_keys /run/authorized_keys",
            *hide,
            f"exec /usr/sbin/sshd -D -e -f {self.work}/{host}.sshd_config",
        ])
        log = open(self.work / f"{host}.log", "ab")  # pylint: disable=consider-using-with
        self.launchers[host] = subprocess.Popen(
            ["nsenter", f"--net=/run/netns/{host}", "--", "unshare", "--mount", "--uts", "--pid", "--fork",
             "--kill-child", "--mount-proc", "--propagation", "private", "--", "sh", "-c", script],
            stdout=log, stderr=log, start_new_session=True)

    def stop_host(self, host):
        """Stop a fake host as if it went down: its sshd and everything it ran end at once."""
        launcher = self.launchers.pop(host, None)
        if launcher is not None:
            _kill(launcher.pid)  # unshare ignores SIGTERM; SIGKILL ends its PID namespace
            launcher.wait()

    def wait_for_ssh(self, hosts):
        deadline = time.monotonic() + START_DEADLINE
        waiting = set(hosts)
        while waiting:
            for host in sorted(waiting):
                if self._answers(host):
                    waiting.discard(host)
            if waiting and time.monotonic() > deadline:
                logs = {host: (self.work / f"{host}.log").read_text(errors="replace")[-500:] for host in waiting}
                raise RuntimeError(f"sshd did not answer within {START_DEADLINE} s on {sorted(waiting)}: {logs}")
            if waiting:
                time.sleep(0.2)

    def controller_command(self, argv, **kwargs):
        """Run argv in the controller namespace with the fleet's Ansible configuration."""
        # The fake hosts discover their own interpreter: a controller-side override would point into /root.
        env = {key: value for key, value in os.environ.items() if key != "ANSIBLE_PYTHON_INTERPRETER"}
        env.update({"ANSIBLE_CONFIG": str(self.config), **kwargs.pop("env", {})})
        return subprocess.run(["ip", "netns", "exec", self.controller, *argv], env=env, capture_output=True,
                              text=True, check=False, **kwargs)

    def controller_server(self, argv):
        """Start a long-running process in the controller namespace (stopped with the fleet)."""
        return subprocess.Popen(["ip", "netns", "exec", self.controller, *argv], stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, start_new_session=True)

    def on_host(self, host, argv):
        """Run argv inside fake host `host` (its network and mount namespaces), as root there."""
        pid = self._sshd_pid(host)
        # -r and -w: entering a mount namespace moves to its root, which under a chroot is not the
        # fake host's; take the root and working directory of its own process instead.
        return subprocess.run(["nsenter", "-t", str(pid), "-n", "-m", "-r", "-w", "--", *argv], capture_output=True,
                              text=True, check=False)

    # set-up pieces
    def _keys(self):
        os.chmod(self.work, 0o700)
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(self.key)], check=True)
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(self.work / "host_key")], check=True)
        shutil.copy(f"{self.key}.pub", self.work / "authorized_keys")

    def _network(self):
        ip("netns", "add", self.controller)
        ip("-n", self.controller, "link", "set", "lo", "up")
        ip("-n", self.controller, "link", "add", "br0", "type", "bridge")
        ip("-n", self.controller, "address", "add", f"{UNDERLAY}.1/24", "dev", "br0")
        ip("-n", self.controller, "link", "set", "br0", "up")
        for index, host in enumerate(self.hosts, start=1):
            ip("netns", "add", host)
            ip("-n", host, "link", "set", "lo", "up")
            ip("-n", host, "link", "add", "eth0", "type", "veth", "peer", "name", f"h{index}",
               "netns", self.controller)
            ip("-n", host, "address", "add", f"{self.address(host)}/24", "dev", "eth0")
            ip("-n", host, "link", "set", "eth0", "up")
            ip("-n", host, "route", "add", "default", "via", f"{UNDERLAY}.1")  # facts find a default route
            ip("-n", self.controller, "link", "set", f"h{index}", "master", "br0", "up")
            (self.work / f"{host}.sshd_config").write_text("\n".join([
                f"ListenAddress {self.address(host)}", "Port 22", f"HostKey {self.work}/host_key",
                "PidFile /run/sshd.pid", "AuthorizedKeysFile /run/authorized_keys",
                "PermitRootLogin prohibit-password", "PasswordAuthentication no", "KbdInteractiveAuthentication no",
                "UsePAM no", "PrintMotd no", "Subsystem sftp internal-sftp", "MaxStartups 100", "",
            ]))

    def _ansible_files(self):
        lines = ["[fleet]"] + [f"{host} ansible_host={self.address(host)}" for host in self.hosts]
        lines += ["", "[fleet:vars]", "ansible_user=root", f"ansible_ssh_private_key_file={self.key}",
                  "ansible_ssh_common_args='-o UserKnownHostsFile=/dev/null -o StrictHostKeyChecking=no'",
                  "ansible_python_interpreter=auto_silent", ""]
        self.inventory.write_text("\n".join(lines))
        self.config.write_text("\n".join([
            "[defaults]", f"inventory = {self.inventory}", "host_key_checking = False",
            "interpreter_python = auto_silent", f"forks = {max(5, self.size)}", "timeout = 20",
            "[ssh_connection]", "pipelining = True", f"control_path_dir = {self.work}/cp",
            "ssh_args = -o ControlMaster=auto -o ControlPersist=60s -o UserKnownHostsFile=/dev/null "
            "-o StrictHostKeyChecking=no -o LogLevel=ERROR", "",
        ]))

    # what is running
    def _answers(self, host):
        def connect():
            with socket.create_connection((self.address(host), 22), timeout=0.5) as sock:
                return sock.recv(4).startswith(b"SSH-")

        try:
            return _in_namespace(self.controller, connect)
        except OSError:
            return False

    def _sshd_pid(self, host):
        """The host's PID 1 (the launcher's forked child, which exec'd sshd), by its parent in /proc."""
        launcher = self.launchers[host].pid
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    stat = pathlib.Path(f"/proc/{entry}/stat").read_text()
                except OSError:
                    continue
                if int(stat.rsplit(")", 1)[1].split()[1]) == launcher:
                    return int(entry)
        raise RuntimeError(f"fake host {host} is not running")

    def _processes_in_fleet(self):
        """PIDs whose network namespace is one of the fleet's (Ansible's SSH masters, leftovers)."""
        return processes_in_namespaces([*self.hosts, self.controller])


def processes_in_namespaces(names):
    """PIDs (but this process) whose network namespace is one of the named ones under /run/netns."""
    identities = set()
    for name in names:
        try:
            stat = os.stat(f"/run/netns/{name}")
            identities.add((stat.st_dev, stat.st_ino))
        except FileNotFoundError:
            pass
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit() and int(entry) != os.getpid():
            try:
                stat = os.stat(f"/proc/{entry}/ns/net")
            except OSError:
                continue
            if (stat.st_dev, stat.st_ino) in identities:
                found.append(int(entry))
    return found


def _kill(pid):
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _in_namespace(netns, function):
    """function() with the calling thread in namespace `netns` (a thread, so the caller never moves)."""
    import ctypes
    import threading

    outcome = {}

    def run():
        libc = ctypes.CDLL(None, use_errno=True)
        fd = os.open(f"/run/netns/{netns}", os.O_RDONLY)
        try:
            if libc.setns(fd, 0x40000000) != 0:
                raise OSError(ctypes.get_errno(), "setns")
            outcome["value"] = function()
        except BaseException as exc:  # handed back below
            outcome["error"] = exc
        finally:
            os.close(fd)

    worker = threading.Thread(target=run)
    worker.start()
    worker.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def down_all(prefix=None):
    """Stop the fleet of `prefix`, or every fleet of this harness, as a crashed run left them:
    their processes, namespaces and files. Other fleets are left alone."""
    entries = sorted(STATE.glob(f"{PREFIX}*")) if STATE.exists() else []
    for entry in [entry for entry in entries if prefix is None or entry.name == prefix]:
        fleet = Fleet.__new__(Fleet)
        fleet.prefix = entry.name
        fleet.work = pathlib.Path(entry.read_text().strip())
        fleet.launchers = {}
        fleet.controller = f"{fleet.prefix}-ctl"
        fleet.hosts = sorted(name for name in os.listdir("/run/netns") if name.startswith(f"{fleet.prefix}-h"))
        fleet.size = len(fleet.hosts)
        fleet.stop()


if __name__ == "__main__":
    arguments = sys.argv[2:]
    chosen = None
    if arguments[:1] == ["--prefix"] or arguments[1:2] == ["--prefix"]:
        where_flag = arguments.index("--prefix")
        chosen = arguments[where_flag + 1]
        del arguments[where_flag:where_flag + 2]
        if not chosen.startswith(PREFIX):
            sys.exit(f"a fleet's prefix starts with {PREFIX}, so that `down` knows it: {chosen!r}")
    if sys.argv[1:2] == ["up"]:
        started = Fleet(int(arguments[0]) if arguments else 3, chosen)
        try:
            started.start()
        except BaseException:
            started.stop()
            raise
        print(f"FLEET_CONTROLLER={started.controller} FLEET_INVENTORY={started.inventory} FLEET_CONFIG={started.config}")
    elif sys.argv[1:2] == ["down"]:
        down_all(chosen)
    else:
        sys.exit(__doc__)
