# -*- coding: utf-8 -*-
# Copyright: linuxnet.netns contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The plain-socket half of the netlink door (netlink.py): the frequent requests, sent on a plain
netlink socket, encoded and decoded by pyroute2's own message classes. Private to linuxnet.netns.

pyroute2 0.9 runs an asyncio event loop around every request and builds one for every IPRoute. In
a no-change run of a thousand namespaces those loops were 54% of the module's time and making the
IPRoute objects 14% more (docs/performance.md); a request through IPRoute cost 0.33 ms, the same
request here 0.14 ms. A request needs none of it: one send, then the replies up to the end.

The messages are built the way IPRoute builds them for the same call (compared byte for byte
under pyroute2 0.7 and 0.9 when this was written); the rarer requests (tunnels, moves, forwarding
entries, traffic control) still go through IPRoute.
"""

import socket

_NLM_F_REQUEST = 0x1
_NLM_F_MULTI = 0x2
_NLM_F_ACK = 0x4
_NLM_F_DUMP = 0x300
NLM_F_REPLACE = 0x100
NLM_F_EXCL = 0x200
NLM_F_CREATE = 0x400
_NLMSG_ERROR = 2
_NLMSG_DONE = 3
_DUMP_BUFFER = 32768
_SOL_NETLINK = 270
_NETLINK_GET_STRICT_CHK = 12


class PlainSocket:
    """One netlink socket of a namespace, for reads and the frequent changes; `fd` is a netlink
    socket opened there."""

    _marshal = None  # pyroute2's parser, one for all sockets: making one costs more than a leaf's dump

    def __init__(self, fd):
        self._socket = socket.socket(fileno=fd)
        self._sequence = 0
        self._peek = bytearray(1)
        self._strict = False
        if PlainSocket._marshal is None:
            from pyroute2.netlink.rtnl.marshal import MarshalRtnl

            PlainSocket._marshal = MarshalRtnl()

    def close(self):
        self._socket.close()

    def dump(self, request, kind, strict=False):
        """Every reply to a dump request (a message of the kind's class, with filters set); kinds are
        named as pyroute2 names them (RTM_GETLINK).

        strict: ask the kernel to apply the request's filters (such as an address dump's ifindex).
        Kernels before 4.20 ignore them and send everything, so callers filter the replies too.
        """
        if strict and not self._strict:
            try:
                self._socket.setsockopt(_SOL_NETLINK, _NETLINK_GET_STRICT_CHK, 1)
            except OSError:
                pass
            self._strict = True
        return self._exchange(request, kind, _NLM_F_DUMP)

    def get(self, request, kind):
        """The one reply to a request for one object; a refusal raises pyroute2's NetlinkError."""
        return self._exchange(request, kind, 0)[0]

    def change(self, request, kind, flags=0):
        """Send a change and wait for the kernel's answer; a refusal raises pyroute2's NetlinkError."""
        self._exchange(request, kind, _NLM_F_ACK | flags)

    def _exchange(self, request, kind, flags):
        self._sequence += 1
        from pyroute2.netlink import rtnl

        header = request["header"]
        header["type"] = getattr(rtnl, kind)
        header["flags"] = _NLM_F_REQUEST | flags
        header["sequence_number"] = self._sequence
        request.encode()
        self._socket.send(request.data)
        replies = []
        while True:
            for reply in self._marshal.parse(self._receive()):
                header = reply["header"]
                if header["sequence_number"] != self._sequence:
                    continue
                if header.get("error") is not None:
                    raise header["error"]
                if header["type"] in (_NLMSG_DONE, _NLMSG_ERROR):
                    return replies
                replies.append(reply)
                if not header["flags"] & _NLM_F_MULTI:
                    return replies

    def _receive(self):
        """One datagram whole: its size is asked first, since one can exceed any fixed buffer. The
        kernel sizes a dump's datagrams to the buffers the socket reads with (up to 32 KiB): read
        with the exact size, a thousand links took 500 datagrams rather than 60."""
        size = self._socket.recv_into(self._peek, 1, socket.MSG_PEEK | socket.MSG_TRUNC)
        return self._socket.recv(max(size, _DUMP_BUFFER))


