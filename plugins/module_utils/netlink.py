# -*- coding: utf-8 -*-
# Copyright: linuxnet.netns contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one door to the kernel. Private to linuxnet.netns.

Only this file imports pyroute2. It creates, lists and removes namespaces the way
``ip netns`` does (bind mounts in /run/netns), opens one netlink session per namespace
without forking, parses kernel messages into plain records, and turns netlink errors
into messages a user can read.

Written against what pyroute2 0.7 (Debian 12) and 0.9 (PyPI) both offer.
"""

import ctypes
import errno
import fcntl
import importlib.util
import ipaddress
import os
import resource
import socket
import struct
import threading
from contextlib import contextmanager
from dataclasses import dataclass

from ansible_collections.linuxnet.netns.plugins.module_utils.errors import (
    AlreadyExists,
    KernelError,
    NotFoundError,
)

# pyroute2 is imported on first use, not here: importing it costs 0.1 to 0.25 s, which is most of
# a single `netns` task that needs no netlink at all (files in /run/netns, lo by ioctl, sysctls).
HAS_PYROUTE2 = importlib.util.find_spec("pyroute2") is not None
PYROUTE2_IMPORT_ERROR = None if HAS_PYROUTE2 else "ModuleNotFoundError: No module named 'pyroute2'"


def _iproute(**arguments):
    from pyroute2 import IPRoute

    return IPRoute(**arguments)


def _netlink_error():
    """The exception class pyroute2 raises for a kernel refusal (evaluated only once one is raised)."""
    from pyroute2.netlink.exceptions import NetlinkError

    return NetlinkError


NETNS_RUN_DIR = "/run/netns"
LOCK_FILE = "/run/linuxnet-netns.lock"  # outside /run/netns, where `ip netns list` would show it
MAIN_TABLE = 254

_CLONE_NEWNET = 0x40000000
_MS_BIND = 0x1000
_MS_REC = 0x4000
_MS_SHARED = 1 << 20
_MNT_DETACH = 2
_IFA_F_NODAD = 0x02
_IFF_UP = 0x1
_SIOCGIFFLAGS = 0x8913
_SIOCSIFFLAGS = 0x8914
_LOOPBACK_INDEX = 1  # the kernel registers lo first in every namespace
_RTN_UNICAST = 1

_libc = ctypes.CDLL(None, use_errno=True)

_REASONS = {
    errno.EEXIST: "it already exists",
    errno.ERANGE: "a name is longer than the kernel allows (15 bytes for interfaces)",
    errno.EINVAL: "the kernel rejected a value as invalid",
    errno.ENODEV: "no such interface",
    errno.ENOENT: "no such object",
    errno.ESRCH: "no such object",
    errno.EADDRNOTAVAIL: "the address is not there",
    errno.ENETUNREACH: "the gateway is not reachable through a directly connected network (not on-link)",
    errno.EOPNOTSUPP: "this kernel does not support it",
    errno.EPERM: "permission denied: managing network namespaces needs root",
    errno.EBUSY: "the object is busy",
    errno.ENOTCONN: "the interface is not connected",
}


def _kernel_reason(code):
    return _REASONS.get(code, os.strerror(code) if code else "unknown netlink error")


@contextmanager
def _request(what):
    """Run one netlink request; a refusal becomes a KernelError that says what was tried."""
    try:
        yield
    except _netlink_error() as exc:
        code = getattr(exc, "code", 0)
        error = AlreadyExists if code == errno.EEXIST else KernelError
        raise error(f"{what} failed: {_kernel_reason(code)} (errno {code})") from None


def _check(result, what):
    if result != 0:
        code = ctypes.get_errno()
        raise OSError(code, f"{what}: {os.strerror(code)}")


def _in_thread(function):
    """Run function in a short-lived thread: setns()/unshare() there never moves the caller."""
    outcome = {}

    def run():
        try:
            outcome["value"] = function()
        except BaseException as exc:  # handed back to the caller below
            outcome["error"] = exc

    worker = threading.Thread(target=run, name="linuxnet-netns")
    worker.start()
    worker.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def _enter(ns_fd):
    _check(_libc.setns(ns_fd, _CLONE_NEWNET), "setns")


def _netlink_socket():
    # pyroute2 0.9 hands the socket to asyncio, which wants a datagram socket.
    return socket.socket(socket.AF_NETLINK, socket.SOCK_DGRAM, 0).detach()


# --- namespaces as files in /run/netns -------------------------------------------------


def namespace_path(name):
    return os.path.join(NETNS_RUN_DIR, name)


def _is_namespace_mount(path):
    """True for a bound namespace, False for a plain file left by an interrupted create."""
    return os.stat(path).st_dev != os.stat(NETNS_RUN_DIR).st_dev


def namespace_exists(name):
    try:
        return _is_namespace_mount(namespace_path(name))
    except FileNotFoundError:
        return False


def namespace_identity(name):
    """(device, inode) of the namespace bound at /run/netns/NAME, as /proc/PID/ns/net shows it."""
    stat = os.stat(namespace_path(name))
    return stat.st_dev, stat.st_ino


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


def list_namespaces():
    try:
        names = os.listdir(NETNS_RUN_DIR)
    except FileNotFoundError:
        return []
    return sorted(name for name in names if namespace_exists(name))


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
def _namespace_files_locked():
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


def _loopback_flags(up=False):
    """lo's interface flags, by ioctl in the calling thread's namespace; with up=True, bring it up."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        request = struct.pack("16sH", b"lo", 0)
        flags = struct.unpack("16sH", fcntl.ioctl(sock, _SIOCGIFFLAGS, request)[:18])[1]
        if up and not flags & _IFF_UP:
            flags |= _IFF_UP
            fcntl.ioctl(sock, _SIOCSIFFLAGS, struct.pack("16sH", b"lo", flags))
        return flags


