# -*- coding: utf-8 -*-
# Copyright: linuxnet.netns contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Namespaces as files: /run/netns bind mounts, the lock, the /proc process scan, and a handle
that runs code inside one namespace. Private to linuxnet.netns.

Namespaces are made the way ``ip netns add`` makes them, without forking: unshare, bring lo up,
and only then bind-mount the namespace onto its name; the calling thread then goes back to its
own namespace. No netlink here.
"""

import ctypes
import errno
import hashlib
import fcntl
import functools
import json
import os
import socket
import struct
import threading
from contextlib import contextmanager

from ansible_collections.linuxnet.netns.plugins.module_utils._errors import AlreadyExists, KernelError, NotFoundError
from ansible_collections.linuxnet.netns.plugins.module_utils._kernel import paths, records

NETNS_RUN_DIR = "/run/netns"
LOCK_FILE = "/run/linuxnet-netns.lock"  # outside /run/netns, where `ip netns list` would show it
OWNERS_DIR = "/run/linuxnet-netns/owners"  # NAME: who made namespace NAME, readable without entering it
# Records being written, apart: finding what a killed writer left must not list every record
# (a listing of OWNERS_DIR per removal made removing 5,000 namespaces quadratic).
UNFINISHED_OWNERS_DIR = "/run/linuxnet-netns/owners-unfinished"
UNRECORDED = object()  # recorded_owner's answer for a namespace without a valid record

_CLONE_NEWNET = 0x40000000
_MS_BIND = 0x1000
_MS_REC = 0x4000
_MS_SHARED = 1 << 20
_MNT_DETACH = 2
_IFF_UP = 0x1
_SIOCGIFFLAGS = 0x8913
_SIOCSIFFLAGS = 0x8914

_libc = ctypes.CDLL(None, use_errno=True)


def _check(result, what):
    if result != 0:
        code = ctypes.get_errno()
        raise OSError(code, f"{what}: {os.strerror(code)}")


def visit(function):
    """Run function, which may move the calling thread into another network namespace (setns,
    unshare), and move the thread back to the namespace it was in, whatever happens.

    Only the calling thread moves; the rest of the process stays where it is. A thread made to
    run each such call cost 80 to 170 microseconds, twice per namespace in a no-change run; the
    two setns() calls cost 4.
    """
    home = os.open("/proc/thread-self/ns/net", os.O_RDONLY | os.O_CLOEXEC)
    try:
        return function()
    finally:
        try:
            _check(_libc.setns(home, _CLONE_NEWNET), "return to the module's own network namespace")
        finally:
            os.close(home)


NETLINK_ROUTE = 0
NETLINK_GENERIC = 16


def _open_netlink_socket(protocol=NETLINK_ROUTE):
    """A raw netlink socket of the calling thread's namespace, as a descriptor.

    pyroute2 0.9 hands the socket to asyncio, which wants a datagram socket.
    """
    return socket.socket(socket.AF_NETLINK, socket.SOCK_DGRAM, protocol).detach()


def enter_scratch():
    """Move the calling thread into a new, unnamed namespace, gone once nothing holds it."""
    _check(_libc.unshare(_CLONE_NEWNET), "unshare")


def scratch_netlink_fd():
    """A netlink socket in a new, unnamed namespace that lives only as long as the socket."""
    def inside():
        enter_scratch()
        return _open_netlink_socket()

    return visit(inside)


def _loopback_flags(up=False):
    """lo's interface flags, by ioctl in the calling thread's namespace; with up=True, bring it up."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        request = struct.pack("16sH", b"lo", 0)
        flags = struct.unpack("16sH", fcntl.ioctl(sock, _SIOCGIFFLAGS, request)[:18])[1]
        if up and not flags & _IFF_UP:
            flags |= _IFF_UP
            fcntl.ioctl(sock, _SIOCSIFFLAGS, struct.pack("16sH", b"lo", flags))
        return flags