# The messages: the reads', and the frequent changes' as IPRoute builds them.
IFF_UP = 0x1
_IFA_F_NODAD = 0x02
RTPROT_LINUXNET = 77  # the protocol of a topology's own routes and rules: not an operator's (static, 4) nor a daemon's
RTN_UNICAST = 1
MAIN_TABLE = 254
_RT_TABLE_COMPAT = 252  # rtm_table of a table above 255, which RTA_TABLE then names


def link_message(index=0, up=None, attrs=()):
    """An ifinfmsg for link `index` (0: a new link); up True/False sets the link's state."""
    from pyroute2.netlink.rtnl.ifinfmsg import ifinfmsg

    message = ifinfmsg()
    message["index"] = index
    if up is not None:
        message["flags"] = IFF_UP if up else 0
        message["change"] = IFF_UP
    message["attrs"] = list(attrs)
    return message


def link_info(kind, data=()):
    """The IFLA_LINKINFO attribute of a link of `kind`, with its kind's IFLA_INFO_DATA attributes."""
    info = [("IFLA_INFO_KIND", kind)]
    if data:
        info.append(("IFLA_INFO_DATA", {"attrs": list(data)}))
    return ("IFLA_LINKINFO", {"attrs": info})


def veth_peer(attrs):
    """The IFLA_INFO_DATA attribute that names a new veth's peer end."""
    return ("VETH_INFO_PEER", {"attrs": list(attrs)})


def address_filter(index):
    """An ifaddrmsg that asks for the addresses of link `index` only."""
    from pyroute2.netlink.rtnl.ifaddrmsg import ifaddrmsg

    message = ifaddrmsg()
    message["index"] = index
    return message


def route_filter(family):
    from pyroute2.netlink.rtnl.rtmsg import rtmsg

    message = rtmsg()
    message["family"] = family
    return message


def nsid_message(ns_fd):
    """An nsidmsg that asks for the id of the namespace open as `ns_fd`."""
    from pyroute2.netlink.rtnl.nsidmsg import nsidmsg

    message = nsidmsg()
    message["attrs"] = [("NETNSA_FD", ns_fd)]
    return message


def address_message(index, address, nodad=False):
    """An ifaddrmsg for `address` (an ipaddress interface) on link `index`."""
    from pyroute2.netlink.rtnl.ifaddrmsg import ifaddrmsg

    message = ifaddrmsg()
    message["family"] = socket.AF_INET6 if address.version == 6 else socket.AF_INET
    message["prefixlen"] = address.network.prefixlen
    message["index"] = index
    attrs = [("IFA_ADDRESS", str(address.ip))]
    if address.version == 4:
        attrs.append(("IFA_LOCAL", str(address.ip)))
    elif nodad:
        attrs.append(("IFA_FLAGS", _IFA_F_NODAD))
    message["attrs"] = attrs
    return message


def route_message(dst, gateway=None, oif=None, metric=None, table=MAIN_TABLE, nexthops=(), replace=True):
    """An rtmsg for the route to `dst` (an ipaddress network) in `table`: to replace, or to delete.
    `nexthops`, ((gateway, oif, weight), ...), makes one multipath route."""
    from pyroute2.netlink.rtnl.rtmsg import rtmsg

    message = rtmsg()
    message["family"] = socket.AF_INET6 if dst.version == 6 else socket.AF_INET
    message["dst_len"] = dst.prefixlen
    message["table"] = table if table < 256 else _RT_TABLE_COMPAT
    if replace:
        message["proto"] = RTPROT_LINUXNET
        message["type"] = RTN_UNICAST
    attrs = [("RTA_DST", str(dst.network_address))] if dst.prefixlen else []
    attrs.append(("RTA_TABLE", table))
    for name, value in (("RTA_GATEWAY", gateway), ("RTA_OIF", oif), ("RTA_PRIORITY", metric)):
        if value is not None:
            attrs.append((name, str(value) if name == "RTA_GATEWAY" else value))
    if nexthops:
        attrs.append(("RTA_MULTIPATH", [
            {"oif": hop_oif or 0, "hops": weight - 1, "attrs": [("RTA_GATEWAY", str(hop_gateway))] if hop_gateway else []}
            for hop_gateway, hop_oif, weight in nexthops]))
    message["attrs"] = attrs
    return message
