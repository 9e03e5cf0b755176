# -*- coding: utf-8 -*-
# Copyright: linuxnet.netns contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which pings a topology implies, and the matrix that shows their results. Pure Python.
Private to linuxnet.netns.

Segment probes: across every link and bridge segment (on a segment of more than
SEGMENT_ALL_PAIRS members, every member and the segment's first address ping each other).
Routed probes: between namespaces on different segments whose declared routes, connected
networks and forwarding carry a packet there and back (all pairs up to MATRIX_LIMIT
namespaces, beyond that from the first namespace to every other and back).
"""

import re
from dataclasses import dataclass

from ansible_collections.linuxnet.netns.plugins.module_utils._description.vocabulary import FORWARDING_SYSCTLS, HOST, node
from ansible_collections.linuxnet.netns.plugins.module_utils._description.checks import segments

SEGMENT_ALL_PAIRS = 8
MATRIX_LIMIT = 16
MAX_HOPS = 64


@dataclass(frozen=True)
class Probe:
    source: str  # namespace name, None for the host
    target: str
    address: object  # ipaddress address
    kind: str  # segment or routed


class _Network:
    """The topology as a router sees it: who owns which address on which segment, and the routes."""

    def __init__(self, topology):
        self.segments = segments(topology)
        self.routes = {}
        for route in topology.routes:
            self.routes.setdefault(route.netns, []).append(route)
        self.forwarding = {}
        for name, namespace in topology.namespaces.items():
            for version, key in FORWARDING_SYSCTLS.items():
                self.forwarding[(name, version)] = namespace.sysctls.get(key) == "1"
        self.owner = {}  # ip -> netns
        self.attached = {}  # netns -> [(segment index, address)]
        for index, segment in enumerate(self.segments):
            for (netns, _name), address in segment:
                self.owner[address.ip] = netns
                self.attached.setdefault(netns, []).append((index, address))

    def addresses(self, netns):
        return [address for _index, address in self.attached.get(netns, [])]

    def _on_link(self, netns, ip):
        """(segment index, owner of ip on it or None) for the first connected network holding ip."""
        for index, address in self.attached.get(netns, []):
            if address.version == ip.version and ip in address.network:
                owners = [n for (n, _i), a in self.segments[index] if a.ip == ip]
                return index, (owners[0] if owners else None)
        return None, None

    def _gateway(self, netns, ip):
        """The gateway of the longest declared route to ip, or None."""
        best = None
        for route in self.routes.get(netns, []):
            if route.destination.version == ip.version and ip in route.destination:
                if best is None or route.destination.prefixlen > best.destination.prefixlen:
                    best = route
        return best.via if best is not None else None

    def _next_hop(self, netns, ip):
        gateway = self._gateway(netns, ip)
        return self._on_link(netns, gateway)[1] if gateway is not None else None

    def deliver(self, source, ip):
        """The namespace a packet from `source` to `ip` ends in, or None when it is dropped."""
        current, visited = source, set()
        for _hop in range(MAX_HOPS):
            if self.owner.get(ip) == current and ip in [a.ip for a in self.addresses(current)]:
                return current
            if current != source and not self.forwarding.get((current, ip.version), False):
                return None
            if current in visited:
                return None
            visited.add(current)
            index, owner = self._on_link(current, ip)
            if index is not None:
                return owner
            current = self._next_hop(current, ip)
            if current is None:
                return None
        return None

    def source_address(self, netns, ip):
        """The address the kernel would send from: one on the egress segment, same family."""
        index, _owner = self._on_link(netns, ip)
        if index is None:
            gateway = self._gateway(netns, ip)
            if gateway is None:
                return None
            index, _owner = self._on_link(netns, gateway)
        for segment_index, address in self.attached.get(netns, []):
            if segment_index == index and address.version == ip.version:
                return address.ip
        return None


def probes_for(topology):
    network = _Network(topology)
    probes = []
    seen = set()

    def add(source, target, ip, kind):
        if source != target and (source, ip) not in seen:
            seen.add((source, ip))
            probes.append(Probe(source, target, ip, kind))

    for segment in network.segments:
        members = [(netns, address) for (netns, _name), address in segment]
        if len(members) <= SEGMENT_ALL_PAIRS:
            pairs = [(a, b) for a in members for b in members]
        else:
            pairs = [(a, members[0]) for a in members[1:]] + [(members[0], a) for a in members[1:]]
        for (source, own), (target, address) in pairs:
            if own.version == address.version:
                add(source, target, address.ip, "segment")

    names = sorted(network.attached, key=_natural)
    if len(names) <= MATRIX_LIMIT:
        pairs = [(a, b) for a in names for b in names if a != b]
    else:
        first = names[0]
        pairs = [(first, b) for b in names[1:]] + [(b, first) for b in names[1:]]
    for source, target in pairs:
        for version in (4, 6):
            targets = [a.ip for a in network.addresses(target) if a.version == version]
            if targets and _round_trip(network, source, target, targets[0]):
                add(source, target, targets[0], "routed")
    return probes


def _natural(name):
    """Sort key: the host first, then names with their numbers in numeric order (lab-2 before lab-10)."""
    if name is None or name == HOST:
        return (0, [])
    return (1, [(0, int(part), "") if part.isdigit() else (1, 0, part) for part in re.split(r"(\d+)", name)])


def _round_trip(network, source, target, ip):
    if network.deliver(source, ip) != target:
        return False
    back = network.source_address(source, ip)
    return back is not None and network.deliver(target, back) == source


def tunnel_probes(topology):
    """For each tunnel end on this host, one probe at the tunnel's full MTU to the far end, with
    don't-fragment set: an MTU mistake fails now instead of as a mystery later. (Probe, size) pairs."""
    placement = topology.placement
    found = []
    for tunnel in placement.tunnels:
        for end, other, host in ((tunnel.link.a, tunnel.link.b, tunnel.hosts[0]),
                                 (tunnel.link.b, tunnel.link.a, tunnel.hosts[1])):
            if host != placement.host:
                continue
            versions = {address.version for address in end.addresses}
            targets = [address.ip for address in other.addresses if address.version in versions]
            if targets:
                found.append((Probe(end.netns, other.netns, targets[0], "tunnel-mtu"), tunnel.mtu))
    return found


def matrix(probes, results, label=node):
    """Rows: sources, columns: targets; ok when every probe of the pair answered, FAIL otherwise."""
    return outcome_matrix(outcomes(probes, results, label))


def outcomes(probes, results, label=node):
    """One {from, to, ok, rtt_ms} per probe, the sources and targets named by label(); a result is
    a round-trip time in milliseconds (or True), or None (or False) for no answer."""
    return [{"from": label(probe.source), "to": label(probe.target), "ok": answered_at_all(answered),
             "rtt_ms": answered if not isinstance(answered, bool) else None}
            for probe, answered in zip(probes, results)]


def answered_at_all(result):
    return result is not None and result is not False


def outcome_matrix(found):
    """The matrix of outcomes, gathered from one host or from every host of a fleet."""
    outcome = {}
    for entry in found:
        pair = (entry["from"], entry["to"])
        outcome[pair] = outcome.get(pair, True) and entry["ok"]
    labels = sorted({name for pair in outcome for name in pair}, key=_natural)
    if len(labels) > MATRIX_LIMIT:
        return []
    width = max([len(label) for label in labels] + [4])
    lines = [" " * width + " | " + " ".join(label.rjust(width) for label in labels)]
    for source in labels:
        cells = []
        for target in labels:
            state = outcome.get((source, target))
            cells.append(("-" if state is None else "ok" if state else "FAIL").rjust(width))
        lines.append(source.rjust(width) + " | " + " ".join(cells))
    return lines
