"""The frequent changes go over a plain socket with messages built by the collection from
pyroute2's message classes (plugins/module_utils/_kernel/netlink_plain.py). Each must be the very
message IPRoute sends for the same call: compared byte for byte (sequence number and port aside),
both sent into a throwaway namespace of their own, so whatever the kernel does with them is gone
with it."""
import ipaddress
import os
import socket

import pytest

pytest.importorskip("pyroute2")

from pyroute2 import IPRoute  # noqa: E402  pylint: disable=wrong-import-position

from ansible_collections.linuxnet.netns.plugins.module_utils._kernel import namespaces, netlink  # noqa: E402

I, A, N = ipaddress.ip_address, ipaddress.ip_interface, ipaddress.ip_network


class _Handle:
    """Stands for a NetnsHandle of the throwaway namespace; `ns_fd` is where a veth's peer goes."""

    name = "throwaway"

    def __init__(self, netlink_fd, ns_fd):
        self._netlink_fd = netlink_fd
        self.ns_fd = ns_fd

    def netlink_fd(self):
        return os.dup(self._netlink_fd)


@pytest.fixture(name="sent")
def fixture_sent(monkeypatch):
    """Every datagram sent on a socket, as bytes."""
    datagrams = []
    for name in ("send", "sendto"):
        original = getattr(socket.socket, name)

        def sending(sock, data, *rest, _original=original):
            datagrams.append(bytes(data))
            return _original(sock, data, *rest)

        monkeypatch.setattr(socket.socket, name, sending)
    return datagrams


@pytest.fixture(name="pair")
def fixture_pair():
    """(IPRoute, a NetlinkSession, another session for a veth's peer end) on one throwaway namespace."""
    fd = namespaces.scratch_netlink_fd()
    host = os.open("/proc/self/ns/net", os.O_RDONLY)
    ipr = IPRoute(fileno=os.dup(fd))
    session = netlink.NetlinkSession(_Handle(fd, host))
    peer = netlink.NetlinkSession(_Handle(fd, host))
    try:
        yield ipr, session, peer
    finally:
        session.close()
        peer.close()
        ipr.close()
        os.close(fd)
        os.close(host)


def _without_sequence(datagram):
    return datagram[:8] + bytes(8) + datagram[16:]


CALLS = {
    "bridge, up, stp, mtu": (lambda ipr, peer: ipr.link("add", ifname="br1", kind="bridge", state="up", br_stp_state=1, mtu=1400),
                             lambda s, peer: s.add_bridge("br1", stp=True, mtu=1400)),
    "bridge, down": (lambda ipr, peer: ipr.link("add", ifname="br2", kind="bridge", state="down"),
                     lambda s, peer: s.add_bridge("br2", up=False)),
    "link up, mtu, master, alias": (lambda ipr, peer: ipr.link("set", index=1, ifalias="m", state="up", mtu=1500, master=2),
                                    lambda s, peer: s.set_link(1, "lo", up=True, mtu=1500, master=2, alias="m")),
    "link settings": (lambda ipr, peer: ipr.link("set", index=1, address="02:00:00:00:00:01", txqlen=500,
                                                 gso_max_size=65536, gro_max_size=65536),
                      lambda s, peer: s.set_link(1, "lo", mac="02:00:00:00:00:01", txqueuelen=500, gso_max_size=65536,
                                                 gro_max_size=65536)),
    "link down": (lambda ipr, peer: ipr.link("set", index=1, state="down"), lambda s, peer: s.set_link(1, "lo", up=False)),
    "bridge stp off": (lambda ipr, peer: ipr.link("set", index=2, kind="bridge", br_stp_state=0),
                       lambda s, peer: s.set_link(2, "br0", stp=False)),
    "veth into another namespace": (
        lambda ipr, peer: ipr.link("add", ifname="v0", kind="veth", state="up", master=2, mtu=1400, num_tx_queues=2,
                                   num_rx_queues=2, peer={"ifname": "v1", "net_ns_fd": peer.handle.ns_fd, "mtu": 1400,
                                                          "num_tx_queues": 3, "num_rx_queues": 3}),
        lambda s, peer: s.add_veth("v0", "v1", peer, 1400, master=2, queues=2, peer_queues=3)),
    "veth in one namespace": (lambda ipr, peer: ipr.link("add", ifname="v2", kind="veth", state="up", peer={"ifname": "v3"}),
                              lambda s, peer: s.add_veth("v2", "v3", s)),
    "delete link": (lambda ipr, peer: ipr.link("del", index=5), lambda s, peer: s.delete_link(5, "v0")),
    "IPv4 address": (lambda ipr, peer: ipr.addr("add", index=1, address="198.18.0.1", prefixlen=24),
                     lambda s, peer: s.add_address(1, "lo", A("198.18.0.1/24"))),
    "IPv6 address without DAD": (lambda ipr, peer: ipr.addr("add", index=1, address="2001:db8::1", prefixlen=64, flags=2),
                                 lambda s, peer: s.add_address(1, "lo", A("2001:db8::1/64"), nodad=True)),
    "IPv6 address": (lambda ipr, peer: ipr.addr("add", index=1, address="2001:db8::1", prefixlen=64),
                     lambda s, peer: s.add_address(1, "lo", A("2001:db8::1/64"))),
    "delete address": (lambda ipr, peer: ipr.addr("del", index=1, address="198.18.0.1", prefixlen=24),
                       lambda s, peer: s.delete_address(1, "lo", A("198.18.0.1/24"))),
    "route by gateway, metric": (lambda ipr, peer: ipr.route("replace", dst="198.18.5.0/24", table=254, gateway="198.18.0.2",
                                                             priority=10, proto=77),
                                 lambda s, peer: s.replace_route(N("198.18.5.0/24"), I("198.18.0.2"), None, 10)),
    "route by interface": (lambda ipr, peer: ipr.route("replace", dst="198.18.6.0/24", table=254, oif=1, proto=77),
                           lambda s, peer: s.replace_route(N("198.18.6.0/24"), None, 1, None)),
    "IPv6 default route": (lambda ipr, peer: ipr.route("replace", dst="::/0", family=socket.AF_INET6, table=254,
                                                       gateway="2001:db8::2", proto=77),
                           lambda s, peer: s.replace_route(N("::/0"), I("2001:db8::2"), None, None)),
    "route in table 100": (lambda ipr, peer: ipr.route("replace", dst="198.18.7.0/24", table=100, gateway="198.18.0.2",
                                                       proto=77),
                           lambda s, peer: s.replace_route(N("198.18.7.0/24"), I("198.18.0.2"), None, None, 100)),
    "delete route": (lambda ipr, peer: ipr.route("del", dst="198.18.5.0/24", table=254, priority=10),
                     lambda s, peer: s.delete_route(N("198.18.5.0/24"), 10, missing_ok=True)),
}


@pytest.mark.parametrize("call", sorted(CALLS))
def test_the_plain_socket_sends_what_iproute_sends(call, pair, sent):
    ipr, session, peer = pair
    theirs, ours = CALLS[call]
    for send in (lambda: theirs(ipr, peer), lambda: ours(session, peer)):
        try:
            send()
        except Exception:  # pylint: disable=broad-except  # the kernel may refuse; the message is what counts
            pass
    assert len(sent) == 2, sent
    assert _without_sequence(sent[1]) == _without_sequence(sent[0])
