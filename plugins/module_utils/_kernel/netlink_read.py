# -*- coding: utf-8 -*-
# Copyright: linuxnet.netns contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The reading half of the netlink door (netlink.py): requests that only read, sent on a plain
netlink socket, encoded and decoded by pyroute2's own message classes. Private to linuxnet.netns.

pyroute2 0.9 runs an asyncio event loop around every request and builds one for every IPRoute. In
a no-change run of a thousand namespaces those loops were 54% of the module's time and making the
IPRoute objects 14% more (docs/performance.md). A read needs none of it: one send, then the replies
up to the end of the dump. Changes still go through IPRoute, which knows how to build them.
"""

import socket

_NLM_F_REQUEST = 0x1
_NLM_F_MULTI = 0x2
_NLM_F_DUMP = 0x300
_NLMSG_ERROR = 2
_NLMSG_DONE = 3
_DUMP_BUFFER = 32768
_SOL_NETLINK = 270
_NETLINK_GET_STRICT_CHK = 12


class PlainSocket:
    """One netlink socket of a namespace, for reads; `fd` is a netlink socket opened there."""

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
        """Every reply to a dump request (an empty message of the kind's class, with filters set).

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

    def _exchange(self, request, kind, flags):
        self._sequence += 1
        header = request["header"]
        header["type"] = kind
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
