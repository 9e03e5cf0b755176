# -*- coding: utf-8 -*-
# Copyright: linuxnet.netns contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A namespace's uplink as a model: its way out through a router, and its addresses. Pure Python,
validated; private to linuxnet.netns.

An uplink is a veth between a namespace and its router (the host, or another namespace), with a
point-to-point subnet, the namespace's default route through the router, forwarding turned on in
the router for the two interfaces the traffic crosses, and masquerade out of the router's egress.
IPv6 is masqueraded too: a routed prefix needs the upstream router to route it to this host, which
nothing on the host can arrange. The netns_uplink module's request (StandaloneUplink) is the same
pieces with a name of their own.
"""

import hashlib
import ipaddress
import re
from dataclasses import dataclass

from ansible_collections.linuxnet.netns.plugins.module_utils._description import validate
from ansible_collections.linuxnet.netns.plugins.module_utils._description.forwards import (
    Firewall,
    Forward,
    local_forward_interfaces,
)
from ansible_collections.linuxnet.netns.plugins.module_utils._description.model import Route
from ansible_collections.linuxnet.netns.plugins.module_utils._description.sysctls import RecordedSysctls
from ansible_collections.linuxnet.netns.plugins.module_utils._description.vocabulary import PRESENT, marker, where
from ansible_collections.linuxnet.netns.plugins.module_utils._errors import ValidationError

UPLINK_KEYS = {"nat", "egress", "addresses", "router", "probe", "inbound", "interface", "bridge", "gateway"}
UPLINK_INNER_NAME = "uplink"  # the namespace's end; the router's end is named after the namespace
DEFAULT_UPLINK_RANGE = "100.64.0.0/10"  # RFC 6598 shared address space: meant for NAT, rarely routed on a site
UPLINK_PREFIX = 30
_INTERFACE_SAFE = re.compile(r"^[A-Za-z0-9_-]+$")  # no dot: a sysctl key names the interface


@dataclass(frozen=True)
class Uplink:
    netns: str
    interface: str  # the router's end
    router_addresses: tuple
    addresses: tuple  # the namespace's end
    router: str = None  # None: the host
    nat: bool = True
    egress: str = None  # None: the interface of the router's default route, read when planning
    inner: str = UPLINK_INNER_NAME
    probe: object = None  # an outside address verification pings from the namespace
    inbound: bool = False  # True: anything routed to the namespace is let in, not only forwards and replies
    behind: tuple = ()  # networks routed through the namespace: masqueraded too, routed back to it by the router
    bridge: str = None  # an existing bridge of the router that the router's end joins: the namespace is on its network
    gateway: tuple = ()  # with a bridge: the addresses on its network that the namespace's default routes go through

    @classmethod
    def from_params(cls, netns, params, topology_name, uplink_range=DEFAULT_UPLINK_RANGE):
        if params is True or params is None:
            params = {}
        if not isinstance(params, dict):
            raise ValidationError(f"uplink {params!r} must be a mapping with {', '.join(sorted(UPLINK_KEYS))}")
        unknown = sorted(set(params) - UPLINK_KEYS)
        if unknown:
            raise ValidationError(f"uplink: unknown key(s) {', '.join(unknown)}; known keys are "
                                  f"{', '.join(sorted(UPLINK_KEYS))}")
        router = validate.optional_netns_name(params.get("router"), "uplink router")
        if router == netns:
            raise ValidationError(f"uplink router {router!r} is the namespace itself")
        egress = params.get("egress")
        if egress is not None:
            egress = validate.interface_name(egress, "uplink egress interface")
        if params.get("bridge") is not None:
            return _on_bridge(cls, netns, params, router)
        if params.get("gateway") is not None:
            raise ValidationError("uplink gateway is for an uplink on a bridge (bridge); without one, the router's end "
                                  "is the gateway")
        if params.get("addresses") is not None:
            router_addresses, addresses = _address_pair(params["addresses"])
        else:
            router_addresses, addresses = allocate_pair(topology_name, netns, uplink_range)
        probe = params.get("probe")
        interface = router_interface_name(netns)
        if params.get("interface") is not None:
            interface = validate.interface_name(params["interface"], "uplink interface")
            if not _INTERFACE_SAFE.match(interface):
                raise ValidationError(f"uplink interface {interface!r} may hold only letters, digits, '_' and '-' "
                                      f"(a sysctl key names it)")
        return cls(netns=netns, interface=interface, router_addresses=router_addresses,
                   addresses=addresses, router=router, nat=_boolean(params.get("nat", True), "uplink nat"),
                   egress=egress, probe=validate.ip_address(probe, "uplink probe") if probe is not None else None,
                   inbound=_boolean(params.get("inbound", False), "uplink inbound"))

    def gateways(self):
        """{IP version: the router's address} that the namespace's default routes go through."""
        if self.bridge is not None:
            return {address.version: address for address in reversed(self.gateway)}
        return {address.version: address.ip for address in reversed(self.router_addresses)}

    def routes(self, state=PRESENT):
        """The namespace's default routes, through the router's end."""
        return [Route.from_params({"to": "default", "via": str(gateway), "netns": self.netns, "state": state})
                for _version, gateway in sorted(self.gateways().items())]

    def networks(self):
        return tuple(address.network for address in self.addresses)

    def masqueraded(self):
        """The uplink's own subnets, then those of the namespaces routed through it."""
        return self.networks() + self.behind

    def return_routes(self, state=PRESENT):
        """The router's routes to the networks behind the namespace, through the namespace's end."""
        return [Route(destination=network, via=self.address_for(network.version), netns=self.router, state=state,
                      other_tables=()) for network in self.behind]

    def address_for(self, version):
        for address in self.addresses:
            if address.version == version:
                return address.ip
        return None

    @property
    def target(self):
        return f"uplink of {where(self.netns)}"


def _on_bridge(cls, netns, params, router):
    """An uplink whose router end joins an existing bridge of the router (a LAN bridge, libvirt's
    virbr0): the namespace is a machine on that bridge's network, with its address there and its
    default route through the gateway given; the bridge's network routes it on, so there is no NAT,
    no forwarding to turn on and no inbound filter."""
    bridge = validate.interface_name(params["bridge"], "uplink bridge")
    if params.get("nat") is True:
        raise ValidationError(f"uplink bridge {bridge!r}: nat is for a routed uplink; on a bridge the namespace is on "
                              f"the bridge's network, which does its own routing")
    if params.get("addresses") is None or params.get("gateway") is None:
        raise ValidationError(f"uplink bridge {bridge!r}: give addresses (the namespace's, on the bridge's network) and "
                              f"gateway (the address there its default route goes through, such as the bridge's own)")
    listed = params["addresses"] if isinstance(params["addresses"], list) else [params["addresses"]]
    addresses = tuple(validate.address_list(listed))
    gateways = params["gateway"] if isinstance(params["gateway"], list) else [params["gateway"]]
    gateway = tuple(validate.ip_address(value, "uplink gateway") for value in gateways)
    for address in gateway:
        if not any(address in own.network and address != own.ip for own in addresses):
            raise ValidationError(f"uplink gateway {address} is on none of the namespace's networks "
                                  f"({', '.join(str(own.network) for own in addresses)})")
    interface = validate.interface_name(params.get("interface") or router_interface_name(netns), "uplink interface")
    probe = params.get("probe")
    return cls(netns=netns, interface=interface, router_addresses=(), addresses=addresses, router=router, nat=False,
               probe=validate.ip_address(probe, "uplink probe") if probe is not None else None, inbound=True,
               bridge=bridge, gateway=gateway)


def _boolean(value, what):
    if not isinstance(value, bool):
        raise ValidationError(f"{what} {value!r} must be true or false")
    return value


def _address_pair(value):
    """(router end, namespace end) from [router, namespace], each an address or a list of them."""
    if not isinstance(value, list) or len(value) != 2:
        raise ValidationError(f"uplink addresses {value!r} must be a list of two entries: the router's end, "
                              f"then the namespace's end (each an address or a list of addresses)")
    router_end, namespace_end = (tuple(validate.address_list(end if isinstance(end, list) else [end]))
                                 for end in value)
    for router_address, address in zip(sorted(router_end, key=_version), sorted(namespace_end, key=_version)):
        if router_address.network != address.network or router_address.ip == address.ip:
            raise ValidationError(f"uplink addresses {router_address} and {address} must be two addresses of one subnet")
    if sorted(map(_version, router_end)) != sorted(map(_version, namespace_end)) or \
            len(set(map(_version, router_end))) != len(router_end):
        raise ValidationError(f"uplink addresses {value!r} must give each end one address per IP version, "
                              f"the same versions on both ends")
    return router_end, namespace_end


def _version(address):
    return address.version


def allocate_pair(topology_name, netns, uplink_range):
    """The /30 of `uplink_range` that hashing the topology and namespace names picks (the
    topology moves a namespace on to the next free one when two pick the same): .1 the router's,
    .2 the namespace's."""
    network = uplink_range_network(uplink_range)
    slot = int.from_bytes(hashlib.sha256(f"{topology_name}\0{netns}".encode()).digest()[:8], "big")
    return _pair_in_slot(network, slot)


def uplink_range_network(value):
    try:
        network = ipaddress.ip_network(value, strict=True)
    except (TypeError, ValueError) as exc:
        raise ValidationError(f"uplink_range {value!r} is not a network in CIDR notation: {exc}") from None
    if network.version != 4 or network.prefixlen > UPLINK_PREFIX - 2:
        raise ValidationError(f"uplink_range {value!r} must be an IPv4 network of /{UPLINK_PREFIX - 2} or larger "
                              f"(IPv6 uplinks take their addresses from the description)")
    return network


def slots_in(network):
    return 1 << (UPLINK_PREFIX - network.prefixlen)


def _pair_in_slot(network, slot):
    base = int(network.network_address) + (slot % slots_in(network)) * 4
    return ((ipaddress.ip_interface(f"{ipaddress.IPv4Address(base + 1)}/{UPLINK_PREFIX}"),),
            (ipaddress.ip_interface(f"{ipaddress.IPv4Address(base + 2)}/{UPLINK_PREFIX}"),))


def next_pair(uplink_range, pair):
    """The /30 after the one `pair` sits in, wrapping round the range."""
    network = uplink_range_network(uplink_range)
    slot = (int(pair[0][0].ip) - int(network.network_address)) // 4 + 1
    return _pair_in_slot(network, slot)


def router_interface_name(netns):
    """The router's end of a namespace's uplink: up-NETNS, or a short form with a hash when long."""
    name = f"up-{netns}"
    if len(name) <= validate.IFNAME_MAX_BYTES and _INTERFACE_SAFE.match(name):
        return name
    digest = hashlib.sha256(netns.encode()).hexdigest()[:6]
    return f"up-{''.join(char for char in netns if _INTERFACE_SAFE.match(char))[:5]}-{digest}"


@dataclass(frozen=True)
class StandaloneUplink:
    """One namespace's uplink and its forwards as the netns_uplink module asks for them: the
    pieces a topology's uplink expands into, owned by a name of their own (uplink-NETNS)."""
    uplink: Uplink
    forwards: tuple
    name: str
    owner: str
    state: str = PRESENT
    allow_host_network: bool = False  # forwards may take ports the router's own services listen on

    @classmethod
    def from_params(cls, params):
        netns = validate.netns_name(params.get("netns"))
        name = f"uplink-{netns}"
        settings = {key: params.get(key) for key in UPLINK_KEYS if params.get(key) is not None}
        uplink = Uplink.from_params(netns, settings, name, params.get("uplink_range") or DEFAULT_UPLINK_RANGE)
        forwards = []
        for index, entry in enumerate(params.get("forwards") or []):
            try:
                forward = Forward.from_params({**entry, "namespace": netns})
            except ValidationError as exc:
                raise ValidationError(f"forwards[{index}]: {exc}") from None
            if any(other.clashes(forward) for other in forwards):
                raise ValidationError(f"forwards[{index}]: {forward.protocol} port {forward.port} is forwarded twice")
            forwards.append(forward)
        return cls(uplink=uplink, forwards=tuple(forwards), name=name, owner=marker(name),
                   state=validate.state(params.get("state")), allow_host_network=bool(params.get("allow_host_network")))

    def firewall(self):
        return Firewall(netns=self.uplink.router, owner=self.owner, topology=self.name, uplinks=(self.uplink,),
                        forwards=tuple((forward, self.uplink) for forward in self.forwards), state=self.state,
                        allow_host_network=self.allow_host_network, inside=(self.uplink.interface,))

    def recorded_sysctls(self):
        return RecordedSysctls(netns=self.uplink.router, owner=self.owner, uplinks=(self.uplink,), state=self.state,
                               localnet=local_forward_interfaces((forward, self.uplink) for forward in self.forwards))


def routed_behind(uplinks, routes, owned):
    """{uplinked namespace: the networks of the namespaces whose default route leads, hop by hop,
    through it, in the IP versions its uplink has}, each chain walked once for all uplinks.
    uplinks: {namespace: Uplink}; owned: {namespace: its interface addresses}."""
    where_is = {address.ip: netns for netns, addresses in owned.items() for address in addresses}
    next_hop = {}
    for route in routes:
        gateway = route.via or next((hop.via for hop in route.nexthops if hop.via is not None), None)
        if route.destination.prefixlen == 0 and gateway in where_is and route.netns != where_is[gateway]:
            next_hop.setdefault((route.netns, route.destination.version), where_is[gateway])
    found = {name: [] for name in uplinks}
    for (netns, version), current in next_hop.items():
        networks = [address.network for address in owned.get(netns, ()) if address.version == version]
        seen = {netns}
        while current is not None and current not in seen:
            seen.add(current)
            if current in uplinks and uplinks[current].address_for(version) is not None:
                found[current] += networks
            current = next_hop.get((current, version))
    return {name: tuple(network for network in dict.fromkeys(networks) if network not in uplinks[name].networks())
            for name, networks in found.items()}
