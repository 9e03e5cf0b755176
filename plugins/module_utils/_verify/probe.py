# -*- coding: utf-8 -*-
# Copyright: linuxnet.netns contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""ICMP echo sent from inside namespaces by Python itself: no ping binary needed.
Private to linuxnet.netns.

All probes go out at once over one raw socket per namespace and family; replies are matched by
identifier, sequence and source. Probes without a reply are sent again, up to `attempts` times.
"""

import os
import select
import socket
import struct
import time

_ECHO_REQUEST = {socket.AF_INET: 8, socket.AF_INET6: 128}
_ECHO_REPLY = {socket.AF_INET: 0, socket.AF_INET6: 129}
_PROTOCOL = {socket.AF_INET: socket.IPPROTO_ICMP, socket.AF_INET6: socket.IPPROTO_ICMPV6}
_HEADERS = {socket.AF_INET: 20 + 8, socket.AF_INET6: 40 + 8}  # IP and ICMP headers
_PAYLOAD = b"linuxnet.netns probe"
# Don't fragment: (level, option, value) per family (IP_MTU_DISCOVER / IPV6_MTU_DISCOVER, PMTUDISC_DO).
_DONT_FRAGMENT = {socket.AF_INET: (socket.IPPROTO_IP, 10, 2), socket.AF_INET6: (socket.IPPROTO_IPV6, 23, 2)}


def _checksum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack(f"!{len(data) // 2}H", data))
    total = (total >> 16) + (total & 0xFFFF)
    total += total >> 16
    return ~total & 0xFFFF


def _echo(family, ident, seq, size=None):
    """An echo request; with size, padded so that the whole IP packet is size bytes."""
    payload = _PAYLOAD if size is None else _PAYLOAD.ljust(size - _HEADERS[family], b".")
    header = struct.pack("!BBHHH", _ECHO_REQUEST[family], 0, 0, ident, seq)
    if family == socket.AF_INET:  # the kernel fills in the ICMPv6 checksum itself
        header = struct.pack("!BBHHH", _ECHO_REQUEST[family], 0, _checksum(header + payload), ident, seq)
    return header + payload


def _reply(family, data):
    """(ident, seq) of an echo reply, or None."""
    if family == socket.AF_INET:
        data = data[(data[0] & 0x0F) * 4:]
    if len(data) < 8 or data[0] != _ECHO_REPLY[family]:
        return None
    return struct.unpack("!HH", data[4:8])


def ping_all(view, probes, timeout=1.0, attempts=3):
    """probes: list of (netns, ipaddress address, size or None), sent from sockets the view opens in
    each namespace; a sized probe is a packet of exactly that many bytes with don't-fragment set.
    Returns one round-trip time per probe, in milliseconds (from the attempt answered), or None
    for a probe without an answer."""
    sockets = {}
    pending = {}  # (socket key, seq) -> probe index
    ident = os.getpid() & 0xFFFF
    for index, (netns, address, size) in enumerate(probes):
        family = socket.AF_INET if address.version == 4 else socket.AF_INET6
        key = (netns, family, size is not None)
        if key not in sockets:
            sockets[key] = view.socket(netns, family, socket.SOCK_RAW, _PROTOCOL[family])
            if size is not None:
                sockets[key].setsockopt(*_DONT_FRAGMENT[family])
        pending[(key, index & 0xFFFF)] = index
    answered = [None] * len(probes)
    sent = {}  # probe index -> when its latest attempt left
    try:
        for _attempt in range(attempts):
            if not pending:
                break
            for (key, seq), index in pending.items():
                try:
                    sent[index] = time.monotonic()
                    sockets[key].sendto(_echo(key[1], ident, seq, probes[index][2]), (str(probes[index][1]), 0))
                except OSError:
                    pass  # unreachable right away: stays pending, reported as failed
            _collect(sockets, pending, probes, answered, sent, ident, time.monotonic() + timeout)
    finally:
        for sock in sockets.values():
            sock.close()
    return answered


def connect_all(view, probes, timeout=2.0):
    """probes: list of (netns, ipaddress address, TCP port), connected to at once from sockets the
    view opens in each namespace. Returns the time each connection took, in milliseconds, or None
    for one refused or unanswered within the timeout."""
    started, sockets = time.monotonic(), {}
    answered = [None] * len(probes)
    try:
        for index, (netns, address, port) in enumerate(probes):
            family = socket.AF_INET if address.version == 4 else socket.AF_INET6
            sock = view.socket(netns, family, socket.SOCK_STREAM, 0)
            sock.setblocking(False)
            sockets[sock.fileno()] = (index, sock)
            sock.connect_ex((str(address), port))
        waiting = dict(sockets)
        while waiting and time.monotonic() < started + timeout:
            _readable, writable, _errors = select.select([], [sock for _index, sock in waiting.values()], [],
                                                         started + timeout - time.monotonic())
            for sock in writable:
                index, _sock = waiting.pop(sock.fileno())
                if sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) == 0:
                    answered[index] = round((time.monotonic() - started) * 1000, 3)
    finally:
        for _index, sock in sockets.values():
            sock.close()
    return answered


def _collect(sockets, pending, probes, answered, sent, ident, deadline):
    by_fileno = {sock.fileno(): key for key, sock in sockets.items()}
    while pending and time.monotonic() < deadline:
        ready, _writable, _errors = select.select(list(sockets.values()), [], [], deadline - time.monotonic())
        for sock in ready:
            key = by_fileno[sock.fileno()]
            data, sender = sock.recvfrom(2048)
            reply = _reply(key[1], data)
            if reply is None or reply[0] != ident:
                continue
            index = pending.get((key, reply[1]))
            if index is not None and sender[0].split("%")[0] == str(probes[index][1]):
                answered[index] = round((time.monotonic() - sent[index]) * 1000, 3)
                del pending[(key, reply[1])]
