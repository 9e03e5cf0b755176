# -*- coding: utf-8 -*-
# Copyright: linuxnet.netns contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Where each object of a topology lives when one description covers a fleet. Pure Python.
Private to linuxnet.netns.

A namespace or bridge pinned with `host` lives on that inventory host; one without a pin lives on
every host of the play (the same lab on each). A bridge or an endpoint in a pinned namespace is on
that namespace's host; a root-namespace endpoint takes its own `host`. A link whose two ends are
on different hosts is a cross-host link: on each of the two hosts a VXLAN tunnel end stands in for
its end of the veth pair. Every host computes the same placement from the same description, so the
hosts agree on VNIs and MTUs without talking to each other.
"""

import hashlib
import ipaddress
from dataclasses import dataclass

from ansible_collections.linuxnet.netns.plugins.module_utils._errors import ValidationError
from ansible_collections.linuxnet.netns.plugins.module_utils._description.validate import VNI_MAX
from ansible_collections.linuxnet.netns.plugins.module_utils._description.vocabulary import node

ENCAPSULATION = {4: 50, 6: 70}  # outer IP, UDP, VXLAN and inner Ethernet headers
DEFAULT_UNDERLAY_MTU = 1500


@dataclass(frozen=True)
class Underlay:
    address: object  # ipaddress address
    mtu: int


@dataclass(frozen=True)
class Tunnel:
    """A cross-host link as the hosts build it: one VNI and one MTU for both ends."""
    link: object
    vni: int
    mtu: int
    hosts: tuple  # the hosts of link.a and link.b


class Placement:
    def __init__(self, topology, host=None, fleet=None):
        self.host = host
        self._scope = topology.scope
        self.fleet = _underlays(fleet)
        self.namespace_host = {name: topology.namespace_pins.get(name) for name in topology.namespaces}
        self.bridge_host = {(bridge.netns, bridge.name): self._bridge_host(topology, bridge)
                            for bridge in topology.bridges}
        self.pinned = any(self.namespace_host.values()) or any(self.bridge_host.values()) or any(
            end.host for link in topology.links for end in (link.a, link.b))
        self._check_known_hosts(topology)
        self._check_bridge_ends(topology)
        self.tunnels = self._tunnels(topology)
        self.link_mtu = self._aligned_mtus(topology)

    # where things are
    def end_host(self, end):
        return self.namespace_host.get(end.netns) if end.netns is not None else end.host

    def link_hosts(self, link):
        return self.end_host(link.a), self.end_host(link.b)

    def is_cross(self, link):
        first, second = self.link_hosts(link)
        return first is not None and second is not None and first != second

    def here(self, host):
        """Whether an object placed on `host` (None: on every host) is built by this run."""
        return host is None or host == self.host

    def link_here(self, link):
        """A link that is a veth pair on this host."""
        first, second = self.link_hosts(link)
        return not self.is_cross(link) and self.here(first or second)

    def label(self, netns):
        """A namespace in a fleet-wide matrix: host/namespace when it is pinned."""
        host = self.namespace_host.get(netns)
        return f"{host}/{self._scope.shown(netns)}" if host is not None else node(netns)

    def require_fleet(self):
        """Before building: pins need to know which host this is, tunnels each end's underlay."""
        if self.pinned and self.host is None:
            raise ValidationError("the description pins objects to hosts: give host (the inventory hostname "
                                  "of the host this runs on), as the role does")
        for tunnel in self.tunnels:
            for host in tunnel.hosts:
                if host not in self.fleet or self.fleet[host].address is None:
                    raise ValidationError(
                        f"the link between {tunnel.link.a.label} on {tunnel.hosts[0]} and {tunnel.link.b.label} "
                        f"on {tunnel.hosts[1]} needs the underlay address of {host}: set topology_underlay_address "
                        f"for it, or gather its facts (fleet)")

    # checks and derivations
    def _bridge_host(self, topology, bridge):
        own = topology.bridge_pins.get((bridge.netns, bridge.name))
        inherited = self.namespace_host.get(bridge.netns) if bridge.netns is not None else None
        if own is not None and inherited is not None and own != inherited:
            raise ValidationError(f"bridge {bridge.name!r} is pinned to host {own!r} but its namespace "
                                  f"{bridge.netns!r} is on {inherited!r}")
        return own or inherited

    def _check_known_hosts(self, topology):
        if not self.fleet:
            return
        pins = [(f"namespace {name!r}", host) for name, host in self.namespace_host.items()]
        pins += [(f"bridge {name!r}", host) for (_netns, name), host in self.bridge_host.items()]
        pins += [(f"endpoint {end.label}", end.host) for link in topology.links for end in (link.a, link.b)]
        for what, host in pins:
            if host is not None and host not in self.fleet:
                raise ValidationError(f"{what} is pinned to host {host!r}, which is not a host of the play "
                                      f"(hosts: {', '.join(sorted(self.fleet))})")

    def _check_bridge_ends(self, topology):
        for index, link in enumerate(topology.links):
            for end in (link.a, link.b):
                if end.bridge is None:
                    continue
                bridge_host, end_host = self.bridge_host.get((end.netns, end.bridge)), self.end_host(end)
                if bridge_host is not None and end_host is not None and bridge_host != end_host:
                    raise ValidationError(f"links[{index}] endpoint {end.label} is on {end_host!r} but its bridge "
                                          f"{end.bridge!r} is on {bridge_host!r}")

    def _tunnels(self, topology):
        tunnels, taken = [], {}
        explicit = [link.vni for link in topology.links if self.is_cross(link) and link.vni is not None]
        for index, link in enumerate(topology.links):
            if not self.is_cross(link):
                continue
            vni = link.vni if link.vni is not None else _derived_vni(topology.name, link, explicit, taken,
                                                                     self._scope.canonical)
            if vni in taken:
                raise ValidationError(f"links[{index}]: VNI {vni} is used by {taken[vni]} too")
            taken[vni] = f"links[{index}]"
            tunnels.append(Tunnel(link, vni, self._tunnel_mtu(link), self.link_hosts(link)))
        return tunnels

    def _tunnel_mtu(self, link):
        if link.mtu is not None:
            return link.mtu
        underlays = [self.fleet[host] for host in self.link_hosts(link)
                     if host in self.fleet and self.fleet[host].address is not None]
        if not underlays:
            return DEFAULT_UNDERLAY_MTU - ENCAPSULATION[4]
        return min(underlay.mtu - ENCAPSULATION[underlay.address.version] for underlay in underlays)

    def _aligned_mtus(self, topology):
        """MTU per local link: a link on a bridge that has a tunnel port takes the tunnel's MTU,
        since a larger packet from it would vanish in the tunnel without an error; asking for a
        larger one is refused."""
        tunnel_bridges = {}
        for tunnel in self.tunnels:
            for key in self._bridges_of(tunnel.link):
                tunnel_bridges[key] = min(tunnel.mtu, tunnel_bridges.get(key, tunnel.mtu))
        mtus = {}
        for index, link in enumerate(topology.links):
            limits = [tunnel_bridges[key] for key in self._bridges_of(link) if key in tunnel_bridges]
            if self.is_cross(link):
                mtus[link.key] = link.mtu
                continue
            if not limits:
                mtus[link.key] = link.mtu if link.mtu is not None else link.default_mtu
                continue
            if link.mtu is not None and link.mtu > min(limits):
                raise ValidationError(f"links[{index}]: mtu {link.mtu} is larger than the MTU {min(limits)} of a "
                                      f"tunnel on the same bridge; packets that large would be lost in the tunnel")
            mtus[link.key] = min(limits) if link.mtu is None else link.mtu
        return mtus

    def _bridges_of(self, link):
        """(host, netns, bridge) of each end of link that is a bridge port; an unpinned end is on its
        other end's host."""
        return [(self.end_host(end) or self.end_host(other), end.netns, end.bridge)
                for end, other in ((link.a, link.b), (link.b, link.a)) if end.bridge is not None]


