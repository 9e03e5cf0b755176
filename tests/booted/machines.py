"""Booted Debian machines on one machine: systemd as PID 1 under `systemd-nspawn -b`, reached by
Ansible over real SSH.

Each machine boots from its own copy of a cached `debootstrap` base (one per Debian release, under
~/.cache/linuxnet-netns/booted/), in its own network namespace, wired by a veth (eth0 inside) to the
bridge of a controller namespace. The machine's systemd-networkd gives eth0 its address and default
route; its only package source is the local apt repository that the controller namespace serves
(plus, for pip, a local package index), so host preparation meets the machine's own dpkg. Nothing is
made in this machine's root network namespace.

A reboot (`systemctl reboot` inside) makes systemd-nspawn exit with 133: the machine's supervisor
deletes and re-creates its network namespace, so no kernel network state survives, and boots it
again. Power-off is killing systemd-nspawn by pid.

    python tests/booted/machines.py up [RELEASE ...]   boot one machine per release (default: 12 13);
                                                      print BOOTED_CONTROLLER, BOOTED_INVENTORY, BOOTED_CONFIG
    python tests/booted/machines.py start --prefix P [RELEASE ...]
                                                      the same in the background; prints molecule's
                                                      instance config (JSON) once they are up
    python tests/booted/machines.py stop P            stop the set of prefix P (molecule's destroy)
    python tests/booted/machines.py down              stop every machine and controller left running
    python tests/booted/machines.py base RELEASE      build (or reuse) the cached base of a release
"""
import hashlib
import json
import os
import pathlib
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "fleet"))
from harness import Lab, _in_namespace, _kill, ip, processes_in_namespaces  # noqa: E402  pylint: disable=wrong-import-position

RELEASES = {"11": "bullseye", "12": "bookworm", "13": "trixie"}
CACHE = pathlib.Path(os.environ.get("XDG_CACHE_HOME", pathlib.Path.home() / ".cache")) / "linuxnet-netns" / "booted"
BASE_PACKAGES = ["systemd", "systemd-sysv", "dbus", "openssh-server", "python3", "iproute2", "iputils-ping", "procps"]
# What the role may install on a machine: the repository holds these with their dependencies.
REPOSITORY_PACKAGES = ["python3-pyroute2", "nftables", "python3-nftables", "python3-pip"]
PIP_PACKAGES = ["pyroute2==0.9.7"]  # the local package index, for releases whose pyroute2 is too old
BASE_FORMAT = "2"  # change it to rebuild every cached base
UNDERLAY = "198.18.120"  # controller .1, machines .11 and up, /24
PORT = 8120  # the controller's package server
PREFIX = "lntb"
STATE = pathlib.Path("/run/linuxnet-netns-machines")  # one file per running set, for `down`
BOOT_DEADLINE = 120  # seconds for a machine to answer over SSH and finish booting
HOST_TOOLS = {"systemd-nspawn": "systemd-container", "debootstrap": "debootstrap", "dpkg-scanpackages": "dpkg-dev",
              "ssh-keygen": "openssh-client", "ssh": "openssh-client"}
REBOOTED = 133  # systemd-nspawn's exit status when the machine asked for a reboot


def install_host_tools():
    missing = sorted({package for command, package in HOST_TOOLS.items() if shutil.which(command) is None})
    if missing:
        subprocess.run(["apt-get", "update", "-qq"], check=True)
        subprocess.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing], check=True,
                       env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})


def mirror():
    """The Debian mirror of this machine's own apt sources (deb822 or one-line form)."""
    texts = [path.read_text() for path in [pathlib.Path("/etc/apt/sources.list"),
                                           *sorted(pathlib.Path("/etc/apt/sources.list.d").glob("*"))]
             if path.is_file()]
    for text in texts:
        for found in re.findall(r"(?:^URIs:|^deb(?:\s+\[[^]]*\])?)\s+(\S+)", text, re.MULTILINE):
            if found.rstrip("/").endswith("/debian"):
                return found.rstrip("/")
    return "http://deb.debian.org/debian"


