# -*- coding: utf-8 -*-
# Copyright: linuxnet.netns contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Port forwards and the nftables table a topology owns for them and for its uplinks' NAT, as
models: the table is data (libnftables JSON commands), made from nothing each time. Pure Python,
validated; private to linuxnet.netns.
"""

import hashlib
import ipaddress
import re
from dataclasses import dataclass

from ansible_collections.linuxnet.netns.plugins.module_utils._description import validate
from ansible_collections.linuxnet.netns.plugins.module_utils._description.vocabulary import PRESENT, where
from ansible_collections.linuxnet.netns.plugins.module_utils._errors import ValidationError

FORWARD_KEYS = {"protocol", "port", "namespace", "to_port", "address", "probe_from", "host"}  # host: see per_host.py
ROUTER = "host"  # probe_from's name for the uplink's router
ANY_ADDRESS = "any"  # a forward's address that takes connections on every address of the router
DEFAULT_ADDRESS = "127.0.0.1"  # reached from the router itself only: published nowhere by accident
LOOPBACK_SOURCES = ipaddress.ip_network("127.0.0.0/8")
PROTOCOLS = ("tcp", "udp")
TABLE_FAMILY = "inet"
TABLE_PREFIX = "linuxnet-"
_TABLE_SAFE = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")


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
        address = DEFAULT_ADDRESS if params.get("address") is None else params["address"]
        probe_from = params.get("probe_from")
        if probe_from is not None and probe_from != ROUTER:
            probe_from = validate.netns_name(probe_from, "probe_from")
        if probe_from is not None and protocol != "tcp":
            raise ValidationError(f"probe_from {probe_from!r} needs protocol tcp: verification probes a forward by "
                                  f"connecting to it")
        address = None if address == ANY_ADDRESS else validate.ip_address(address, "forward address")
        if address is not None and address.is_loopback and address.version == 6:
            raise ValidationError(f"{protocol} port {port}: address {address} cannot be forwarded (the kernel never "
                                  f"routes IPv6 loopback traffic out); give {DEFAULT_ADDRESS}, a host address or "
                                  f"'{ANY_ADDRESS}'")
        if address is not None and address.is_loopback and probe_from not in (None, ROUTER):
            raise ValidationError(f"{protocol} port {port}: a forward on {address} is reached from the host itself "
                                  f"only: probe it from '{ROUTER}', not from namespace {probe_from!r}")
        return cls(protocol=protocol, port=port, probe_from=probe_from,
                   netns=validate.netns_name(params.get("namespace"), "forward namespace"),
                   to_port=validate.port(params["to_port"], "to_port") if params.get("to_port") is not None else port,
                   address=address)

    @property
    def local(self):
        """Taken on a loopback address of the router: reached from the router itself only."""
        return self.address is not None and self.address.is_loopback

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
    allow_host_network: bool = False  # forwards may take ports the router's own services listen on
    inside: tuple = ()  # the topology's interfaces in the router: traffic from them is the topology's own

    @property
    def table(self):
        return table_name(self.topology)

    @property
    def wanted(self):
        guarded = any(uplink.nat or not uplink.inbound for uplink in self.uplinks)
        return self.state == PRESENT and bool(self.forwards or guarded)

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
            {"name": "forward", "type": "filter", "hook": "forward", "prio": 0, "policy": "accept"},
        ]
        commands = [{"add": {"table": {"family": TABLE_FAMILY, "name": self.table}}}]
        commands += [{"add": {"chain": {"family": TABLE_FAMILY, "table": self.table, **chain}}} for chain in chains]
        rules = [("owner", [{"accept": None}], self.owner)]
        for uplink in self.uplinks:
            if uplink.nat:
                egress = egress_of(uplink)
                for network in uplink.masqueraded():
                    rules.append(("postrouting", [_match(_payload(_ip(network.version), "saddr"), _prefix(network)),
                                                  _match({"meta": {"key": "oifname"}}, egress),
                                                  {"masquerade": None}], f"uplink {uplink.netns}"))
        rules += self._inbound_rules()
        for forward, uplink in self.forwards:
            for version in _forward_versions(forward, uplink):
                statements = _forward_statements(forward, uplink, version)
                for chain, listen in (("prerouting", "from outside"), ("output", "from this host")):
                    if chain == "output" or not forward.local:
                        rules.append((chain, statements, f"forward {forward.label} {listen}"))
        for uplink in dict.fromkeys(uplink for forward, uplink in self.forwards if forward.local):
            # a connection to the router's loopback leaves it by the uplink: from the router's end
            rules.append(("postrouting", [_match({"meta": {"key": "nfproto"}}, "ipv4"),
                                          _match(_payload("ip", "saddr"), _prefix(LOOPBACK_SOURCES)),
                                          _match({"meta": {"key": "oifname"}}, uplink.interface),
                                          {"snat": {"family": "ip", "addr": str(uplink.gateways()[4])}}],
                          f"uplink {uplink.netns}: forwards from the loopback"))
        commands += [{"add": {"rule": {**table, "chain": chain, "expr": expr, "comment": comment}}}
                     for chain, expr, comment in rules]
        return commands

    def _inbound_rules(self):
        """Traffic routed into a namespace through its uplink: replies, forwarded ports and what
        comes from the topology's own interfaces in the router get in; anything else is dropped
        (the host's LAN would otherwise reach every port of the namespace), unless the uplink says
        inbound."""
        own = {"set": sorted(set(self.inside) | {uplink.interface for uplink in self.uplinks})}
        rules = []
        for uplink in self.uplinks:
            if uplink.inbound:
                continue
            into = _match({"meta": {"key": "oifname"}}, uplink.interface)
            comment = f"uplink {uplink.netns}: in"
            rules += [
                ("forward", [into, _flags("state", ["established", "related"]), {"accept": None}], comment),
                ("forward", [into, _flags("status", ["dnat"]), {"accept": None}], comment),
                ("forward", [into, _match({"meta": {"key": "iifname"}}, own), {"accept": None}], comment),
                ("forward", [into, {"drop": None}], comment),
            ]
        return rules


def _flags(key, names):
    return {"match": {"op": "in", "left": {"ct": {"key": key}}, "right": names}}


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


def local_forward_interfaces(forwards):
    """The uplinks' router ends that connections to a loopback forward leave by (forwards: (Forward, Uplink))."""
    return tuple(sorted({uplink.interface for forward, uplink in forwards if forward.local}))


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
