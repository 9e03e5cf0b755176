# -*- coding: utf-8 -*-
# Copyright: linuxnet.netns contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The outside world as models: a namespace's uplink, port forwards, the nftables table they need
and the sysctls turned on for them. Pure Python, validated; private to linuxnet.netns.

An uplink is a veth between a namespace and its router (the host, or another namespace), with a
point-to-point subnet, the namespace's default route through the router, forwarding turned on in
the router for the two interfaces the traffic crosses, and masquerade out of the router's egress.
IPv6 is masqueraded too: a routed prefix needs the upstream router to route it to this host, which
nothing on the host can arrange.
"""

import hashlib
import ipaddress
import re
from dataclasses import dataclass

from ansible_collections.linuxnet.netns.plugins.module_utils import _validate as validate
from ansible_collections.linuxnet.netns.plugins.module_utils._errors import ValidationError
from ansible_collections.linuxnet.netns.plugins.module_utils._model import Route
from ansible_collections.linuxnet.netns.plugins.module_utils._ownership import marker
from ansible_collections.linuxnet.netns.plugins.module_utils._vocabulary import CHILD_MODES, PRESENT, where

UPLINK_KEYS = {"nat", "egress", "addresses", "router", "probe"}
FORWARD_KEYS = {"protocol", "port", "namespace", "to_port", "address", "probe_from"}
ROUTER = "host"  # probe_from's name for the uplink's router
PROTOCOLS = ("tcp", "udp")
UPLINK_INNER_NAME = "uplink"  # the namespace's end; the router's end is named after the namespace
DEFAULT_UPLINK_RANGE = "100.64.0.0/10"  # RFC 6598 shared address space: meant for NAT, rarely routed on a site
UPLINK_PREFIX = 30
TABLE_FAMILY = "inet"
TABLE_PREFIX = "linuxnet-"
_TABLE_SAFE = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")
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
        if params.get("addresses") is not None:
            router_addresses, addresses = _address_pair(params["addresses"])
        else:
            router_addresses, addresses = allocate_pair(topology_name, netns, uplink_range)
        probe = params.get("probe")
        return cls(netns=netns, interface=router_interface_name(netns), router_addresses=router_addresses,
                   addresses=addresses, router=router, nat=_boolean(params.get("nat", True), "uplink nat"),
                   egress=egress, probe=validate.ip_address(probe, "uplink probe") if probe is not None else None)

    def gateways(self):
        """{IP version: the router's address} that the namespace's default routes go through."""
        return {address.version: address.ip for address in reversed(self.router_addresses)}

    def routes(self, state=PRESENT):
        """The namespace's default routes, through the router's end."""
        return [Route.from_params({"to": "default", "via": str(gateway), "netns": self.netns, "state": state})
                for _version, gateway in sorted(self.gateways().items())]

    def networks(self):
        return tuple(address.network for address in self.addresses)

    def address_for(self, version):
        for address in self.addresses:
            if address.version == version:
                return address.ip
        return None

    @property
    def target(self):
        return f"uplink of {where(self.netns)}"


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
class Forward:
    protocol: str
    port: int
    netns: str
    to_port: int
    address: object = None  # ipaddress address the router listens on; None: any of its own
    probe_from: str = None  # verification connects from this namespace, or from the router (ROUTER)

    @classmethod
    def from_params(cls, params):
        unknown = sorted(set(params) - FORWARD_KEYS)
        if unknown:
            raise ValidationError(f"unknown key(s) {', '.join(unknown)}; known keys are {', '.join(sorted(FORWARD_KEYS))}")
        protocol = validate.choice(params.get("protocol") or "tcp", PROTOCOLS, "protocol")
        if params.get("port") is None:
            raise ValidationError("port is required: the host's port to take connections on")
        port = validate.port(params.get("port"))
        address = params.get("address")
        probe_from = params.get("probe_from")
        if probe_from is not None and probe_from != ROUTER:
            probe_from = validate.netns_name(probe_from, "probe_from")
        if probe_from is not None and protocol != "tcp":
            raise ValidationError(f"probe_from {probe_from!r} needs protocol tcp: verification probes a forward by "
                                  f"connecting to it")
        return cls(protocol=protocol, port=port, probe_from=probe_from,
                   netns=validate.netns_name(params.get("namespace"), "forward namespace"),
                   to_port=validate.port(params["to_port"], "to_port") if params.get("to_port") is not None else port,
                   address=validate.ip_address(address, "forward address") if address is not None else None)

    def clashes(self, other):
        """Both take the same protocol and port on an address they share (None: every address)."""
        return (self.protocol, self.port) == (other.protocol, other.port) and (
            None in (self.address, other.address) or self.address == other.address)

    @property
    def label(self):
        listen = f"[{self.address}]" if self.address is not None and self.address.version == 6 else self.address
        return f"{self.protocol}/{listen or '*'}:{self.port} to {self.netns}:{self.to_port}"


@dataclass(frozen=True)
class Firewall:
    """The table a topology owns in one namespace (None: the host): masquerade for its uplinks
    and destination NAT for its forwards. With neither, the table is not needed and goes."""
    netns: str
    owner: str
    topology: str
    uplinks: tuple = ()  # the uplinks routed by this namespace
    forwards: tuple = ()  # (Forward, the namespace's uplink)
    state: str = PRESENT

    @property
    def table(self):
        return table_name(self.topology)

    @property
    def wanted(self):
        return self.state == PRESENT and bool(self.forwards or any(uplink.nat for uplink in self.uplinks))

    @property
    def target(self):
        return f"nftables table {TABLE_FAMILY} {self.table} in {where(self.netns)}"

    def commands(self, egress_of):
        """The nftables JSON commands that make the table from nothing. egress_of(uplink) names
        the interface an uplink's traffic leaves by."""
        table = {"family": TABLE_FAMILY, "table": self.table}
        chains = [
            {"name": "owner"},
            {"name": "postrouting", "type": "nat", "hook": "postrouting", "prio": 100, "policy": "accept"},
            {"name": "prerouting", "type": "nat", "hook": "prerouting", "prio": -100, "policy": "accept"},
            {"name": "output", "type": "nat", "hook": "output", "prio": -100, "policy": "accept"},
        ]
        commands = [{"add": {"table": {"family": TABLE_FAMILY, "name": self.table}}}]
        commands += [{"add": {"chain": {"family": TABLE_FAMILY, "table": self.table, **chain}}} for chain in chains]
        rules = [("owner", [{"accept": None}], self.owner)]
        for uplink in self.uplinks:
            if uplink.nat:
                egress = egress_of(uplink)
                for network in uplink.networks():
                    rules.append(("postrouting", [_match(_payload(_ip(network.version), "saddr"), _prefix(network)),
                                                  _match({"meta": {"key": "oifname"}}, egress),
                                                  {"masquerade": None}], f"uplink {uplink.netns}"))
        for forward, uplink in self.forwards:
            for version in _forward_versions(forward, uplink):
                statements = _forward_statements(forward, uplink, version)
                for chain, listen in (("prerouting", "from outside"), ("output", "from this host")):
                    rules.append((chain, statements, f"forward {forward.label} {listen}"))
        commands += [{"add": {"rule": {**table, "chain": chain, "expr": expr, "comment": comment}}}
                     for chain, expr, comment in rules]
        return commands


def table_name(topology):
    """The owned table's name: linuxnet-TOPOLOGY, or a hash of a name nft would need quoted."""
    if _TABLE_SAFE.match(topology):
        return TABLE_PREFIX + topology
    return TABLE_PREFIX + hashlib.sha256(topology.encode()).hexdigest()[:16]


def _ip(version):
    return "ip" if version == 4 else "ip6"


def _match(left, right):
    return {"match": {"op": "==", "left": left, "right": right}}


def _payload(protocol, field_name):
    return {"payload": {"protocol": protocol, "field": field_name}}


def _prefix(network):
    return {"prefix": {"addr": str(network.network_address), "len": network.prefixlen}}


def _forward_versions(forward, uplink):
    versions = sorted({address.version for address in uplink.addresses})
    if forward.address is not None:
        return [forward.address.version] if forward.address.version in versions else []
    return versions


def _forward_statements(forward, uplink, version):
    if forward.address is not None:
        destination = _match(_payload(_ip(version), "daddr"), str(forward.address))
    else:
        destination = _match({"fib": {"result": "type", "flags": ["daddr"]}}, "local")
    return [
        _match({"meta": {"key": "nfproto"}}, "ipv4" if version == 4 else "ipv6"),
        destination,
        _match(_payload(forward.protocol, "dport"), forward.port),
        {"dnat": {"family": _ip(version), "addr": str(uplink.address_for(version)), "port": forward.to_port}},
    ]


@dataclass(frozen=True)
class RecordedSysctls:
    """Sysctls a topology sets in one namespace (None: the host) for its uplinks. What they were
    before is recorded when first changed, and put back when no longer wanted."""
    netns: str
    owner: str
    uplinks: tuple = ()
    state: str = PRESENT

    @property
    def target(self):
        return f"forwarding for uplinks in {where(self.netns)}"

    def values(self, egress_of):
        """{key: "1"}: forwarding on the router's end of each uplink and on its egress (IPv4 per
        interface; IPv6 forwards only when turned on for all interfaces)."""
        values = {}
        for uplink in self.uplinks if self.state == PRESENT else ():
            versions = {address.version for address in uplink.addresses}
            if 4 in versions:
                values[_interface_key(4, uplink.interface)] = "1"
                values[_interface_key(4, egress_of(uplink))] = "1"
            if 6 in versions:
                values["net.ipv6.conf.all.forwarding"] = "1"
        return values


def _interface_key(version, interface):
    if "." in interface:
        return f"net/ipv{version}/conf/{interface}/forwarding"
    return f"net.ipv{version}.conf.{interface}.forwarding"


# Host interfaces in namespaces: children of a host interface (macvlan, ipvlan), or the interface itself moved in.
INTERFACE_KEYS = {"name", "kind", "parent", "mode", "addresses", "mac", "mtu"}
DEFAULT_CHILD_MODES = {"macvlan": "bridge", "ipvlan": "l2"}
MOVED = "moved"
INTERFACE_KINDS = (*CHILD_MODES, MOVED)


@dataclass(frozen=True)
class Child:
    """A macvlan or ipvlan child of a host interface (its parent), placed in a namespace: the
    namespace on the parent's LAN, without NAT."""
    name: str
    netns: str
    parent: str
    kind: str = "macvlan"
    mode: str = "bridge"
    mac: str = None
    mtu: int = None
    state: str = PRESENT
    owner: str = None
    force: bool = False

    @classmethod
    def from_params(cls, params):
        kind = validate.choice(params.get("kind") or "macvlan", tuple(CHILD_MODES), "kind")
        mode = validate.choice(params.get("mode") or DEFAULT_CHILD_MODES[kind], tuple(CHILD_MODES[kind]),
                               f"{kind} mode")
        return cls(name=validate.interface_name(params.get("name")), netns=validate.netns_name(params.get("netns")),
                   parent=validate.interface_name(params.get("parent"), "parent interface name"), kind=kind, mode=mode,
                   mac=validate.mac_address(params["mac"]) if params.get("mac") is not None else None,
                   mtu=validate.mtu(params.get("mtu")), state=validate.state(params.get("state")),
                   owner=params.get("owner"), force=bool(params.get("force")))

    @property
    def mode_number(self):
        return CHILD_MODES[self.kind][self.mode]

    @property
    def target(self):
        return f"{self.kind} {self.name} in {where(self.netns)}"


@dataclass(frozen=True)
class MovedInterface:
    """A host interface moved into a namespace, and back to the host with its addresses on absent."""
    name: str
    netns: str
    state: str = PRESENT
    owner: str = None
    force: bool = False

    @classmethod
    def from_params(cls, params):
        return cls(name=validate.interface_name(params.get("name")), netns=validate.netns_name(params.get("netns")),
                   state=validate.state(params.get("state")), owner=params.get("owner"),
                   force=bool(params.get("force")))

    @property
    def target(self):
        return f"host interface {self.name} in {where(self.netns)}"


def host_interface(params):
    """The model of one entry of a namespace's `interfaces`: a Child, or a MovedInterface."""
    unknown = sorted(set(params) - INTERFACE_KEYS - {"netns", "state", "owner", "force"})
    if unknown:
        raise ValidationError(f"unknown key(s) {', '.join(unknown)}; known keys are {', '.join(sorted(INTERFACE_KEYS))}")
    kind = validate.choice(params.get("kind") or "macvlan", INTERFACE_KINDS, "kind")
    if kind == MOVED:
        for key in ("parent", "mode", "mac", "mtu"):
            if params.get(key) is not None:
                raise ValidationError(f"{key} is for macvlan and ipvlan children; a moved interface keeps its own")
        return MovedInterface.from_params(params)
    return Child.from_params(params)


@dataclass(frozen=True)
class StandaloneUplink:
    """One namespace's uplink and its forwards as the netns_uplink module asks for them: the
    pieces a topology's uplink expands into, owned by a name of their own (uplink-NETNS)."""
    uplink: Uplink
    forwards: tuple
    name: str
    owner: str
    state: str = PRESENT

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
                   state=validate.state(params.get("state")))

    def firewall(self):
        return Firewall(netns=self.uplink.router, owner=self.owner, topology=self.name, uplinks=(self.uplink,),
                        forwards=tuple((forward, self.uplink) for forward in self.forwards), state=self.state)

    def recorded_sysctls(self):
        return RecordedSysctls(netns=self.uplink.router, owner=self.owner, uplinks=(self.uplink,), state=self.state)