class Base:
    """A release's cached root file system, its local apt repository and the shared pip index."""

    def __init__(self, release):
        self.release = release
        self.suite = RELEASES[release]
        self.directory = CACHE / self.suite
        self.stamp = hashlib.sha256(" ".join([BASE_FORMAT, *BASE_PACKAGES, *REPOSITORY_PACKAGES]).encode()).hexdigest()[:12]

    @property
    def root(self):
        return self.directory / "root"

    @property
    def ready(self):
        return (self.directory / f"stamp-{self.stamp}").exists()

    def build(self, log=sys.stderr):
        """Build once; a build that is killed leaves only a directory the next build removes."""
        if self.ready:
            return False
        started = time.monotonic()
        log.write(f"booted: building the Debian {self.release} ({self.suite}) base once, about a minute or two; "
                  f"it is cached in {self.directory}\n")
        log.flush()
        building = CACHE / f"{self.suite}.building"
        shutil.rmtree(building, ignore_errors=True)
        root = building / "root"
        root.mkdir(parents=True)
        subprocess.run(["debootstrap", "--variant=minbase", "--include=" + ",".join(BASE_PACKAGES), self.suite,
                        str(root), mirror()], check=True, stdout=subprocess.DEVNULL)
        self._repository(building)
        self._configure(root)
        shutil.rmtree(self.directory, ignore_errors=True)
        building.rename(self.directory)
        (self.directory / f"stamp-{self.stamp}").write_text(f"{time.monotonic() - started:.0f} s\n")
        log.write(f"booted: the Debian {self.release} base took {time.monotonic() - started:.0f} s\n")
        return True

    def _repository(self, building):
        """Download what the role may install (with dependencies the base lacks) into a flat repository."""
        root = building / "root"
        subprocess.run(["chroot", str(root), "apt-get", "clean"], check=True)
        subprocess.run(["chroot", str(root), "apt-get", "install", "-qq", "-y", "--download-only",
                        "--no-install-recommends", *REPOSITORY_PACKAGES], check=True, stdout=subprocess.DEVNULL,
                       env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})
        repository = building / "repo"
        repository.mkdir()
        for deb in (root / "var/cache/apt/archives").glob("*.deb"):
            shutil.move(str(deb), repository / deb.name)
        with open(repository / "Packages", "wb") as index:
            subprocess.run(["dpkg-scanpackages", "-m", ".", "/dev/null"], cwd=repository, stdout=index,
                           stderr=subprocess.DEVNULL, check=True)

    def _configure(self, root):
        """What every machine of the release has: networkd, sshd, the local repository as its only source,
        and empty package lists, as on a fresh image."""
        subprocess.run(["chroot", str(root), "systemctl", "enable", "-q", "systemd-networkd", "ssh"], check=True)
        shutil.rmtree(root / "etc/apt/sources.list.d", ignore_errors=True)
        (root / "etc/apt/sources.list.d").mkdir()
        (root / "etc/apt/sources.list").write_text(f"deb [trusted=yes] http://{UNDERLAY}.1:{PORT}/{self.suite}/repo ./\n")
        for lists in (root / "var/lib/apt/lists").glob("*"):
            if lists.is_file():
                lists.unlink()
        subprocess.run(["chroot", str(root), "apt-get", "clean"], check=True)
        (root / "etc/machine-id").write_text("")
        (root / "etc/systemd/network/eth0.network").write_text(
            f"[Match]\nName=eth0\n\n[Network]\nAddress=%s/24\nGateway={UNDERLAY}.1\n")


def pip_index(log=sys.stderr):
    """A PEP 503 index of PIP_PACKAGES under CACHE/pypi/simple, downloaded once."""
    simple = CACHE / "pypi" / "simple"
    stamp = CACHE / "pypi" / ("stamp-" + hashlib.sha256(" ".join(PIP_PACKAGES).encode()).hexdigest()[:12])
    if stamp.exists():
        return
    log.write("booted: downloading the local package index for pip\n")
    shutil.rmtree(CACHE / "pypi", ignore_errors=True)
    files = CACHE / "pypi" / "files"
    files.mkdir(parents=True)
    subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--only-binary=:all:",
                    "--python-version", "3.9", "-d", str(files), *PIP_PACKAGES], check=True)
    projects = {}
    for wheel in files.iterdir():
        projects.setdefault(wheel.name.split("-")[0].lower().replace("_", "-"), []).append(wheel.name)
    for project, names in projects.items():
        (simple / project).mkdir(parents=True)
        links = "".join(f'<a href="../../files/{name}">{name}</a>\n' for name in sorted(names))
        (simple / project / "index.html").write_text(f"<html><body>\n{links}</body></html>\n")
    (simple / "index.html").write_text("".join(f'<a href="{p}/">{p}</a>\n' for p in sorted(projects)))
    stamp.write_text("")


