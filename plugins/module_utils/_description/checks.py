# -*- coding: utf-8 -*-
# Copyright: linuxnet.netns contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Checks across the objects of a parsed topology, and its layer-2 segments. Pure Python.
Private to linuxnet.netns.

Each check takes the topology (see topology.py) and raises ValidationError naming both objects
of a clash.
"""

from ansible_collections.linuxnet.netns.plugins.module_utils._description.vocabulary import interface_label, where as where_is
from ansible_collections.linuxnet.netns.plugins.module_utils._errors import ValidationError


def check_names(topology):
    """No interface name twice in one namespace (of one host, for root-namespace endpoints)."""
    owners = {}
    for interface in topology.host_interfaces:
        _claim(owners, interface.netns, interface.name, interface.target)
    for bridge in topology.bridges:
        _claim(owners, bridge.netns, bridge.name, f"bridge {bridge.name}")
    for index, link in enumerate(topology.links):
        for end in (link.a, link.b):
            # root-namespace endpoints of different hosts are different interfaces
            _claim(owners, end.netns, end.name, f"links[{index}] endpoint {end.label}", end.host)


def check_bridges_referenced(topology):
    declared = {(bridge.netns, bridge.name) for bridge in topology.bridges}
    declared |= {(uplink.router, uplink.bridge) for uplink in topology.uplinks.values() if uplink.bridge is not None}
    for index, link in enumerate(topology.links):
        for end in (link.a, link.b):
            if end.bridge is not None and (end.netns, end.bridge) not in declared:
                raise ValidationError(
                    f"links[{index}] endpoint {end.label}: bridge {end.bridge!r} is not declared "
                    f"in {where_is(end.netns)}"
                )


def check_segments(topology):
    """No address twice in one namespace, no overlapping address on one segment."""
    by_namespace = {}
    for segment in segments(topology):
        on_segment = {}
        for owner, address in segment:
            _claim_address(on_segment, owner, address, "on one segment")
            _claim_address(by_namespace.setdefault(owner[0], {}), owner, address, "in one namespace")


def segments(topology):
    """Each layer-2 segment as a list of ((netns, interface), address) pairs.

    A link is a segment of its two ends; ends on a bridge join the bridge's segment, which
    lists the bridge's own addresses first.
    """
    parent = {}

    def find(node):
        while parent.setdefault(node, node) != node:
            node = parent[node]
        return node

    members = {}
    for (netns, name), addresses in topology.bridge_addresses.items():
        node = ("bridge", netns, name)
        find(node)
        members.setdefault(node, []).extend(((netns, name), address) for address in addresses)
    for link in topology.links:
        nodes = []
        for end in (link.a, link.b):
            node = ("bridge", end.netns, end.bridge) if end.bridge is not None else ("link", link.key)
            nodes.append(node)
            members.setdefault(node, []).extend(((end.netns, end.name), address) for address in end.addresses)
        parent[find(nodes[0])] = find(nodes[1])
    grouped = {}
    for node, entries in members.items():
        grouped.setdefault(find(node), []).extend(entries)
    return list(grouped.values())


def interface_names(topology):
    """{(netns, interface)} of every link end and bridge the description names."""
    names = {(bridge.netns, bridge.name) for bridge in topology.bridges}
    return names | {(end.netns, end.name) for link in topology.links for end in (link.a, link.b)}


def _claim(owners, netns, name, what, host=None):
    key = (host, netns, name)
    if key in owners:
        raise ValidationError(f"interface name {name!r} is used twice in {where_is(netns)}: by {owners[key]} and {what}")
    owners[key] = what


def _claim_address(seen, owner, address, where):
    other = seen.get(address.ip)
    if other is not None and other != owner:
        raise ValidationError(
            f"address {address.ip} is used twice {where}: by {interface_label(*other)} and {interface_label(*owner)}"
        )
    seen[address.ip] = owner


def interface_addresses(topology):
    """{namespace: [ipaddress interface, ...]}: its loopback's addresses, then its ends', then its bridges'."""
    found = {name: list(topology.loopback_addresses.get(name, ())) for name in topology.namespaces}
    for link in topology.links:
        for end in (link.a, link.b):
            if end.netns is not None:
                found.setdefault(end.netns, []).extend(end.addresses or ())
    for (netns, _bridge), addresses in topology.bridge_addresses.items():
        if netns is not None:
            found.setdefault(netns, []).extend(addresses or ())
    return found