class NetnsHandle:
    """One namespace held open by descriptor (name None: the namespace the module runs in).

    release() closes the descriptor to spare the process's open files; the next use opens the
    namespace again by its name.
    """

    def __init__(self, name, ns_fd, netlink_fd=None):
        self.name = name
        self._ns_fd = ns_fd
        self._netlink_fd = netlink_fd  # opened while the namespace was made, handed out once

    @property
    def ns_fd(self):
        if self._ns_fd is None:
            self._ns_fd = os.open(path(self.name) if self.name is not None else "/proc/self/ns/net",
                                  os.O_RDONLY | os.O_CLOEXEC)
        return self._ns_fd

    def run(self, function):
        """function() with the calling thread's network namespace set to this one."""
        if self.name is None:
            return function()

        def inside():
            _check(_libc.setns(self.ns_fd, _CLONE_NEWNET), "setns")
            return function()

        return visit(inside)

    def netlink_fd(self, protocol=NETLINK_ROUTE):
        """A netlink socket descriptor inside this namespace, for a door to wrap."""
        if self._netlink_fd is not None and protocol == NETLINK_ROUTE:
            fd, self._netlink_fd = self._netlink_fd, None
            return fd
        return self.run(lambda: _open_netlink_socket(protocol))

    def socket(self, family, kind, proto):
        """A plain socket bound to this namespace, such as a raw ICMP socket for probing."""
        return self.run(lambda: socket.socket(family, kind, proto))

    def loopback_up(self):
        return bool(self.run(_loopback_flags) & _IFF_UP)

    def bring_loopback_up(self):
        self.run(lambda: _loopback_flags(up=True))

    def release(self):
        if self._netlink_fd is not None:
            os.close(self._netlink_fd)
            self._netlink_fd = None
        if self._ns_fd is not None:
            os.close(self._ns_fd)
            self._ns_fd = None

    close = release


def path(name):
    """/run/netns/NAME, proven inside /run/netns (see paths.py) once per run: a no-change run of a
    thousand namespaces asks for their paths ten thousand times."""
    return _proven(NETNS_RUN_DIR, name)


@functools.lru_cache(maxsize=None)
def _proven(directory, name):
    return paths.inside(directory, name)


def _is_namespace_mount(file_path):
    """True for a bound namespace, False for a plain file left by an interrupted create."""
    return os.stat(file_path).st_dev != os.stat(NETNS_RUN_DIR).st_dev


def exists(name):
    try:
        return _is_namespace_mount(path(name))
    except FileNotFoundError:
        return False


def names():
    try:
        entries = os.listdir(NETNS_RUN_DIR)
    except FileNotFoundError:
        return []
    return sorted(name for name in entries if exists(name))


def open_handle(name):
    """A handle on namespace `name` (None: the namespace the module runs in)."""
    if name is None:
        return NetnsHandle(None, os.open("/proc/self/ns/net", os.O_RDONLY | os.O_CLOEXEC))
    if not exists(name):
        raise NotFoundError(f"namespace {name!r} does not exist")
    return NetnsHandle(name, os.open(path(name), os.O_RDONLY | os.O_CLOEXEC))


def identity(name):
    """(device, inode) of the namespace bound at /run/netns/NAME, as /proc/PID/ns/net shows it."""
    stat = os.stat(path(name))
    return stat.st_dev, stat.st_ino


def _fingerprint(name):
    """What tells this namespace from any other that had or will have the name: the inode of its
    nsfs file (which the kernel reuses) and that inode's creation time (which it does not)."""
    stat = os.stat(path(name))
    return [stat.st_ino, stat.st_ctime_ns]


def record_owner(name, owner):
    """Note that `owner` made namespace `name`, so that ownership is known without entering it."""
    for directory in (OWNERS_DIR, UNFINISHED_OWNERS_DIR):
        os.makedirs(directory, mode=0o700, exist_ok=True)
    temporary = paths.inside(UNFINISHED_OWNERS_DIR, f"{_unfinished(name)}{os.getpid()}-{threading.get_ident()}")
    with open(temporary, "w", encoding="utf-8") as handle:
        json.dump({"owner": owner, "namespace": _fingerprint(name)}, handle)
    os.replace(temporary, paths.inside(OWNERS_DIR, name))


def recorded_owner(name):
    """The owner recorded for the namespace bound at `name` now, or UNRECORDED: no record, or one
    left by an earlier namespace of that name (removed by other means than ours)."""
    try:
        with open(paths.inside(OWNERS_DIR, name), encoding="utf-8") as handle:
            record = json.load(handle)
        if record["namespace"] == _fingerprint(name):
            return record["owner"]
    except (OSError, ValueError, KeyError, TypeError):
        pass
    return UNRECORDED


def forget_owners(names):
    """Remove the records of `names`, and what runs killed while writing them left (one listing for all)."""
    for name in names:
        records.unlink(paths.inside(OWNERS_DIR, name))
    unfinished = tuple(_unfinished(name) for name in names)
    records.unlink_leftovers(UNFINISHED_OWNERS_DIR, lambda entry: entry.startswith(unfinished))