class Machine:
    def __init__(self, machines, name, release, address):
        self.machines = machines
        self.name = name
        self.release = release
        self.address = address
        self.netns = f"{machines.prefix}-{name}"
        self.root = machines.work / name / "root"
        self.log = machines.work / name / "boot.log"
        self.nspawn = None  # Popen of the running systemd-nspawn
        self.boots = 0
        self.boot_times = []  # seconds from start to SSH and a finished boot, one per boot
        self.supervisor = None
        self.wanted = False  # the supervisor boots the machine again after a reboot while this holds
        self.booted = threading.Event()

    def prepare(self, base):
        self.root.parent.mkdir(parents=True)
        subprocess.run(["cp", "-a", "--reflink=auto", str(base.root), str(self.root)], check=True)
        (self.root / "etc/hostname").write_text(f"{self.name}\n")
        (self.root / "etc/hosts").write_text(f"127.0.0.1 localhost\n127.0.1.1 {self.name}\n")
        (self.root / "etc/machine-id").write_text(secrets.token_hex(16) + "\n")
        network = self.root / "etc/systemd/network/eth0.network"
        network.write_text(network.read_text() % self.address)
        ssh = self.root / "root/.ssh"
        ssh.mkdir(mode=0o700, exist_ok=True)
        shutil.copy(self.machines.key.with_suffix(".pub"), ssh / "authorized_keys")
        os.chmod(ssh / "authorized_keys", 0o600)

    def _network(self):
        ip("netns", "delete", self.netns, check=False)
        ip("-n", self.machines.controller, "link", "delete", self.name, check=False)
        ip("netns", "add", self.netns)
        ip("-n", self.netns, "link", "add", "eth0", "type", "veth", "peer", "name", self.name,
           "netns", self.machines.controller)
        ip("-n", self.machines.controller, "link", "set", self.name, "master", "br0", "up")

    def power_on(self):
        """Boot (in a supervisor thread that boots it again after each reboot) and wait until it is up."""
        self.wanted = True
        self.booted.clear()
        self.supervisor = threading.Thread(target=self._supervise, name=self.name, daemon=True)
        self.supervisor.start()

    def _supervise(self):
        while self.wanted:
            self._network()
            with open(self.log, "ab") as log:
                self.boots += 1
                log.write(f"--- boot {self.boots}\n".encode())
                log.flush()
                self.nspawn = subprocess.Popen(
                    ["systemd-nspawn", "--register=no", "--keep-unit", "--quiet", "--console=read-only",
                     "--resolv-conf=off", "--timezone=off", "--link-journal=no", "--capability=CAP_NET_ADMIN",
                     "-b", "-D", str(self.root), "-M", self.name, f"--network-namespace-path=/run/netns/{self.netns}"],
                    stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True,
                    env={**os.environ, "SYSTEMD_NSPAWN_API_VFS_WRITABLE": "network"})
                self.machines.remember()
                status = self.nspawn.wait()
            if status != REBOOTED:
                self.wanted = False
        self.nspawn = None

    def wait_until_up(self, since):
        deadline = since + BOOT_DEADLINE
        while time.monotonic() < deadline:
            if self.nspawn is None and not self.wanted:
                raise RuntimeError(f"machine {self.name} stopped while booting: {self.tail()}")
            if self._answers():
                state = self.run(["systemctl", "is-system-running", "--wait"], timeout=BOOT_DEADLINE)
                if state.stdout.strip() in ("running", "degraded"):
                    self.boot_times.append(time.monotonic() - since)
                    return state.stdout.strip()
            time.sleep(0.3)
        raise RuntimeError(f"machine {self.name} did not boot within {BOOT_DEADLINE} s: {self.tail()}")

    def reboot(self):
        """`systemctl reboot` inside; returns the systemd-nspawn that is going down (the supervisor
        boots the machine again once it has)."""
        going = self.nspawn
        self.run(["systemctl", "reboot"])
        return going

    def wait_until_down(self, going):
        going.wait(timeout=BOOT_DEADLINE)
        while self.nspawn is going:
            time.sleep(0.05)

    def power_off(self):
        """As if the power went: systemd-nspawn and the machine's processes killed by pid, nothing
        shut down. The machine's PID 1 outlives a killed systemd-nspawn (it is reparented, and keeps
        the machine running): it is found by its network namespace and killed with everything in
        its PID namespace."""
        self.wanted = False
        running = self.nspawn
        inside = processes_in_namespaces([self.netns])  # PID 1 among them, which kills its PID namespace
        if running is not None:
            _kill(running.pid)
            running.wait()
        for pid in inside + processes_in_namespaces([self.netns]):
            _kill(pid)
        deadline = time.monotonic() + 10
        while processes_in_namespaces([self.netns]) and time.monotonic() < deadline:
            time.sleep(0.1)
        if processes_in_namespaces([self.netns]):
            raise RuntimeError(f"machine {self.name}: processes outlived its power-off")
        if self.supervisor is not None:
            self.supervisor.join()
        ip("netns", "delete", self.netns, check=False)

    def run(self, argv, timeout=60, check=False):
        """argv on the machine, over SSH from the controller namespace."""
        command = ["ssh", "-F", "/dev/null", "-i", str(self.machines.key), "-o", "BatchMode=yes",
                   "-o", "UserKnownHostsFile=/dev/null", "-o", "StrictHostKeyChecking=no", "-o", "LogLevel=ERROR",
                   "-o", "ConnectTimeout=5", f"root@{self.address}", "--",
                   " ".join(_quote(arg) for arg in argv)]
        done = subprocess.run(["ip", "netns", "exec", self.machines.controller, *command], capture_output=True,
                              text=True, timeout=timeout, check=False)
        if check and done.returncode != 0:
            raise RuntimeError(f"{self.name}: {argv} exited {done.returncode}: {done.stderr.strip()}")
        return done

    def tail(self):
        return self.log.read_text(errors="replace")[-1500:] if self.log.exists() else ""

    def _answers(self):
        import socket

        def connect():
            with socket.create_connection((self.address, 22), timeout=0.5) as sock:
                return sock.recv(4).startswith(b"SSH-")

        try:
            return _in_namespace(self.machines.controller, connect)
        except OSError:
            return False


