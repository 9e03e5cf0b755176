"""Netlink replies recorded from a kernel (record_messages.py wrote messages.json), decoded into
records as a module run decodes them: by pyroute2's parser, then messages.py. No kernel needed."""
import ipaddress
import json
import pathlib

import pytest

from ansible_collections.linuxnet.netns.plugins.module_utils._kernel import messages
from ansible_collections.linuxnet.netns.plugins.module_utils._kernel.netlink_plain import MAIN_TABLE, RTN_UNICAST

RECORDED = json.loads((pathlib.Path(__file__).resolve().parent / "messages.json").read_text())
RTM_NEWLINK, RTM_NEWADDR, RTM_NEWROUTE = 16, 20, 24


def replies(key, kind):
    from pyroute2.netlink.rtnl.marshal import MarshalRtnl

    marshal = MarshalRtnl()
    return [msg for datagram in RECORDED[key] for msg in marshal.parse(bytes.fromhex(datagram))
            if msg["header"]["type"] == kind]


def links(key):
    return {link.name: link for link in map(messages.link_from, replies(key, RTM_NEWLINK))}


def test_a_veth_end_names_its_peer_by_index_and_the_namespace_id_it_is_known_by():
    first, second = links("links1"), links("links2")
    veth, peer = first["eth0"], second["eth0"]
    assert (veth.kind, peer.kind) == ("veth", "veth")
    assert veth.peer_index == peer.index and peer.peer_index == veth.index
    assert veth.peer_nsid is not None and peer.peer_nsid is not None
    assert veth.up and peer.up and veth.alias == "linuxnet.netns:recorded"
    assert veth.master == first["br0"].index
    assert veth.mtu == 1500 and veth.tx_queues >= 1 and veth.txqueuelen == 1000
    assert veth.gso_max_size and veth.gro_max_size
    assert veth.mac and veth.mac.count(":") == 5


def test_lo_has_no_kind_in_its_message_and_is_named_loopback():
    lo = links("links1")["lo"]
    assert lo.kind == "loopback" and lo.index == 1 and lo.mtu == 65536


def test_a_bridge_reports_its_stp_state_and_alternative_names():
    bridge = links("links1")["br0"]
    assert bridge.kind == "bridge" and bridge.stp is True and bridge.up
    assert bridge.altnames == ("lntrec-bridge-alt",) and links("links1")["eth0"].altnames == ()


def test_a_vxlan_reports_its_vni_addresses_port_and_learning():
    vxlan = links("links1")["vx0"]
    assert vxlan.kind == "vxlan" and vxlan.up is False
    assert vxlan.vxlan == messages.VxlanRecord(vni=42, local=ipaddress.ip_address("198.18.0.1"),
                                               remote=ipaddress.ip_address("198.18.0.2"), port=4789, learning=False)


def test_a_macvlan_reports_its_parent_and_mode_number():
    second = links("links2")
    macvlan = second["mv0"]
    assert macvlan.kind == "macvlan"
    assert macvlan.parent_index == second["eth0"].index and macvlan.parent_nsid is None
    assert macvlan.mode == 4  # MACVLAN_MODE_BRIDGE
    assert macvlan.peer_index is None


def test_addresses_of_both_versions_with_their_prefix():
    br0 = links("links1")["br0"]
    found = {record.interface for record in map(messages.address_from, replies("addresses", RTM_NEWADDR))
             if record.index == br0.index}
    assert {ipaddress.ip_interface("198.18.0.1/24"), ipaddress.ip_interface("2001:db8::1/64")} <= found


@pytest.mark.parametrize("destination, gateway, metric, table", [
    ("198.19.0.0/24", "198.18.0.254", 50, MAIN_TABLE),
    ("198.18.0.0/24", None, 0, MAIN_TABLE),
    ("2001:db8::/64", None, 256, MAIN_TABLE),
    ("0.0.0.0/0", "198.18.0.253", 0, 100),
])
def test_unicast_routes_with_their_table(destination, gateway, metric, table):
    routes = []
    for msg in replies("routes", RTM_NEWROUTE):
        attrs = messages.Attributes(msg)
        if msg["type"] == RTN_UNICAST:
            routes.append(messages.route_from(msg, attrs))
    route = next(route for route in routes if route.dst == ipaddress.ip_network(destination))
    assert route.gateway == (ipaddress.ip_address(gateway) if gateway else None) and route.table == table
    assert route.metric == metric and route.oif == links("links1")["br0"].index


def test_attributes_are_the_first_of_each_name_and_none_when_missing():
    attrs = messages.Attributes({"attrs": [("IFLA_IFNAME", "a"), ("IFLA_IFNAME", "b")]})
    assert attrs["IFLA_IFNAME"] == "a" and attrs["IFLA_MTU"] is None
    assert messages.Attributes(None)["IFLA_IFNAME"] is None
