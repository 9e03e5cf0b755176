# -*- coding: utf-8 -*-
# Copyright: linuxnet.netns contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the kernel reports, as plain records: link, address and route messages decoded. Private
to linuxnet.netns.

A message is what pyroute2's parser makes of the kernel's bytes: a mapping with the header's
fields and "attrs", a list of (name, value) pairs, nested for link info. Nothing here asks the
kernel; the unit tests decode messages recorded from one (tests/unit/.../_kernel/messages/).
"""

import ipaddress
import socket
from dataclasses import dataclass

from ansible_collections.linuxnet.netns.plugins.module_utils._kernel.netlink_plain import IFF_UP
from ansible_collections.linuxnet.netns.plugins.module_utils._description.vocabulary import CHILD_MODES


@dataclass(frozen=True)
class LinkRecord:
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
    vxlan: object = None  # VxlanRecord, for vxlan devices only
    txqueuelen: int = None
    tx_queues: int = None  # set when the link is made, never changed afterwards
    rx_queues: int = None
    gso_max_size: int = None
    gro_max_size: int = None
    parent_index: int = None  # a macvlan's or ipvlan's parent, in the namespace parent_nsid names
    parent_nsid: int = None  # None: the parent is in the same namespace
    mode: int = None  # a macvlan's or ipvlan's mode, as the kernel numbers it
    altnames: tuple = ()  # alternative names (ip link property add ... altname), by which it is found too
    vlan_filtering: bool = None  # bridges only: VLAN-aware (802.1Q)
    vlan_id: int = None  # a VLAN sub-interface's id


@dataclass(frozen=True)
class VxlanRecord:
    vni: int
    local: object  # ipaddress address or None
    remote: object  # the unicast peer (IFLA_VXLAN_GROUP), ipaddress address or None
    port: int
    learning: bool


@dataclass(frozen=True)
class AddressRecord:
    index: int
    interface: object  # ipaddress.IPv4Interface / IPv6Interface


@dataclass(frozen=True)
class RouteRecord:
    family: int
    dst: object  # ipaddress network
    gateway: object  # ipaddress address or None
    oif: int
    metric: int
    proto: int
    table: int = 254  # the main table
    nexthops: tuple = ()  # ((gateway or None, oif, weight), ...) of a multipath route


class Attributes:
    """A message's attributes by name (the first of each), decoded only when asked for: one pass
    over the message rather than one per attribute, as pyroute2's get_attr makes."""

    def __init__(self, msg):
        self._slots = {}
        for slot in msg["attrs"] if msg is not None else ():
            self._slots.setdefault(slot[0], slot)

    def __getitem__(self, name):
        slot = self._slots.get(name)
        return None if slot is None else slot[1]


def link_from(msg):
    attrs = Attributes(msg)
    info = Attributes(attrs["IFLA_LINKINFO"])
    kind = info["IFLA_INFO_KIND"]
    data = info["IFLA_INFO_DATA"]
    stp = vxlan = vlan_filtering = None
    if kind == "bridge" and data is not None:
        bridge = Attributes(data)
        stp, vlan_filtering = bool(bridge["IFLA_BR_STP_STATE"]), bool(bridge["IFLA_BR_VLAN_FILTERING"])
    if kind == "vxlan" and data is not None:
        vxlan = _vxlan_from(Attributes(data))
    child = kind in _CHILD_MODE_ATTRIBUTES
    mode = Attributes(data)[_CHILD_MODE_ATTRIBUTES[kind]] if child and data is not None else None
    if isinstance(mode, str):  # pyroute2 names some modes
        mode = CHILD_MODES[kind].get(mode)
    name = attrs["IFLA_IFNAME"]
    return LinkRecord(
        index=msg["index"],
        name=name,
        kind=kind or ("loopback" if name == "lo" else "device"),
        up=bool(msg["flags"] & IFF_UP),
        operstate=attrs["IFLA_OPERSTATE"],
        mtu=attrs["IFLA_MTU"],
        mac=attrs["IFLA_ADDRESS"],
        master=attrs["IFLA_MASTER"],
        peer_index=attrs["IFLA_LINK"] if kind == "veth" else None,
        peer_nsid=attrs["IFLA_LINK_NETNSID"] if kind == "veth" else None,
        stp=stp,
        alias=attrs["IFLA_IFALIAS"],
        vxlan=vxlan,
        txqueuelen=attrs["IFLA_TXQLEN"],
        tx_queues=attrs["IFLA_NUM_TX_QUEUES"],
        rx_queues=attrs["IFLA_NUM_RX_QUEUES"],
        gso_max_size=attrs["IFLA_GSO_MAX_SIZE"],
        gro_max_size=attrs["IFLA_GRO_MAX_SIZE"],
        parent_index=attrs["IFLA_LINK"] if child else None,
        parent_nsid=attrs["IFLA_LINK_NETNSID"] if child else None,
        mode=mode,
        altnames=_altnames(attrs["IFLA_PROP_LIST"]),
        vlan_filtering=vlan_filtering,
        vlan_id=Attributes(data)["IFLA_VLAN_ID"] if kind == "vlan" and data is not None else None,
    )


def _altnames(properties):
    return tuple(value for name, value in (properties or {}).get("attrs", ()) if name == "IFLA_ALT_IFNAME")


_CHILD_MODE_ATTRIBUTES = {"macvlan": "IFLA_MACVLAN_MODE", "ipvlan": "IFLA_IPVLAN_MODE", "vlan": "IFLA_VLAN_PROTOCOL"}


def _vxlan_from(data):
    def address(*names):
        found = [data[name] for name in names]
        found = [value for value in found if value]
        return ipaddress.ip_address(found[0]) if found else None

    return VxlanRecord(
        vni=data["IFLA_VXLAN_ID"],
        local=address("IFLA_VXLAN_LOCAL", "IFLA_VXLAN_LOCAL6"),
        remote=address("IFLA_VXLAN_GROUP", "IFLA_VXLAN_GROUP6"),
        port=data["IFLA_VXLAN_PORT"],
        learning=bool(data["IFLA_VXLAN_LEARNING"]),
    )


def address_from(msg):
    attrs = Attributes(msg)
    local = attrs["IFA_LOCAL"] or attrs["IFA_ADDRESS"]
    return AddressRecord(
        index=msg["index"],
        interface=ipaddress.ip_interface(f"{local}/{msg['prefixlen']}"),
    )


def route_from(msg, attrs):
    family = msg["family"]
    dst = attrs["RTA_DST"]
    if dst is None:
        dst = "0.0.0.0" if family == socket.AF_INET else "::"
    gateway = attrs["RTA_GATEWAY"]
    return RouteRecord(
        family=family,
        dst=ipaddress.ip_network(f"{dst}/{msg['dst_len']}"),
        gateway=ipaddress.ip_address(gateway) if gateway else None,
        oif=attrs["RTA_OIF"],
        metric=attrs["RTA_PRIORITY"] or 0,
        proto=msg["proto"],
        table=attrs["RTA_TABLE"] or msg["table"],
        nexthops=tuple(_nexthop_from(hop) for hop in attrs["RTA_MULTIPATH"] or ()),
    )


def _nexthop_from(hop):
    gateway = Attributes(hop)["RTA_GATEWAY"]
    return ipaddress.ip_address(gateway) if gateway else None, hop["oif"] or None, hop["hops"] + 1
