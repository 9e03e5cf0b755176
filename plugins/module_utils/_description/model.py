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
    NETEM_KEYS,
    OFFLOAD_FEATURES,
    PRESENT,
    SHAPE_KEYS,
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
    force: bool = False
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
            bridge=_optional_interface(params.get("bridge"), "bridge name"),
            peer_bridge=_optional_interface(params.get("peer_bridge"), "peer bridge name"),
            owner=params.get("owner"),
            queues=_optional_range(params.get("queues"), "queues", 1, QUEUES_MAX),
            peer_queues=_optional_range(params.get("peer_queues"), "peer_queues", 1, QUEUES_MAX),
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
    force: bool = False  # past the guard of the host's own network (see _guard.py)

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
        )

    @property
    def target(self):
        return f"addresses of {self.interface} in {where(self.netns)}"


@dataclass(frozen=True)
class Route:
    destination: object  # ipaddress network; 'default' becomes 0.0.0.0/0 or ::/0
    via: object = None
    interface: str = None
    metric: int = None  # None: the kernel's default for the family
    netns: str = None
    state: str = PRESENT

    @classmethod
    def from_params(cls, params):
        to = validate.route_destination(params.get("to"))
        via = validate.ip_address(params["via"], "gateway") if params.get("via") is not None else None
        if to == "default":
            to = validate.route_destination("::/0" if via is not None and via.version == 6 else "0.0.0.0/0")
        if via is not None and via.version != to.version:
            raise ValidationError(f"route to {params.get('to')}: gateway {via} is not of the same IP version")
        route = cls(
            destination=to,
            via=via,
            interface=_optional_interface(params.get("interface"), "interface name"),
            metric=validate.metric(params.get("metric")),
            netns=validate.optional_netns_name(params.get("netns")),
            state=validate.state(params.get("state")),
        )
        if route.state == PRESENT and via is None and route.interface is None:
            raise ValidationError(f"route to {params.get('to')}: give a gateway (via), an interface, or both")
        return route

    @property
    def effective_metric(self):
        """The metric the kernel stores when none is given: 0 for IPv4, 1024 for IPv6."""
        if self.metric is not None:
            return self.metric
        return 1024 if self.destination.version == 6 else 0

    @property
    def target(self):
        return f"route {self.destination} in {where(self.netns)}"


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
    force: bool = False  # past the guard of the host's own network (see _guard.py)

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
            state=validate.state(params.get("state")),
            owner=params.get("owner"),
            force=bool(params.get("force")),
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
    force: bool = False
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


GSO_MAX_SIZE = 524280  # the kernel's largest segment (BIG TCP); a device may allow less
SHAPE_LATENCY_US = 50_000  # a rate-limited queue holds this much traffic beyond any configured delay
NETEM_DEFAULT_LIMIT = 1000  # packets, the kernel's own default
_FULL_FRAME = 1514  # bytes on the wire of a full 1500-byte packet


