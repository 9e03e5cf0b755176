# -*- coding: utf-8 -*-
# Copyright: linuxnet.netns contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ports a namespace's own services listen on, from /proc/thread-self/net, read by a thread
inside that namespace: a port forward must not take a port the host itself serves (its SSH).
Private to linuxnet.netns.
"""

import ipaddress
import sys

_FILES = (("tcp", "tcp"), ("tcp", "tcp6"), ("udp", "udp"), ("udp", "udp6"))
_TCP_LISTEN = "0A"


def listening(handle):
    """{(protocol, ipaddress address, port)} of the TCP sockets listening and the UDP sockets bound
    but not connected in the namespace of `handle` (a namespaces.NetnsHandle)."""
    return handle.run(lambda: parse({name: _read(name) for _protocol, name in _FILES}))


def _read(name):
    try:
        with open(f"/proc/thread-self/net/{name}", encoding="ascii") as file:
            return file.read()
    except FileNotFoundError:  # no IPv6 in this kernel
        return ""


def parse(tables, byteorder=sys.byteorder):
    """The listening sockets in the text of /proc/net/{tcp,tcp6,udp,udp6}, by file name."""
    found = set()
    for protocol, name in _FILES:
        for line in tables.get(name, "").splitlines()[1:]:
            fields = line.split()
            if len(fields) < 4:
                continue
            local, remote, state = fields[1], fields[2], fields[3]
            if protocol == "tcp" and state != _TCP_LISTEN:
                continue
            if protocol == "udp" and int(remote.split(":")[1], 16) != 0:
                continue  # a connected UDP socket is a client's
            address, port = local.split(":")
            found.add((protocol, _address(address, byteorder), int(port, 16)))
    return found


def _address(text, byteorder):
    """The kernel prints each 32-bit word of the address as a number, in the machine's byte order."""
    raw = bytes.fromhex(text)
    if byteorder == "little":
        raw = b"".join(raw[index:index + 4][::-1] for index in range(0, len(raw), 4))
    return ipaddress.ip_address(raw)
