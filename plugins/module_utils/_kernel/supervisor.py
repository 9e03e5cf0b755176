# -*- coding: utf-8 -*-
# Copyright: linuxnet.netns contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A service's supervisor where no systemd runs (containers, the tests' fake hosts): a process
detached from the module (double fork, its own session) that enters the namespace the way
``ip netns exec`` does (network namespace, a mount namespace with /etc/netns/NS/* bound over
/etc and sysfs mounted afresh), runs the command in a process group of its own with a clean
environment, restarts it by the service's policy, and writes its status to a file. SIGTERM ends
the command's process group, then the supervisor. Private to linuxnet.netns.

Everything it uses is imported before the fork: the module's own files may be gone by then.
"""

import ctypes
import json
import os
import select
import signal
import time

_CLONE_NEWNET = 0x40000000
_CLONE_NEWNS = 0x00020000
_MS_REC = 0x4000
_MS_SLAVE = 1 << 19
_MS_BIND = 0x1000
_MNT_DETACH = 2
RESTART_DELAY = 1.0
STOP_GRACE = 5.0
BURST = (5, 10.0)  # more starts than this many within so many seconds: failed, as systemd's start limit
PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

_libc = ctypes.CDLL(None, use_errno=True)


def spawn(spec):
    """Start a supervisor for `spec` ({netns_path, etc_dir, command, environment, restart, status,
    log}); its pid once it runs the command, or OSError with what went wrong."""
    reader, writer = os.pipe()
    first = os.fork()
    if first == 0:
        try:
            os.close(reader)
            if os.fork() == 0:
                _supervise(spec, writer)
            os._exit(0)
        except BaseException:  # never back into the module's code in a forked child
            os._exit(1)
    os.close(writer)
    os.waitpid(first, 0)
    with os.fdopen(reader, "rb") as pipe:
        report = pipe.read()
    try:
        answer = json.loads(report.decode() or "{}")
    except ValueError:
        answer = {}
    if "supervisor" not in answer:
        raise OSError(answer.get("errno", 0), answer.get("error", "the supervisor did not start"))
    return answer["supervisor"]


def _supervise(spec, writer):
    try:
        _detach(spec["log"], writer)
        _enter(spec["netns_path"], spec["etc_dir"])
        child = _start(spec)
    except OSError as exc:
        _answer(writer, {"error": f"{exc.strerror or exc}", "errno": exc.errno or 0})
        os._exit(1)
    supervisor = Supervisor(spec, child)
    _answer(writer, {"supervisor": os.getpid()})
    supervisor.run()
    os._exit(0)


def _answer(writer, message):
    os.write(writer, json.dumps(message).encode())
    os.close(writer)


def _detach(log, writer):
    os.setsid()
    null = os.open("/dev/null", os.O_RDWR)
    output = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_CLOEXEC, 0o640)
    os.dup2(null, 0)
    os.dup2(output, 1)
    os.dup2(output, 2)
    os.closerange(3, writer)
    os.closerange(writer + 1, 65536)
    os.chdir("/")
    os.umask(0o022)


def _enter(netns_path, etc_dir):
    """Into the namespace, with its /etc files in place, as `ip netns exec` has it."""
    descriptor = os.open(netns_path, os.O_RDONLY)
    _check(_libc.setns(descriptor, _CLONE_NEWNET), f"enter {netns_path}")
    os.close(descriptor)
    _check(_libc.unshare(_CLONE_NEWNS), "unshare the mount namespace")
    _check(_libc.mount(b"none", b"/", None, _MS_SLAVE | _MS_REC, None), "make / a slave mount")
    if os.path.isdir(etc_dir):
        for name in sorted(os.listdir(etc_dir)):
            source, target = os.path.join(etc_dir, name), os.path.join("/etc", name)
            if os.path.isfile(source) and os.path.exists(target):
                _check(_libc.mount(source.encode(), target.encode(), None, _MS_BIND, None), f"bind {source}")
    if _libc.umount2(b"/sys", _MNT_DETACH) == 0:  # the namespace's own links under /sys/class/net
        _libc.mount(b"sysfs", b"/sys", b"sysfs", 0, None)


def _check(result, what):
    if result != 0:
        code = ctypes.get_errno()
        raise OSError(code, f"{what}: {os.strerror(code)}")


def _start(spec):
    environment = {"PATH": PATH, "LANG": "C.UTF-8", **dict(spec["environment"])}
    child = os.fork()
    if child == 0:
        try:
            os.setpgid(0, 0)
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            os.execve(spec["command"][0], spec["command"], environment)
        except BaseException as exc:  # the program could not be run: say so in the log
            os.write(2, f"linuxnet.netns: cannot run {spec['command'][0]}: {exc}\n".encode())
        os._exit(127)
    try:
        os.setpgid(child, child)
    except OSError:  # the child set it already, or has exited
        pass
    return child


class Supervisor:
    def __init__(self, spec, child):
        self.spec = spec
        self.child = child
        self.starts = [time.monotonic()]  # those within BURST's window
        self.started = 1
        self.last_exit = None
        self.stopping = False
        self.wake_reader, self.wake_writer = os.pipe()
        signal.signal(signal.SIGTERM, self._stop)
        signal.signal(signal.SIGCHLD, lambda *_args: os.write(self.wake_writer, b"c"))
        self._status("running")

    def _stop(self, *_args):
        self.stopping = True
        os.write(self.wake_writer, b"t")

    def run(self):
        while True:
            if self.stopping:
                self._end_child()
                self._status("stopped")
                return
            ended = self._reap()
            if ended is None:
                self._wait(None)
                continue
            self.last_exit = ended
            if not self._restarts(ended):
                self._status("failed" if ended != 0 else "exited")
                return
            self._status("restarting")
            if self._wait(RESTART_DELAY) and self.stopping:
                continue
            self.starts = [start for start in self.starts if time.monotonic() - start < BURST[1]]
            if len(self.starts) >= BURST[0]:
                self._status("failed")
                return
            self.child = _start(self.spec)
            self.starts.append(time.monotonic())
            self.started += 1
            self._status("running")

    def _restarts(self, ended):
        restart = self.spec["restart"]
        return restart == "always" or (restart == "on-failure" and ended != 0)

    def _reap(self):
        """The child's exit status (a signal as 128 + its number) once it has ended, else None."""
        try:
            pid, status = os.waitpid(self.child, os.WNOHANG)
        except ChildProcessError:
            return 255
        if pid == 0:
            return None
        return os.WEXITSTATUS(status) if os.WIFEXITED(status) else 128 + os.WTERMSIG(status)

    def _wait(self, timeout):
        """Sleep until a signal wakes us or `timeout` passes; whether a signal woke us."""
        readable, _w, _x = select.select([self.wake_reader], [], [], timeout)
        if readable:
            os.read(self.wake_reader, 64)
        return bool(readable)

    def _end_child(self):
        for sign, grace in ((signal.SIGTERM, STOP_GRACE), (signal.SIGKILL, 2.0)):
            try:
                os.killpg(self.child, sign)
            except ProcessLookupError:
                pass
            deadline = time.monotonic() + grace
            while time.monotonic() < deadline:
                if self._reap() is not None:
                    return
                time.sleep(0.05)

    def _status(self, state):
        status = {"state": state, "supervisor": os.getpid(), "pid": self.child if state in ("running",) else None,
                  "starts": self.started, "last_exit": self.last_exit}
        temporary = f"{self.spec['status']}.new"
        with open(temporary, "w", encoding="utf-8") as file:
            json.dump(status, file)
        os.replace(temporary, self.spec["status"])