def create_namespace(name, loopback_alias=None):
    """Create namespace `name` with lo up (and marked with loopback_alias), and only then name it.

    A run killed before the bind mount leaves no namespace, only a plain file that the next run
    removes, so lo is up and marked whenever the name exists. Returns the namespace's open
    descriptor and, when an alias was set, its netlink socket; None when the namespace exists
    (made concurrently, perhaps).
    """
    path = namespace_path(name)
    if namespace_exists(name):
        return None
    _prepare_run_dir()

    def unshare():
        _check(_libc.unshare(_CLONE_NEWNET), "unshare")
        _loopback_flags(up=True)
        ns_fd = os.open("/proc/thread-self/ns/net", os.O_RDONLY | os.O_CLOEXEC)
        return ns_fd, _netlink_socket() if loopback_alias is not None else None

    with _namespace_files_locked():
        if namespace_exists(name):
            return None
        _remove_stale_file(path)
        os.close(os.open(path, os.O_RDONLY | os.O_CREAT | os.O_EXCL, 0))
        try:
            ns_fd, socket_fd = _in_thread(unshare)
            session = None
            if socket_fd is not None:
                session = Session(name, ns_fd=os.dup(ns_fd), socket_fd=socket_fd)
                session.set_link(_LOOPBACK_INDEX, "lo", alias=loopback_alias)
            _check(_libc.mount(f"/proc/self/fd/{ns_fd}".encode(), path.encode(), b"none", _MS_BIND, None),
                   "bind mount")
            os.close(ns_fd)
        except OSError as exc:
            _remove_stale_file(path)
            raise KernelError(f"create namespace {name!r} failed: {exc.strerror}") from None
        except BaseException:
            _remove_stale_file(path)
            raise
    return session or True


def loopback_is_up(ns_fd):
    """Whether lo is up in the namespace open as ns_fd (no netlink needed)."""
    def inside():
        _enter(ns_fd)
        return bool(_loopback_flags() & _IFF_UP)

    return _in_thread(inside)