def _unfinished(name):
    """The start of the names of records of `name` still being written (short: names reach 255 bytes)."""
    return f".new-{hashlib.sha256(name.encode()).hexdigest()[:16]}-"


def processes_by_namespace():
    """{(device, inode): [(pid, command)]} for every process on the host, read once from /proc."""
    found = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = os.stat(f"/proc/{entry}/ns/net")
            with open(f"/proc/{entry}/comm", encoding="utf-8", errors="replace") as handle:
                command = handle.read().strip()
        except OSError:
            continue  # gone meanwhile, or a kernel thread without a namespace link
        found.setdefault((stat.st_dev, stat.st_ino), []).append((int(entry), command))
    return found


def kill_processes(pids):
    for pid in pids:
        try:
            os.kill(pid, 9)
        except ProcessLookupError:
            pass


def _prepare_run_dir():
    """Make /run/netns a shared mount point, as `ip netns add` does, so mounts propagate."""
    os.makedirs(NETNS_RUN_DIR, mode=0o755, exist_ok=True)
    run_dir = NETNS_RUN_DIR.encode()
    if _libc.mount(b"none", run_dir, b"none", _MS_SHARED | _MS_REC, None) == 0:
        return
    if ctypes.get_errno() != errno.EINVAL:
        _check(-1, f"make {NETNS_RUN_DIR} a shared mount")
    _check(_libc.mount(run_dir, run_dir, b"none", _MS_BIND | _MS_REC, None), f"bind {NETNS_RUN_DIR}")
    _check(_libc.mount(b"none", run_dir, b"none", _MS_SHARED | _MS_REC, None), f"share {NETNS_RUN_DIR}")


@contextmanager
def _files_locked():
    """Serialise creating and removing files in /run/netns between concurrent runs.

    Without it one run could take another's just-created, not yet mounted file for a stale
    leftover and remove it. `ip netns` does not take this lock; its own creates are atomic enough.
    """
    with open(LOCK_FILE, "a", encoding="ascii") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def create(name, prepare=None):
    """Create namespace `name` with lo up, let prepare(handle) finish it, and only then name it.

    A run killed before the bind mount leaves no namespace, only a plain file that the next run
    removes, so whatever prepare does (marking lo, say) is done whenever the name exists.
    Returns the new namespace's handle; raises AlreadyExists when the name is taken (perhaps by a
    concurrent run).
    """
    file_path = path(name)
    if exists(name):
        raise AlreadyExists(f"namespace {name!r} already exists")
    _prepare_run_dir()

    def unshare():
        _check(_libc.unshare(_CLONE_NEWNET), "unshare")
        _loopback_flags(up=True)
        ns_fd = os.open("/proc/thread-self/ns/net", os.O_RDONLY | os.O_CLOEXEC)
        return NetnsHandle(name, ns_fd, _open_netlink_socket() if prepare is not None else None)

    with _files_locked():
        if exists(name):
            raise AlreadyExists(f"namespace {name!r} already exists")
        _remove_stale_file(file_path)
        os.close(os.open(file_path, os.O_RDONLY | os.O_CREAT | os.O_EXCL, 0))
        handle = None
        try:
            handle = visit(unshare)
            if prepare is not None:
                prepare(handle)
            _check(_libc.mount(f"/proc/self/fd/{handle.ns_fd}".encode(), file_path.encode(), b"none", _MS_BIND,
                               None), "bind mount")
        except BaseException as exc:
            _remove_stale_file(file_path)
            if handle is not None:
                handle.close()
            if isinstance(exc, OSError):
                raise KernelError(f"create namespace {name!r} failed: {exc.strerror}") from None
            raise
    return handle


def _remove_stale_file(file_path):
    try:
        if not _is_namespace_mount(file_path):
            os.unlink(file_path)
    except FileNotFoundError:
        pass


def remove_all(names, done):
    """Remove the namespaces (their links go with them), calling done(name) after each.

    The unmounts run back to back, in one hold of the lock: the kernel then cleans the namespaces
    up together (3,000 took 0.55 s so, and 2.8 s with 0.3 ms of other work between unmounts).
    """
    with _files_locked():
        for name in names:
            _remove_locked(path(name))
            done(name)
    forget_owners(names)


def _remove_locked(file_path):
    if not os.path.lexists(file_path):
        return
    unmounted = _libc.umount2(file_path.encode(), _MNT_DETACH) == 0
    if not unmounted and ctypes.get_errno() not in (errno.EINVAL, errno.ENOENT):
        _check(-1, f"unmount {file_path}")
    try:
        os.unlink(file_path)
    except FileNotFoundError:
        pass