def _underlays(fleet):
    """{host: Underlay} from the module's `fleet` option: {host: {address, mtu}}, every host of the
    play; a host without an address is refused only where a tunnel needs one."""
    underlays = {}
    for host, entry in (fleet or {}).items():
        if not isinstance(entry, dict):
            raise ValidationError(f"fleet: host {host!r} needs a mapping with address and mtu, got {entry!r}")
        address = None
        if entry.get("address"):
            try:
                address = ipaddress.ip_address(str(entry["address"]).strip())
            except ValueError:
                raise ValidationError(f"fleet: underlay address {entry['address']!r} of host {host!r} is not an "
                                      f"IPv4 or IPv6 address") from None
        mtu = entry.get("mtu") or DEFAULT_UNDERLAY_MTU
        if not isinstance(mtu, int) or isinstance(mtu, bool) or not 1280 <= mtu <= 65535:
            raise ValidationError(f"fleet: underlay mtu {mtu!r} of host {host!r} must be between 1280 and 65535")
        underlays[host] = Underlay(address, mtu)
    return underlays


def _derived_vni(name, link, explicit, taken, canonical):
    """A VNI from the topology's name and the link's two ends (their namespaces by the name every
    host knows them by), the same on every host; a collision moves on to the next free one, in
    description order, which every host walks alike."""
    ends = "|".join(sorted(f"{canonical(end.netns) or ''}/{end.name}/{end.host or ''}" for end in (link.a, link.b)))
    vni = int(hashlib.sha256(f"{name}|{ends}".encode()).hexdigest(), 16) % VNI_MAX + 1
    while vni in taken or vni in explicit:
        vni = vni % VNI_MAX + 1
    return vni