@dataclass(frozen=True)
class Shape:
    """Egress shaping of one interface, in canonical units: microseconds, percent, bits per second,
    bytes. None in burst or limit: derived. A shape with nothing set removes any shaping."""
    delay: int = 0
    jitter: int = 0
    loss: float = 0.0
    duplicate: float = 0.0
    reorder: float = 0.0
    corrupt: float = 0.0
    rate: int = None
    burst: int = None
    limit: int = None

    @classmethod
    def from_params(cls, params, what="shape"):
        if not isinstance(params, dict):
            raise ValidationError(f"{what} {params!r} must be a mapping of {', '.join(SHAPE_KEYS)}")
        unknown = sorted(map(str, set(params) - set(SHAPE_KEYS)))
        if unknown:
            raise ValidationError(f"{what}: unknown key(s) {', '.join(unknown)}; known keys are {', '.join(SHAPE_KEYS)}")
        given = {key: value for key, value in params.items() if value is not None}
        times = {key: validate.tc_time(given[key], f"{what} {key}") for key in ("delay", "jitter") if key in given}
        percents = {key: validate.percent(given[key], f"{what} {key}")
                    for key in ("loss", "duplicate", "reorder", "corrupt") if key in given}
        shape = cls(
            **times, **percents,
            rate=validate.tc_rate(given["rate"], f"{what} rate") if "rate" in given else None,
            burst=validate.tc_size(given["burst"], f"{what} burst", minimum=64) if "burst" in given else None,
            limit=validate.tc_size(given["limit"], f"{what} limit", minimum=64) if "limit" in given else None,
        )
        if shape.jitter and not shape.delay:
            raise ValidationError(f"{what}: jitter {given['jitter']!r} needs a delay to vary around")
        if shape.reorder and not shape.delay:
            raise ValidationError(f"{what}: reorder {given['reorder']!r} needs a delay (reordered packets are "
                                  f"the ones sent without it)")
        if shape.burst is not None and shape.rate is None:
            raise ValidationError(f"{what}: burst {given['burst']!r} needs a rate")
        if shape.limit is not None and shape.rate is None and not shape.uses_netem:
            raise ValidationError(f"{what}: limit {given['limit']!r} needs a rate or a delay to queue for")
        return shape

    @property
    def uses_netem(self):
        return any(getattr(self, key) for key in NETEM_KEYS)

    @property
    def qdisc_kinds(self):
        """The qdiscs this shape needs the kernel to have, root first."""
        return [kind for kind, needed in (("netem", self.uses_netem), ("tbf", self.rate is not None)) if needed]

    def qdiscs(self, mtu):
        """The qdisc tree, root first, as [(kind, options)]: netem, then tbf under it, or either alone.

        Derived values: burst holds 4 ms of traffic and at least one full frame of the link's MTU;
        the tbf queue holds the burst plus the configured delay and jitter plus 50 ms at the rate
        (at least the bandwidth-delay product); netem's queue, in packets, twice that at full frames.
        """
        tree = []
        latency = self.delay + self.jitter
        if self.uses_netem:
            packets = NETEM_DEFAULT_LIMIT
            if self.limit is not None:
                packets = -(-self.limit // _FULL_FRAME)
            elif self.rate is not None:
                in_flight = self.rate // 8 * latency // 1_000_000  # bytes: the bandwidth-delay product
                packets = max(NETEM_DEFAULT_LIMIT, 2 * -(-in_flight // _FULL_FRAME))
            tree.append(("netem", {"delay": self.delay, "jitter": self.jitter, "loss": self.loss,
                                   "duplicate": self.duplicate, "reorder": self.reorder, "corrupt": self.corrupt,
                                   "limit": packets}))
        if self.rate is not None:
            rate_bytes = self.rate // 8
            burst = self.burst if self.burst is not None else max(rate_bytes * 4 // 1000, mtu + 14)
            limit = self.limit
            if limit is None:
                limit = burst + rate_bytes * (latency + SHAPE_LATENCY_US) // 1_000_000
            tree.append(("tbf", {"rate": rate_bytes * 8, "burst": burst, "limit": limit}))
        return tree


@dataclass(frozen=True)
class EndSettings:
    """The settings of one interface beyond its kind and place. None (or an empty offloads map):
    left as it is."""
    interface: str
    netns: str = None
    mac: str = None
    txqueuelen: int = None
    offloads: dict = field(default_factory=dict)  # name in OFFLOAD_FEATURES -> bool
    gso_max_size: int = None
    gro_max_size: int = None
    shape: Shape = None
    mtu: int = None  # the link's MTU as described, for the shaper's burst; not set here

    @classmethod
    def from_params(cls, params, interface, netns=None, mtu=None, what=None):
        what = what or f"interface {interface!r}"
        offloads = validate.switches(params.get("offloads"), OFFLOAD_FEATURES, f"{what} offloads") or {}
        if offloads.get("tso") and offloads.get("tx_checksum") is False:
            raise ValidationError(f"{what} offloads: tso true needs tx_checksum: the kernel turns TSO off "
                                  f"without transmit checksumming")
        shape = params.get("shape")
        return cls(
            interface=interface,
            netns=netns,
            mac=validate.mac_address(params["mac"], f"{what} mac") if params.get("mac") is not None else None,
            txqueuelen=_optional_range(params.get("txqueuelen"), f"{what} txqueuelen", 0, 2 ** 32 - 1),
            offloads=offloads,
            gso_max_size=_optional_range(params.get("gso_max_size"), f"{what} gso_max_size", 1, GSO_MAX_SIZE),
            gro_max_size=_optional_range(params.get("gro_max_size"), f"{what} gro_max_size", 1, GSO_MAX_SIZE),
            shape=Shape.from_params(shape, f"{what} shape") if shape is not None else None,
            mtu=mtu,
        )

    @property
    def attributes(self):
        """The settings changed with one link request, those given."""
        values = {"mac": self.mac, "txqueuelen": self.txqueuelen, "gso_max_size": self.gso_max_size,
                  "gro_max_size": self.gro_max_size}
        return {key: value for key, value in values.items() if value is not None}

    @property
    def empty(self):
        return not self.attributes and not self.offloads and self.shape is None

    @property
    def target(self):
        return f"{self.interface} in {where(self.netns)}"


END_SETTING_KEYS = ("mac", "txqueuelen", "offloads", "gso_max_size", "gro_max_size", "shape")


def veth_end_settings(veth, params):
    """The settings of both ends of a veth module task: the plain options for the name end, the
    peer_ ones for the peer end."""
    if veth.state != PRESENT:
        return ()
    return tuple(
        EndSettings.from_params({key: params.get(prefix + key) for key in END_SETTING_KEYS}, name, netns, veth.mtu,
                                f"{prefix}end {name!r}" if prefix else None)
        for prefix, name, netns in (("", veth.name, veth.netns), ("peer_", veth.peer, veth.peer_netns))
    )


def _optional_range(value, what, minimum, maximum):
    return None if value is None else validate.integer_in_range(value, what, minimum, maximum)