def bring_loopback_up(ns_fd):
    def inside():
        _enter(ns_fd)
        _loopback_flags(up=True)

    _in_thread(inside)


def _remove_stale_file(path):
    try:
        if not _is_namespace_mount(path):
            os.unlink(path)
    except FileNotFoundError:
        pass


def remove_namespace(name):
    """Remove namespace `name` (its links go with it); return False when it was not there."""
    path = namespace_path(name)
    if not os.path.lexists(path):
        return False
    with _namespace_files_locked():
        if _libc.umount2(path.encode(), _MNT_DETACH) != 0 and ctypes.get_errno() not in (errno.EINVAL, errno.ENOENT):
            _check(-1, f"unmount {path}")
        try:
            os.unlink(path)
        except FileNotFoundError:
            pass
    return True


# --- what the kernel reports, as plain records -------------------------------------------


@dataclass(frozen=True)
class Link:
    index: int
    name: str
    kind: str
    up: bool
    operstate: str
    mtu: int
    mac: str
    master: int
    peer_index: int
    peer_nsid: int  # None: the peer is in the same namespace
    stp: bool  # bridges only
    alias: str  # the interface alias; topologies write their ownership marker there


@dataclass(frozen=True)
class Address:
    index: int
    interface: object  # ipaddress.IPv4Interface / IPv6Interface


@dataclass(frozen=True)
class Route:
    family: int
    dst: object  # ipaddress network
    gateway: object  # ipaddress address or None
    oif: int
    metric: int
    proto: int


def _link_from(msg):
    info = msg.get_attr("IFLA_LINKINFO")
    kind = info.get_attr("IFLA_INFO_KIND") if info is not None else None
    stp = None
    if kind == "bridge":
        data = info.get_attr("IFLA_INFO_DATA")
        stp = bool(data.get_attr("IFLA_BR_STP_STATE")) if data is not None else None
    return Link(
        index=msg["index"],
        name=msg.get_attr("IFLA_IFNAME"),
        kind=kind or ("loopback" if msg.get_attr("IFLA_IFNAME") == "lo" else "device"),
        up=bool(msg["flags"] & _IFF_UP),
        operstate=msg.get_attr("IFLA_OPERSTATE"),
        mtu=msg.get_attr("IFLA_MTU"),
        mac=msg.get_attr("IFLA_ADDRESS"),
        master=msg.get_attr("IFLA_MASTER"),
        peer_index=msg.get_attr("IFLA_LINK") if kind == "veth" else None,
        peer_nsid=msg.get_attr("IFLA_LINK_NETNSID") if kind == "veth" else None,
        stp=stp,
        alias=msg.get_attr("IFLA_IFALIAS"),
    )


def _address_from(msg):
    local = msg.get_attr("IFA_LOCAL") or msg.get_attr("IFA_ADDRESS")
    return Address(
        index=msg["index"],
        interface=ipaddress.ip_interface(f"{local}/{msg['prefixlen']}"),
    )


def _route_from(msg):
    family = msg["family"]
    dst = msg.get_attr("RTA_DST")
    if dst is None:
        dst = "0.0.0.0" if family == socket.AF_INET else "::"
    gateway = msg.get_attr("RTA_GATEWAY")
    return Route(
        family=family,
        dst=ipaddress.ip_network(f"{dst}/{msg['dst_len']}"),
        gateway=ipaddress.ip_address(gateway) if gateway else None,
        oif=msg.get_attr("RTA_OIF"),
        metric=msg.get_attr("RTA_PRIORITY") or 0,
        proto=msg["proto"],
    )


# --- one netlink session per namespace ----------------------------------------------------


