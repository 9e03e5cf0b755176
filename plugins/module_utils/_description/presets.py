# -*- coding: utf-8 -*-
# Copyright: linuxnet.netns contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Presets: common labs expanded into the plain description netns_topology takes. Pure Python.
Private to linuxnet.netns.

The expansion is ordinary data (namespaces, bridges, links), so a preset can be printed,
edited and reused as a hand-written description.
"""

import ipaddress

from ansible_collections.linuxnet.netns.plugins.module_utils._description import validate
from ansible_collections.linuxnet.netns.plugins.module_utils._errors import ValidationError

KINDS = ("pair", "star", "linear", "tree")
PRESET_KEYS = {"name", "size", "ipv4", "ipv6", "prefix", "fanout"}

# Named link settings for a whole topology (the `profile` option), under link_defaults and the
# links' own. `lab` is the kernel's defaults, as without a profile; `throughput` is what the
# data-plane benchmark (bench/dataplane.py) measured fastest on a veth path: the largest MTU, so
# that a TCP segment crosses each hop whole, with the segmentation offloads and GRO on.
LINK_PROFILES = {
    "lab": {},
    "throughput": {"mtu": 65535, "offloads": {"tso": True, "gso": True, "gro": True, "tx_checksum": True}},
}
DEFAULT_IPV4 = "198.18.0.0/16"
DEFAULT_PREFIX = "lab"
DEFAULT_SIZE = {"pair": 2, "star": 4, "linear": 4, "tree": 7}
DEFAULT_FANOUT = 2


def expand(preset):
    """{'name': kind, 'size': N, 'ipv4': CIDR, 'ipv6': CIDR or None, 'prefix': str, 'fanout': N}"""
    if not isinstance(preset, dict):
        raise ValidationError(f"preset must be a mapping, got {preset!r}")
    unknown = sorted(set(preset) - PRESET_KEYS)
    if unknown:
        raise ValidationError(f"preset: unknown key(s) {', '.join(unknown)}")
    kind = preset.get("name")
    if kind not in KINDS:
        raise ValidationError(f"preset name {kind!r} is not one of {', '.join(KINDS)}")
    size = _size(preset.get("size", DEFAULT_SIZE[kind]), kind)
    prefix = preset.get("prefix") or DEFAULT_PREFIX
    ranges = [_range(preset.get("ipv4") or DEFAULT_IPV4, 4)]
    if preset.get("ipv6"):
        ranges.append(_range(preset["ipv6"], 6))
    builder = _Builder(prefix, ranges)
    if kind == "pair":
        builder.pair()
    elif kind == "star":
        builder.star(size)
    elif kind == "linear":
        builder.linear(size)
    else:
        builder.tree(size, _size(preset.get("fanout", DEFAULT_FANOUT), "tree fanout", minimum=1))
    description = builder.description()
    for name in [namespace["name"] for namespace in description["namespaces"]]:
        validate.netns_name(name)
    return description


def merge(preset=None, namespaces=None, bridges=None, links=None):
    """The whole description: a preset's expansion (when a preset is given) first, then the lists given.

    The module, the role (filter topology_description) and the docs script all merge this way.
    """
    expanded = expand(preset) if preset else {}
    given = {"namespaces": namespaces, "bridges": bridges, "links": links}
    for key, value in given.items():
        if value is not None and not isinstance(value, list):
            raise ValidationError(f"{key} must be a list, got {type(value).__name__}")
    return {key: expanded.get(key, []) + (given[key] or []) for key in given}


def _size(value, what, minimum=2):
    return validate.integer(value, f"{what} size", minimum)


def _range(text, version):
    try:
        network = ipaddress.ip_network(str(text), strict=False)
    except ValueError as exc:
        raise ValidationError(f"preset address range {text!r} is not valid: {exc}") from None
    if network.version != version:
        raise ValidationError(f"preset address range {text!r} must be an IPv{version} network")
    return network


class _Builder:
    def __init__(self, prefix, ranges):
        self.prefix = prefix
        self.ranges = ranges
        self.namespaces = {}
        self.bridges = []
        self.links = []

    def name(self, suffix):
        return f"{self.prefix}-{suffix}"

    def namespace(self, name, forwarding=None):
        entry = self.namespaces.setdefault(name, {"name": name})
        if forwarding is not None:
            entry["forwarding"] = forwarding
        return entry

    def route(self, name, to, via):
        self.namespace(name).setdefault("routes", []).append({"to": str(to), "via": str(via)})

    def description(self):
        return {"namespaces": list(self.namespaces.values()), "bridges": self.bridges, "links": self.links}

    def subnets(self, count, prefix_v4=24, prefix_v6=64):
        """`count` point-to-point subnets per range, /24 (/64) when the range has room, else /30 (/126)."""
        result = []
        for network in self.ranges:
            preferred = prefix_v4 if network.version == 4 else prefix_v6
            smallest = 30 if network.version == 4 else 126
            for new_prefix in (max(preferred, network.prefixlen), max(smallest, network.prefixlen)):
                if 2 ** (new_prefix - network.prefixlen) >= count:
                    break
            else:
                raise ValidationError(f"preset address range {network} is too small for {count} links")
            subnets = network.subnets(new_prefix=new_prefix)
            result.append([next(subnets) for _index in range(count)])
        return list(zip(*result))  # one tuple per link: (IPv4 subnet, IPv6 subnet)

    def link(self, a, a_name, b, b_name, subnets):
        """A veth between namespaces a and b; a takes the first host of each subnet, b the second."""
        a_addresses, b_addresses = [], []
        for subnet in subnets:
            hosts = _hosts(subnet, 2)
            a_addresses.append(f"{hosts[0]}/{subnet.prefixlen}")
            b_addresses.append(f"{hosts[1]}/{subnet.prefixlen}")
        self.links.append({"endpoints": [
            {"netns": a, "name": a_name, "addresses": a_addresses},
            {"netns": b, "name": b_name, "addresses": b_addresses},
        ]})
        return [_hosts(subnet, 2) for subnet in subnets]

    def pair(self):
        a, b = self.name(1), self.name(2)
        self.namespace(a)
        self.namespace(b)
        self.link(a, "eth0", b, "eth0", self.subnets(1)[0])

    def star(self, size):
        hub = self.name("hub")
        self.namespace(hub)
        hosts_per_range = []
        for network in self.ranges:
            segment = network if network.version == 4 else next(network.subnets(new_prefix=max(64, network.prefixlen)))
            hosts = _hosts(segment, size + 1)
            hosts_per_range.append([f"{host}/{segment.prefixlen}" for host in hosts])
        self.bridges.append({"name": "br0", "netns": hub, "addresses": [hosts[0] for hosts in hosts_per_range]})
        for leaf in range(1, size + 1):
            name = self.name(leaf)
            self.namespace(name)
            self.links.append({"endpoints": [
                {"netns": name, "name": "eth0", "addresses": [hosts[leaf] for hosts in hosts_per_range]},
                {"netns": hub, "name": f"p{leaf}", "bridge": "br0"},
            ]})

    def linear(self, size):
        """A routed chain 1 - 2 - ... - N: ends route by default towards the chain, middles forward,
        with a default route to the right and summarised routes to the networks on their left."""
        names = [self.name(index) for index in range(1, size + 1)]
        for index, name in enumerate(names):
            self.namespace(name, forwarding=True if 0 < index < size - 1 else None)
        subnets = self.subnets(size - 1)
        hosts = [self.link(names[i], "to-next", names[i + 1], "to-prev", subnets[i]) for i in range(size - 1)]
        for family in range(len(self.ranges)):
            self.route(names[0], _default(self.ranges[family]), hosts[0][family][1])
            self.route(names[-1], _default(self.ranges[family]), hosts[-1][family][0])
            for index in range(1, size - 1):
                self.route(names[index], _default(self.ranges[family]), hosts[index][family][1])
                if index >= 2:
                    left = [subnets[i][family] for i in range(index - 1)]
                    for network in _summary(left):
                        self.route(names[index], network, hosts[index - 1][family][0])

    def tree(self, size, fanout):
        """Node 1 is the root; children in depth-first order so a subtree's links are contiguous and
        summarise into few routes. Every node but the root routes by default to its parent."""
        children = {1: []}
        for node in range(2, size + 1):
            parent = (node - 2) // fanout + 1
            children.setdefault(parent, []).append(node)
            children.setdefault(node, [])
        order = _preorder(children, 1)
        position = {node: index for index, node in enumerate(order)}  # link of node n: subnet position[n]-1
        subnets = self.subnets(max(size - 1, 1))
        names = {node: self.name(node) for node in order}
        hosts = {}
        for node in order:
            self.namespace(names[node], forwarding=True if children[node] else None)
        for node in order[1:]:
            parent = (node - 2) // fanout + 1
            number = children[parent].index(node)
            hosts[node] = self.link(names[parent], f"down{number}", names[node], "up", subnets[position[node] - 1])
        for node in order[1:]:
            for family in range(len(self.ranges)):
                self.route(names[node], _default(self.ranges[family]), hosts[node][family][0])
        for node in order:
            for child in children[node]:
                below = _preorder(children, child)[1:]
                if not below:
                    continue
                for family in range(len(self.ranges)):
                    networks = [subnets[position[n] - 1][family] for n in below]
                    for network in _summary(networks):
                        self.route(names[node], network, hosts[child][family][1])


def _hosts(network, count):
    """The first `count` usable host addresses (a /31 or /127 has no network/broadcast to skip)."""
    hosts = []
    for host in network.hosts():
        hosts.append(host)
        if len(hosts) == count:
            return hosts
    raise ValidationError(f"preset address range {network} has room for {len(hosts)} hosts, {count} needed")


def _default(network):
    return "default" if network.version == 4 else "::/0"


def _summary(networks):
    """The fewest CIDRs covering a contiguous run of networks."""
    first = min(networks, key=lambda network: network.network_address)
    last = max(networks, key=lambda network: network.broadcast_address)
    return list(ipaddress.summarize_address_range(first.network_address, last.broadcast_address))


def _preorder(children, root):
    order, stack = [], [root]
    while stack:
        node = stack.pop()
        order.append(node)
        stack.extend(reversed(children[node]))
    return order