class Machines(Lab):
    """One set of booted machines with their controller namespace and package server."""

    def __init__(self, releases=("12", "13"), prefix=None):
        self.prefix = prefix or PREFIX + secrets.token_hex(2)
        self.controller = f"{self.prefix}-ctl"
        self.work = pathlib.Path(tempfile.mkdtemp(prefix=f"{self.prefix}.", dir="/var/tmp"))
        self.machines = [Machine(self, f"deb{release}", release, f"{UNDERLAY}.{11 + index}")
                         for index, release in enumerate(releases)]
        self.server = None

    def __iter__(self):
        return iter(self.machines)

    def __getitem__(self, name):
        return next(machine for machine in self.machines if machine.name == name)

    def start(self):
        if not os.path.ismount("/sys/fs/cgroup"):
            raise RuntimeError("systemd-nspawn needs the cgroup file system at /sys/fs/cgroup, which is not mounted "
                               "here; run the harness outside `ip netns exec` (its sysfs of its own hides it)")
        install_host_tools()
        down_all(left_behind_only=True)
        STATE.mkdir(mode=0o700, exist_ok=True)
        self.remember()
        for release in sorted({machine.release for machine in self.machines}):
            Base(release).build()
        pip_index()
        os.chmod(self.work, 0o700)
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(self.key)], check=True)
        self._controller()
        self._ansible_files()
        for machine in self.machines:
            machine.prepare(Base(machine.release))
        self.boot(self.machines)

    def boot(self, machines):
        """Power the machines on together and wait for every one to finish booting."""
        since = time.monotonic()
        for machine in machines:
            machine.power_on()
        return {machine.name: machine.wait_until_up(since) for machine in machines}

    def reboot(self, machines):
        """Reboot the machines together; {name: seconds from `systemctl reboot` to booted}."""
        since = time.monotonic()
        going = [(machine, machine.reboot()) for machine in machines]
        for machine, nspawn in going:
            machine.wait_until_down(nspawn)
        for machine in machines:
            machine.wait_until_up(since)
        return {machine.name: round(machine.boot_times[-1], 1) for machine in machines}

    def stop(self):
        """Idempotent, and safe after a failed start: machines, server, namespaces, files."""
        for machine in self.machines:
            machine.power_off()
        if self.server is not None:
            _kill(self.server.pid)
            self.server.wait()
        for pid in processes_in_namespaces([self.controller]):  # SSH masters of Ansible's connections
            _kill(pid)
        ip("netns", "delete", self.controller, check=False)
        shutil.rmtree(self.work, ignore_errors=True)
        (STATE / self.prefix).unlink(missing_ok=True)
        (STATE / f"ssh-{self.prefix}").unlink(missing_ok=True)

    def remember(self):
        """What `down` needs if this process dies: the work directory, every pid to kill, and the
        owner (this process), by which a later run tells a set left behind from one still in use."""
        pids = " ".join(str(machine.nspawn.pid) for machine in self.machines if machine.nspawn is not None)
        server = self.server.pid if self.server is not None else ""
        (STATE / self.prefix).write_text(f"{self.work}\n{pids}\n{server}\n{os.getpid()}\n")

    def environment(self):
        """Ansible's environment for these machines: they discover their own interpreter."""
        environment = {key: value for key, value in os.environ.items() if key != "ANSIBLE_PYTHON_INTERPRETER"}
        environment["ANSIBLE_CONFIG"] = str(self.config)
        return environment

    def playbook(self, path, *args):
        return subprocess.run(["ip", "netns", "exec", self.controller, "ansible-playbook", str(path), *args],
                              env=self.environment(), capture_output=True, text=True, check=False)

    def _controller(self):
        ip("netns", "add", self.controller)
        ip("-n", self.controller, "link", "set", "lo", "up")
        ip("-n", self.controller, "link", "add", "br0", "type", "bridge")
        ip("-n", self.controller, "address", "add", f"{UNDERLAY}.1/24", "dev", "br0")
        ip("-n", self.controller, "link", "set", "br0", "up")
        self.server = subprocess.Popen(
            ["ip", "netns", "exec", self.controller, sys.executable, "-m", "http.server", "--bind", f"{UNDERLAY}.1",
             "--directory", str(CACHE), str(PORT)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        self.remember()

    def _ansible_files(self):
        lines = ["[booted]"]
        lines += [f"{machine.name} ansible_host={machine.address} debian_release={machine.release}" for machine in self]
        lines += ["", "[booted:vars]", "ansible_user=root", f"ansible_ssh_private_key_file={self.key}",
                  f"booted_pip_index=http://{UNDERLAY}.1:{PORT}/pypi/simple", ""]
        self.inventory.write_text("\n".join(lines))
        ssh = STATE / f"ssh-{self.prefix}"  # ssh from any namespace, through the controller's
        ssh.write_text(f"#!/bin/sh\nexec ip netns exec {self.controller} ssh \"$@\"\n")
        ssh.chmod(0o755)
        self.config.write_text("\n".join([
            "[defaults]", f"inventory = {self.inventory}", "host_key_checking = False",
            "interpreter_python = auto_silent", "forks = 5", "timeout = 30",
            "[ssh_connection]", "pipelining = True", f"control_path_dir = {self.work}/cp",
            "ssh_args = -o ControlMaster=auto -o ControlPersist=30s -o UserKnownHostsFile=/dev/null "
            "-o StrictHostKeyChecking=no -o LogLevel=ERROR", "",
        ]))


def _quote(arg):
    import shlex
    return shlex.quote(arg)


def down_all(left_behind_only=False, prefix=None):
    """Stop the set of `prefix`, or every set (with left_behind_only, those whose owner process is
    gone): nspawn and server by pid, namespaces, files."""
    entries = sorted(STATE.glob(f"{PREFIX}*")) if STATE.exists() else []
    for entry in [entry for entry in entries if prefix is None or entry.name == prefix]:
        work, pids, server, owner = (entry.read_text().split("\n") + ["", "", "", ""])[:4]
        if left_behind_only and owner.isdigit() and pathlib.Path(f"/proc/{owner}").exists():
            continue
        if owner.isdigit() and int(owner) != os.getpid() and pathlib.Path(f"/proc/{owner}").exists():
            os.kill(int(owner), signal.SIGTERM)  # an `up` process stops its own set
            deadline = time.monotonic() + 30
            while entry.exists() and time.monotonic() < deadline:
                time.sleep(0.2)
            if not entry.exists():
                continue
            _kill(int(owner))
        for pid in [*pids.split(), *server.split()]:
            try:
                os.kill(int(pid), signal.SIGKILL)
            except (ProcessLookupError, ValueError):
                pass
        netns = pathlib.Path("/run/netns")
        names = [name for name in sorted(os.listdir(netns)) if name.startswith(f"{entry.name}-")] if netns.exists() else []
        ours = work.startswith(f"/var/tmp/{PREFIX}")  # a directory this harness made, never /
        for pid in processes_in_namespaces(names):
            _kill(pid)  # the machines' PID 1s outlive their nspawn
        time.sleep(0.5)
        for name in names:
            ip("netns", "delete", name, check=False)
        if ours:
            shutil.rmtree(work, ignore_errors=True)
        entry.unlink(missing_ok=True)
        (STATE / f"ssh-{entry.name}").unlink(missing_ok=True)


def start_detached(prefix, releases):
    """`up` in a process of its own (for molecule's create): returns once the machines are up."""
    STATE.mkdir(mode=0o700, exist_ok=True)
    log = STATE / f"log-{prefix}"
    with open(log, "wb") as output:
        process = subprocess.Popen([sys.executable, __file__, "up", "--prefix", prefix, *releases], stdout=output,
                                   stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
    while process.poll() is None:
        lines = log.read_text(errors="replace").splitlines()
        if lines and lines[-1].startswith("[{"):  # the instances, after the assignments
            return lines[-1]
        time.sleep(0.5)
    raise SystemExit(f"the machines did not start: {log.read_text(errors='replace')[-3000:]}")


def _arguments(argv):
    prefix = None
    if argv[:1] == ["--prefix"]:
        prefix, argv = argv[1], argv[2:]
    return prefix, tuple(argv) or ("12", "13")


if __name__ == "__main__":
    verb, rest = (sys.argv[1:2] or [""])[0], sys.argv[2:]
    if verb == "up":
        chosen, releases = _arguments(rest)
        started = Machines(releases, chosen)
        try:
            started.start()
        except BaseException:
            started.stop()
            raise
        instances = [{"instance": machine.name, "address": machine.address, "user": "root", "port": 22,
                      "identity_file": str(started.key)} for machine in started]
        print(f"BOOTED_CONTROLLER={started.controller} BOOTED_INVENTORY={started.inventory} "
              f"BOOTED_CONFIG={started.config} BOOTED_SSH={STATE}/ssh-{started.prefix}\n"
              f"{json.dumps(instances)}", flush=True)
        # The supervisors are threads of this process: it stays until it is told to stop.
        signal.signal(signal.SIGTERM, lambda *_args: sys.exit(0))
        try:
            while True:
                time.sleep(3600)
        finally:
            started.stop()
    elif verb == "start" and rest[:1] == ["--prefix"]:
        print(start_detached(rest[1], _arguments(rest)[1]))  # molecule's instance config, as JSON
    elif verb == "stop" and len(rest) == 1:
        down_all(prefix=rest[0])
        (STATE / f"log-{rest[0]}").unlink(missing_ok=True)
    elif verb == "down":
        down_all()
    elif verb == "base" and len(rest) == 1:
        install_host_tools()
        Base(rest[0]).build()
    else:
        sys.exit(__doc__)