class Session:
    """A netlink socket inside one namespace (None: the namespace the module runs in)."""

    def __init__(self, netns, ns_fd=None, socket_fd=None):
        """Open `netns` by name, or wrap the descriptors of a namespace being created."""
        self.netns = netns
        if ns_fd is None:
            path = namespace_path(netns) if netns is not None else "/proc/self/ns/net"
            if netns is not None and not namespace_exists(netns):
                raise NotFoundError(f"namespace {netns!r} does not exist")
            ns_fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
        self.ns_fd = ns_fd
        self._socket_fd = socket_fd
        self._netlink = None

    @property
    def _ipr(self):
        """The netlink socket, opened on first use: many runs only need files, sysctls and ioctls."""
        if self._netlink is None:
            if self._socket_fd is not None:
                self._netlink = _iproute(fileno=self._socket_fd)
            elif self.netns is None:
                self._netlink = _iproute()
            else:
                self._netlink = _iproute(fileno=_in_thread(self._socket_inside))
        return self._netlink

    def _socket_inside(self):
        _enter(self.ns_fd)
        return _netlink_socket()

    @property
    def label(self):
        return f"namespace {self.netns!r}" if self.netns is not None else "the host namespace"

    def close(self):
        if self._netlink is not None:
            self._netlink.close()
        elif self._socket_fd is not None:
            os.close(self._socket_fd)
        os.close(self.ns_fd)

    # reading
    def links(self):
        with _request(f"list links in {self.label}"):
            return [_link_from(msg) for msg in self._ipr.get_links()]

    def addresses(self):
        with _request(f"list addresses in {self.label}"):
            return [_address_from(msg) for msg in self._ipr.get_addr()]

    def routes(self):
        """Unicast routes of the main table, IPv4 and IPv6."""
        result = []
        for family in (socket.AF_INET, socket.AF_INET6):
            with _request(f"list routes in {self.label}"):
                messages = self._ipr.get_routes(family=family)
            for msg in messages:
                table = msg.get_attr("RTA_TABLE") or msg["table"]
                if table == MAIN_TABLE and msg["type"] == _RTN_UNICAST:
                    result.append(_route_from(msg))
        return result

    def netnsid_of(self, other):
        """The id under which this namespace knows `other` (None when it has given it none)."""
        with _request(f"look up the id of {other.label} in {self.label}"):
            reply = self._ipr.get_netnsid(fd=other.ns_fd)
        nsid = reply.get("nsid") if isinstance(reply, dict) else None
        return nsid if nsid is not None and nsid >= 0 else None

    def link_named(self, name):
        """The one link called `name`, asked for alone (no dump), or None."""
        try:
            return _link_from(self._ipr.link("get", ifname=name)[0])
        except _netlink_error() as exc:
            if getattr(exc, "code", 0) == errno.ENODEV:
                return None
            raise KernelError(f"look up interface {name!r} in {self.label} failed: {_kernel_reason(exc.code)}") from None

    # links
    def add_veth(self, name, peer, peer_session, mtu=None, master=None):
        peer_spec = {"ifname": peer}
        if peer_session is not self:
            peer_spec["net_ns_fd"] = peer_session.ns_fd
        extra = {"master": master} if master is not None else {}
        if mtu is not None:
            extra["mtu"] = mtu
            peer_spec["mtu"] = mtu
        where = f"{self.label}" if peer_session is self else f"{self.label} and {peer_session.label}"
        with _request(f"create veth {name!r} with peer {peer!r} in {where}"):
            self._ipr.link("add", ifname=name, kind="veth", state="up", peer=peer_spec, **extra)

    def add_bridge(self, name, stp=None, mtu=None, up=True):
        extra = {"state": "up" if up else "down"}
        if stp is not None:
            extra["br_stp_state"] = int(stp)
        if mtu is not None:
            extra["mtu"] = mtu
        with _request(f"create bridge {name!r} in {self.label}"):
            self._ipr.link("add", ifname=name, kind="bridge", **extra)

    def set_link(self, index, name, up=None, mtu=None, master=None, stp=None, alias=None):
        changes = {"ifalias": alias} if alias is not None else {}
        if up is not None:
            changes["state"] = "up" if up else "down"
        if mtu is not None:
            changes["mtu"] = mtu
        if master is not None:
            changes["master"] = master
        if stp is not None:
            changes["kind"] = "bridge"
            changes["br_stp_state"] = int(stp)
        with _request(f"change interface {name!r} ({', '.join(sorted(changes))}) in {self.label}"):
            self._ipr.link("set", index=index, **changes)

    def delete_link(self, index, name):
        with _request(f"delete interface {name!r} in {self.label}"):
            self._ipr.link("del", index=index)

    # addresses
    def add_address(self, index, interface_name, address, nodad=False):
        extra = {"flags": _IFA_F_NODAD} if nodad and address.version == 6 else {}
        with _request(f"add address {address} to {interface_name!r} in {self.label}"):
            self._ipr.addr(
                "add", index=index, address=str(address.ip), prefixlen=address.network.prefixlen, **extra
            )

    def delete_address(self, index, interface_name, address):
        with _request(f"remove address {address} from {interface_name!r} in {self.label}"):
            self._ipr.addr("del", index=index, address=str(address.ip), prefixlen=address.network.prefixlen)

    # routes
    def _route_spec(self, dst, gateway, oif, metric):
        spec = {"dst": str(dst), "table": MAIN_TABLE}
        if dst.version == 6:
            spec["family"] = socket.AF_INET6
        if gateway is not None:
            spec["gateway"] = str(gateway)
        if oif is not None:
            spec["oif"] = oif
        if metric is not None:
            spec["priority"] = metric
        return spec

    def replace_route(self, dst, gateway, oif, metric):
        with _request(f"set route to {dst} in {self.label}"):
            self._ipr.route("replace", **self._route_spec(dst, gateway, oif, metric))

    def delete_route(self, dst, metric):
        with _request(f"delete route to {dst} in {self.label}"):
            self._ipr.route("del", **self._route_spec(dst, None, None, metric))

    def socket(self, family, kind, proto):
        """A plain socket bound to this namespace, such as a raw ICMP socket for probing."""
        return self._in_namespace(lambda: socket.socket(family, kind, proto))

    # sysctls under /proc/sys/net, which follow the namespace of the calling thread
    def read_sysctl(self, key):
        return self._in_namespace(lambda: _read_text(_sysctl_path(key)))

    def write_sysctl(self, key, value):
        self._in_namespace(lambda: _write_text(_sysctl_path(key), value))

    def _in_namespace(self, function):
        if self.netns is None:
            return function()

        def inside():
            _enter(self.ns_fd)
            return function()

        return _in_thread(inside)


