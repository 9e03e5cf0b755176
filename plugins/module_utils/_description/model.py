# -*- coding: utf-8 -*-
# Copyright: linuxnet.netns contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The desired objects, validated on construction. Private to linuxnet.netns.

``from_params`` builds an object from a module's (or a topology entry's) options and raises
ValidationError naming the bad value; nothing here touches the kernel.
"""

from dataclasses import dataclass, field

from ansible_collections.linuxnet.netns.plugins.module_utils._description import validate
from ansible_collections.linuxnet.netns.plugins.module_utils._errors import ValidationError
from ansible_collections.linuxnet.netns.plugins.module_utils._description.vocabulary import (
    DEFAULT_BUSY_POLICY,
    PRESENT,
    where,
)


def _optional_interface(value, what):
    return None if value is None else validate.interface_name(value, what)


@dataclass(frozen=True)
class Namespace:
    name: str
    state: str = PRESENT
    sysctls: dict = field(default_factory=dict)
    when_busy: str = DEFAULT_BUSY_POLICY  # removing a namespace that processes still run in
    owner: str = None  # ownership marker: written on what this creates, required on what it removes

    @classmethod
    def from_params(cls, params):
        sysctls = {}
        for key, value in (params.get("sysctls") or {}).items():
            key = validate.sysctl_key(key)
            sysctls[key] = validate.sysctl_value(key, value)
        return cls(name=validate.netns_name(params.get("name")), state=validate.state(params.get("state")),
                   sysctls=sysctls, when_busy=validate.busy_policy(params.get("when_busy")), owner=params.get("owner"))

    @property
    def target(self):
        return f"netns {self.name}"


QUEUES_MAX = 4096  # the kernel's limit on a link's tx and rx queues


@dataclass(frozen=True)
class Veth:
    name: str
    peer: str
    netns: str = None
    peer_netns: str = None
    mtu: int = None
    state: str = PRESENT
    force: bool = False  # recreate a pair that differs
    allow_host_network: bool = False  # past the guard of the host's own network (see _reconcile/guard.py)
    bridge: str = None  # bridge (in netns) this end is a port of; None: not managed
    peer_bridge: str = None
    owner: str = None  # ownership marker, written on the peer end
    queues: int = None  # tx and rx queues of the name end, fixed when the pair is made; None: the kernel's
    peer_queues: int = None

    @classmethod
    def from_params(cls, params):
        state = validate.state(params.get("state"))
        peer = params.get("peer")
        if peer is None and state == PRESENT:
            raise ValidationError(f"veth {params.get('name')!r}: peer is required when state is present")
        veth = cls(
            name=validate.interface_name(params.get("name")),
            peer=validate.interface_name(peer, "peer interface name") if peer is not None else None,
            netns=validate.optional_netns_name(params.get("netns")),
            peer_netns=validate.optional_netns_name(params.get("peer_netns"), "peer namespace name"),
            mtu=validate.mtu(params.get("mtu")),
            state=state,
            force=bool(params.get("force")),
            allow_host_network=bool(params.get("allow_host_network")),
            bridge=_optional_interface(params.get("bridge"), "bridge name"),
            peer_bridge=_optional_interface(params.get("peer_bridge"), "peer bridge name"),
            owner=params.get("owner"),
            queues=validate.optional_integer_in_range(params.get("queues"), "queues", 1, QUEUES_MAX),
            peer_queues=validate.optional_integer_in_range(params.get("peer_queues"), "peer_queues", 1, QUEUES_MAX),
        )
        if veth.peer == veth.name and veth.peer_netns == veth.netns:
            raise ValidationError(f"veth {veth.name!r}: both ends have the same name in the same namespace")
        return veth

    @property
    def target(self):
        return f"veth {self.name} in {where(self.netns)}"


@dataclass(frozen=True)
class AddressSet:
    interface: str
    addresses: tuple
    netns: str = None
    state: str = PRESENT
    exclusive: bool = False
    nodad: bool = False
    allow_host_network: bool = False  # past the guard of the host's own network (see _reconcile/guard.py)
    force: bool = False  # deprecated for the guard: allow_host_network
    on_host_lan: bool = False  # a macvlan's, ipvlan's or moved interface's: it shares the host's LAN

    @classmethod
    def from_params(cls, params):
        return cls(
            interface=validate.interface_name(params.get("interface")),
            addresses=tuple(validate.address_list(params.get("addresses"))),
            netns=validate.optional_netns_name(params.get("netns")),
            state=validate.state(params.get("state")),
            exclusive=bool(params.get("exclusive")),
            nodad=bool(params.get("nodad")),
            force=bool(params.get("force")),
            allow_host_network=bool(params.get("allow_host_network")),
        )

    @property
    def target(self):
        return f"addresses of {self.interface} in {where(self.netns)}"


@dataclass(frozen=True)
class Nexthop:
    """One path of a multipath route."""
    via: object = None
    interface: str = None
    weight: int = 1

    KEYS = ("via", "interface", "weight")

    @classmethod
    def from_params(cls, params, version, what):
        if not isinstance(params, dict):
            raise ValidationError(f"{what}: a nexthop is a mapping of via, interface and weight, not {params!r}")
        unknown = sorted(set(params) - set(cls.KEYS))
        if unknown:
            raise ValidationError(f"{what}: unknown key(s) {', '.join(unknown)}; a nexthop takes via, interface, weight")
        via = validate.ip_address(params["via"], f"{what}: gateway") if params.get("via") is not None else None
        if via is not None and via.version != version:
            raise ValidationError(f"{what}: gateway {via} is not of the route's IP version")
        interface = _optional_interface(params.get("interface"), f"{what}: interface name")
        if via is None and interface is None:
            raise ValidationError(f"{what}: give a gateway (via), an interface, or both")
        weight = params.get("weight")
        return cls(via=via, interface=interface,
                   weight=1 if weight is None else validate.integer_in_range(weight, f"{what}: weight", 1, 256))


@dataclass(frozen=True)
class Route:
    destination: object  # ipaddress network; 'default' becomes 0.0.0.0/0 or ::/0
    via: object = None
    interface: str = None
    metric: int = None  # None: the kernel's default for the family
    netns: str = None
    state: str = PRESENT
    allow_host_network: bool = False  # past the guard of the host's own routes (see _reconcile/guard.py)
    table: int = validate.MAIN_TABLE
    nexthops: tuple = ()  # Nexthop, ...: one multipath route
    other_tables: tuple = None  # in a topology: the tables of its other routes to this destination here

    @classmethod
    def from_params(cls, params):
        to = validate.route_destination(params.get("to"))
        via = validate.ip_address(params["via"], "gateway") if params.get("via") is not None else None
        hops = params.get("nexthops") or []
        if to == "default":
            first = via or next((validate.ip_address(hop["via"], "gateway") for hop in hops
                                 if isinstance(hop, dict) and hop.get("via") is not None), None)
            to = validate.route_destination("::/0" if first is not None and first.version == 6 else "0.0.0.0/0")
        if via is not None and via.version != to.version:
            raise ValidationError(f"route to {params.get('to')}: gateway {via} is not of the same IP version")
        if not isinstance(hops, list):
            raise ValidationError(f"route to {params.get('to')}: nexthops must be a list of {{via, interface, weight}}")
        nexthops = tuple(Nexthop.from_params(hop, to.version, f"route to {params.get('to')}: nexthops[{index}]")
                         for index, hop in enumerate(hops))
        route = cls(
            destination=to,
            via=via,
            interface=_optional_interface(params.get("interface"), "interface name"),
            metric=validate.metric(params.get("metric")),
            netns=validate.optional_netns_name(params.get("netns")),
            state=validate.state(params.get("state")),
            allow_host_network=bool(params.get("allow_host_network")),
            table=validate.route_table(params.get("table"), f"route to {params.get('to')}: table"),
            nexthops=nexthops,
        )
        if nexthops and (via is not None or route.interface is not None):
            raise ValidationError(f"route to {params.get('to')}: give nexthops or via and interface, not both")
        if route.state == PRESENT and via is None and route.interface is None and not nexthops:
            raise ValidationError(f"route to {params.get('to')}: give a gateway (via), an interface, or both "
                                  f"(or, in a topology, nexthops)")
        return route

    @property
    def effective_metric(self):
        """The metric the kernel stores when none is given: 0 for IPv4, 1024 for IPv6."""
        if self.metric is not None:
            return self.metric
        return 1024 if self.destination.version == 6 else 0

    @property
    def target(self):
        table = "" if self.table == validate.MAIN_TABLE else f" (table {self.table})"
        return f"route {self.destination}{table} in {where(self.netns)}"


@dataclass(frozen=True)
class Bridge:
    name: str
    netns: str = None
    ports: tuple = None  # None: ports are not managed
    exclusive_ports: bool = False
    stp: bool = None
    mtu: int = None
    state: str = PRESENT
    owner: str = None
    allow_host_network: bool = False  # past the guard of the host's own network (see _reconcile/guard.py)
    force: bool = False  # deprecated for the guard: allow_host_network
    vlan_filtering: bool = None  # VLAN-aware (802.1Q); None leaves it as it is

    @classmethod
    def from_params(cls, params):
        ports = params.get("ports")
        if isinstance(ports, str):
            ports = [ports]
        name = validate.interface_name(params.get("name"), "bridge name")
        checked_ports = None
        if ports is not None:
            checked_ports = tuple(dict.fromkeys(validate.interface_name(port, "port name") for port in ports))
            if name in checked_ports:
                raise ValidationError(f"bridge {name!r} cannot be a port of itself")
        return cls(
            name=name,
            netns=validate.optional_netns_name(params.get("netns")),
            ports=checked_ports,
            exclusive_ports=bool(params.get("exclusive_ports")),
            stp=params.get("stp"),
            mtu=validate.mtu(params.get("mtu")),
            vlan_filtering=None if params.get("vlan_filtering") is None else bool(params["vlan_filtering"]),
            state=validate.state(params.get("state")),
            owner=params.get("owner"),
            force=bool(params.get("force")),
            allow_host_network=bool(params.get("allow_host_network")),
        )

    @property
    def target(self):
        return f"bridge {self.name} in {where(self.netns)}"


VXLAN_PORT = 4789  # IANA's; the kernel's own default (8472) would silently drop traffic from other stacks


@dataclass(frozen=True)
class Vxlan:
    name: str
    vni: int
    netns: str = None  # created in the namespace the module runs in (the underlay), then moved here
    local: object = None  # ipaddress address on the underlay
    remotes: tuple = ()  # one: a point-to-point tunnel; several: flooded to each through static entries
    port: int = VXLAN_PORT
    underlay_interface: str = None
    mtu: int = None  # None: the underlay's MTU minus the encapsulation (50 for IPv4, 70 for IPv6)
    bridge: str = None
    state: str = PRESENT
    force: bool = False  # recreate a tunnel end that differs
    owner: str = None

    @classmethod
    def from_params(cls, params):
        name = validate.interface_name(params.get("name"))
        state = validate.state(params.get("state"))
        remote, remotes = params.get("remote"), params.get("remotes")
        if remote is not None and remotes:
            raise ValidationError(f"vxlan {name!r}: give remote (one peer) or remotes (several), not both")
        peers = [remote] if remote is not None else list(remotes or [])
        vxlan = cls(
            name=name,
            vni=validate.vni(params.get("vni"), f"vxlan {name!r}: vni"),
            netns=validate.optional_netns_name(params.get("netns")),
            local=validate.ip_address(params["local"], "local address") if params.get("local") is not None else None,
            remotes=tuple(dict.fromkeys(validate.ip_address(peer, "remote address") for peer in peers)),
            port=validate.port(VXLAN_PORT if params.get("port") is None else params["port"]),
            underlay_interface=_optional_interface(params.get("underlay_interface"), "underlay interface name"),
            mtu=validate.mtu(params.get("mtu")),
            bridge=_optional_interface(params.get("bridge"), "bridge name"),
            state=state,
            force=bool(params.get("force")),
            owner=params.get("owner"),
        )
        families = {address.version for address in (vxlan.local, *vxlan.remotes) if address is not None}
        if len(families) > 1:
            raise ValidationError(f"vxlan {name!r}: local and remote addresses mix IPv4 and IPv6")
        if state == PRESENT and not vxlan.remotes:
            raise ValidationError(f"vxlan {name!r}: give remote or remotes, the peer(s) on the underlay")
        if state == PRESENT and vxlan.vni is None:
            raise ValidationError(f"vxlan {name!r}: vni is required when state is present")
        return vxlan

    @property
    def learning(self):
        """A point-to-point tunnel learns as usual; several peers get static entries and no learning."""
        return len(self.remotes) <= 1

    @property
    def target(self):
        return f"vxlan {self.name} in {where(self.netns)}"
