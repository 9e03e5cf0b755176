# -*- coding: utf-8 -*-
# Copyright: linuxnet.netns contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The settings of a link's ends beyond its kind and place, validated: MAC, queue length, offloads,
segment sizes and egress shaping (the qdisc tree a shape needs). Private to linuxnet.netns.
"""

from dataclasses import dataclass, field

from ansible_collections.linuxnet.netns.plugins.module_utils._description import validate
from ansible_collections.linuxnet.netns.plugins.module_utils._description.vocabulary import NETEM_KEYS, OFFLOAD_FEATURES, PRESENT, SHAPE_KEYS, where
from ansible_collections.linuxnet.netns.plugins.module_utils._errors import ValidationError


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
            txqueuelen=validate.optional_integer_in_range(params.get("txqueuelen"), f"{what} txqueuelen", 0, 2 ** 32 - 1),
            offloads=offloads,
            gso_max_size=validate.optional_integer_in_range(params.get("gso_max_size"), f"{what} gso_max_size", 1, GSO_MAX_SIZE),
            gro_max_size=validate.optional_integer_in_range(params.get("gro_max_size"), f"{what} gro_max_size", 1, GSO_MAX_SIZE),
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