def _sysctl_path(key):
    return "/proc/sys/" + key.replace(".", "/")


def _read_text(path):
    try:
        with open(path, encoding="ascii") as handle:
            return " ".join(handle.read().split())
    except FileNotFoundError:
        raise NotFoundError(f"sysctl {path[len('/proc/sys/'):].replace('/', '.')} does not exist") from None


def _write_text(path, value):
    try:
        with open(path, "w", encoding="ascii") as handle:
            handle.write(value)
    except OSError as exc:
        key = path[len("/proc/sys/"):].replace("/", ".")
        raise KernelError(f"set sysctl {key} to {value!r} failed: {exc.strerror}") from None


class Sessions:
    """Opens each namespace once per module run and closes them all at the end."""

    def __init__(self):
        self._open = {}
        _raise_open_file_limit()

    def get(self, netns):
        if netns not in self._open:
            self._open[netns] = Session(netns)
        return self._open[netns]

    def create(self, netns, loopback_alias=None):
        """Create namespace `netns` (see create_namespace); False when it already existed."""
        made = create_namespace(netns, loopback_alias)
        if made is None:
            return False
        self.forget(netns)
        if isinstance(made, Session):
            self._open[netns] = made
        return True

    def forget(self, netns):
        session = self._open.pop(netns, None)
        if session is not None:
            session.close()

    def close(self):
        for netns in list(self._open):
            self.forget(netns)

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()


def _raise_open_file_limit():
    """Each open namespace holds a few descriptors; large topologies need more than 1024."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or soft < hard:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
        except (ValueError, OSError):
            pass
