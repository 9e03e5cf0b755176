"""Records the kernel's replies that test_messages.py decodes: run as root, on a machine like CI's,
when a decoder learns a new attribute:

    PYTHONPATH=<dir holding ansible_collections> python tests/unit/plugins/module_utils/_kernel/record_messages.py

It builds two throwaway namespaces (lntrec1, lntrec2) with a veth pair across them, a bridge with
STP and an alternative name, a vxlan without learning, a macvlan, addresses, a route and a
default route in policy table 100, dumps their links, addresses and
routes through the plain netlink socket, and writes every datagram the kernel sent, as hex, to
messages.json beside this file. The namespaces are removed afterwards, also on failure.
"""
import json
import pathlib
import subprocess

from ansible_collections.linuxnet.netns.plugins.module_utils._kernel import netlink_plain
from ansible_collections.linuxnet.netns.plugins.module_utils._kernel.kernel import Kernel

HERE = pathlib.Path(__file__).resolve().parent
NAMESPACES = ("lntrec1", "lntrec2")
SETUP = [
    "ip netns add lntrec1", "ip netns add lntrec2",
    "ip -n lntrec1 link add eth0 type veth peer name eth0 netns lntrec2",
    "ip -n lntrec1 link add br0 type bridge stp_state 1",
    "ip -n lntrec1 link set eth0 master br0",
    "ip -n lntrec1 link add vx0 type vxlan id 42 local 198.18.0.1 remote 198.18.0.2 dstport 4789 nolearning",
    "ip -n lntrec2 link add mv0 link eth0 type macvlan mode bridge",
    "ip -n lntrec1 link set eth0 alias linuxnet.netns:recorded",
    "ip -n lntrec1 link set eth0 up", "ip -n lntrec1 link set br0 up", "ip -n lntrec2 link set eth0 up",
    "ip -n lntrec1 address add 198.18.0.1/24 dev br0",
    "ip -n lntrec1 address add 2001:db8::1/64 dev br0 nodad",
    "ip -n lntrec1 route add 198.19.0.0/24 via 198.18.0.254 metric 50",
    "ip -n lntrec1 route add default via 198.18.0.253 table 100",
    "ip -n lntrec1 link property add dev br0 altname lntrec-bridge-alt",
]


def main():
    recorded = {"links1": [], "links2": [], "addresses": [], "routes": []}
    receive = netlink_plain.PlainSocket._receive
    into = []

    def keeping(self):
        data = receive(self)
        into.append(data.hex())
        return data

    netlink_plain.PlainSocket._receive = keeping
    try:
        for command in SETUP:
            subprocess.run(command.split(), check=True)
        with Kernel() as kernel:
            for key, read in (("links1", lambda: kernel.netlink("lntrec1").links()),
                              ("links2", lambda: kernel.netlink("lntrec2").links()),
                              ("addresses", lambda: kernel.netlink("lntrec1").addresses(
                                  kernel.netlink("lntrec1").link_named("br0").index)),
                              ("routes", lambda: kernel.netlink("lntrec1").routes())):
                read()  # a first read may also record a lookup; the last datagrams are the dump's
                into.clear()
                read()
                recorded[key] = list(into)
    finally:
        netlink_plain.PlainSocket._receive = receive
        for name in NAMESPACES:
            subprocess.run(["ip", "netns", "delete", name], check=False, stderr=subprocess.DEVNULL)
    (HERE / "messages.json").write_text(json.dumps(recorded, indent=1) + "\n")


if __name__ == "__main__":
    main()
