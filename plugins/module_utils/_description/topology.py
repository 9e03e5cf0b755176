# -*- coding: utf-8 -*-
# Copyright: linuxnet.netns contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A whole topology parsed from its description into the single-object models. Private to
linuxnet.netns.

Pure Python: the description and its checks touch no kernel, so the controller-side plugins
(presets, graphs) use them too. The jobs around the parsing live apart: the description as given
(description.py), the checks across objects (checks.py), placement across a fleet
(placement.py), and the models this host builds (local.py), which reconcile/topology.py plans.
"""

from dataclasses import dataclass, replace

from ansible_collections.linuxnet.netns.plugins.module_utils._description import validate
from ansible_collections.linuxnet.netns.plugins.module_utils._description.checks import (
    check_bridges_referenced,
    check_names,
    check_segments,
    interface_addresses,
)
from ansible_collections.linuxnet.netns.plugins.module_utils._description.description import Description, saved_where
from ansible_collections.linuxnet.netns.plugins.module_utils._description.forwards import ROUTER, Forward
from ansible_collections.linuxnet.netns.plugins.module_utils._description.host_interfaces import host_interface
from ansible_collections.linuxnet.netns.plugins.module_utils._description.link_settings import EndSettings
from ansible_collections.linuxnet.netns.plugins.module_utils._description.local import LocalPart
from ansible_collections.linuxnet.netns.plugins.module_utils._description import etc_files
from ansible_collections.linuxnet.netns.plugins.module_utils._description.bridge_vlans import PortVlans
from ansible_collections.linuxnet.netns.plugins.module_utils._description.per_host import Scope
from ansible_collections.linuxnet.netns.plugins.module_utils._description.policy_rules import Rule
from ansible_collections.linuxnet.netns.plugins.module_utils._description.services import services_of
from ansible_collections.linuxnet.netns.plugins.module_utils._description.model import Bridge, Namespace, Route, Veth
from ansible_collections.linuxnet.netns.plugins.module_utils._description.placement import Placement
from ansible_collections.linuxnet.netns.plugins.module_utils._description.presets import LINK_PROFILES
from ansible_collections.linuxnet.netns.plugins.module_utils._description.uplink import (
    DEFAULT_UPLINK_RANGE,
    Uplink,
    next_pair,
    routed_behind,
    slots_in,
    uplink_range_network,
)
from ansible_collections.linuxnet.netns.plugins.module_utils._description.vocabulary import FORWARDING_SYSCTLS, PRESENT, interface_label, marker
from ansible_collections.linuxnet.netns.plugins.module_utils._errors import ValidationError

# The keys of each entry of a description. The role's meta/argument_specs.yml and the module's
# documentation list the same keys; tests/unit/.../test_schema.py fails when they disagree.
NAMESPACE_KEYS = {"name", "forwarding", "routes", "sysctls", "host", "uplink", "interfaces", "loopback", "rules", "dns",
                  "services"}
BRIDGE_KEYS = {"name", "netns", "addresses", "stp", "mtu", "host", "vlan_filtering"}
# Settings of a link's ends: on a link for both ends, on an endpoint for that end only.
END_KEYS = {"shape", "offloads", "txqueuelen", "queues", "gso_max_size", "gro_max_size"}
LINK_KEYS = {"endpoints", "mtu", "vni"} | END_KEYS
ENDPOINT_KEYS = {"netns", "name", "addresses", "bridge", "host", "mac", "vlans", "pvid"} | END_KEYS
LINK_DEFAULT_KEYS = {"mtu"} | END_KEYS  # link_defaults, and what a profile sets
ROUTE_KEYS = {"to", "via", "interface", "metric", "table", "nexthops"}


@dataclass(frozen=True)
class Endpoint:
    netns: str
    name: str
    addresses: tuple
    bridge: str
    host: str = None  # a root-namespace endpoint's host in a fleet; others follow their namespace
    settings: dict = None  # END_KEYS and mac, merged: profile, link_defaults, link, then this endpoint

    @property
    def label(self):
        return interface_label(self.netns, self.name)

    @property
    def key(self):
        """What names this end uniquely in a description (checks.check_names refuses a second)."""
        return (self.host, self.netns, self.name)


@dataclass(frozen=True)
class Link:
    a: Endpoint
    b: Endpoint
    mtu: int
    vni: int = None  # a cross-host link's VXLAN network identifier; None: derived from the description
    default_mtu: int = None  # from link_defaults or the profile: for links within one host only

    @property
    def key(self):
        """A link is known by its two ends."""
        return (self.a.key, self.b.key)


class Topology:
    """The parsed description. Every check runs in the constructor, before any change."""

    def __init__(self, description=None):
        description = description if description is not None else Description()
        self.description = description
        self.state = validate.state(description.state)
        self.when_busy = validate.busy_policy(description.when_busy)
        validate.file_safe_name(description.name, "topology name")  # it names files under /etc and /run
        self.name = description.name
        self.owner = marker(description.name)
        self.prune, self.verify, self.persistent = description.prune, description.verify, description.persistent
        self.rollback = description.rollback
        self.from_saved_file = description.from_saved_file
        self.guard_passes = {"allow_host_network": description.allow_host_network, "force": description.force}
        self.guarded_when_saved = description.guarded
        self.link_defaults = _link_defaults(description.profile, description.link_defaults)
        self.namespaces = {}  # name -> Namespace, listed first, then the ones only referred to
        self.namespace_pins = {}  # name -> host, for the namespaces pinned to one host of a fleet
        self.bridge_pins = {}  # (netns, bridge) -> host
        self.routes = []
        self.rules = []  # Rule, the namespaces' policy routing rules
        self.loopback_addresses = {}  # netns -> addresses on its lo
        self.port_vlans = []  # PortVlans of the ports of VLAN-aware bridges
        self.dns = {}  # netns -> {nameservers, search}, for its resolv.conf
        self.services = []  # Service, the namespaces' services
        self.hosts = description.hosts
        self.bridge_addresses = {}  # (netns, bridge) -> addresses
        self.uplink_range = description.uplink_range or DEFAULT_UPLINK_RANGE
        self.uplinks = {}  # namespace -> Uplink
        self.host_interfaces = []  # Child and MovedInterface models, in the namespaces' order
        self.host_interface_addresses = {}  # (netns, name) -> addresses
        self.scope = Scope(_entries(description.namespaces, "namespaces"), description.host)
        self.bridges = [self._bridge(entry, index)
                        for index, entry in enumerate(self.scope.bridges(_entries(description.bridges, "bridges")))]
        self.links = [self._link(entry, index)
                      for index, entry in enumerate(self.scope.links(_entries(description.links, "links")))]
        namespaces = self.scope.namespaces(_entries(description.namespaces, "namespaces"))
        listed = [self._namespace(entry, index) for index, entry in enumerate(namespaces)]
        self._add_uplinks(namespaces)
        self._order_namespaces(listed)
        self.forwards = []
        for index, entry in enumerate(self.scope.forwards(_entries(description.forwards, "forwards"))):
            self.forwards.append(self._forward(entry, index))
        self._add_routed_behind()
        check_names(self)
        check_bridges_referenced(self)
        check_segments(self)
        self.placement = Placement(self, description.host, description.fleet)
        self.local = LocalPart(self)

    @classmethod
    def from_params(cls, params):
        """The topology a netns_topology task describes."""
        topology = cls(Description.from_params(params))
        topology.placement.require_fleet()
        return topology

    @classmethod
    def from_saved(cls, content, name, state=PRESENT):
        """The topology saved as `name`, validated as a task's description is."""
        where = saved_where(name)
        topology = _wrap(where, lambda: cls(Description.from_saved(content, name, state)))
        _wrap(where, topology.placement.require_fleet)
        return topology

    def saved_form(self):
        return self.description.saved_form()

# parsing
    def _namespace(self, entry, index):
        where = f"namespaces[{index}]"
        _known_keys(entry, NAMESPACE_KEYS, where)
        name = validate.netns_name(entry.get("name"), f"{where}: namespace name")
        sysctls = dict(entry.get("sysctls") or {})
        if entry.get("forwarding") is not None:
            for key in FORWARDING_SYSCTLS.values():
                sysctls[key] = 1 if entry["forwarding"] else 0
        namespace = _wrap(where, Namespace.from_params, {"name": name, "sysctls": sysctls, "state": self.state,
                                                         "when_busy": self.when_busy, "owner": self.owner})
        if entry.get("host") is not None:
            self.namespace_pins[name] = _wrap(where, _host, entry["host"])
        if entry.get("uplink") not in (None, False):
            self.uplinks[name] = _wrap(f"{where} ({name})", Uplink.from_params, name, entry["uplink"], self.name,
                                       self.uplink_range)
        for interface_index, interface in enumerate(_entries(entry.get("interfaces"), f"{where} ({name}) interfaces")):
            interface_where = f"{where} ({name}) interfaces[{interface_index}]"
            params = {**interface, "netns": name, "state": self.state, "owner": self.owner, **self.guard_passes}
            model = _wrap(interface_where, host_interface, params)
            self.host_interfaces.append(model)
            self.host_interface_addresses[(name, model.name)] = tuple(
                _wrap(interface_where, validate.address_list, interface.get("addresses")))
        if entry.get("dns") is not None:
            self.dns[name] = etc_files.dns_settings(entry["dns"], f"{where} ({name})")
        if entry.get("loopback"):
            self.loopback_addresses[name] = tuple(_wrap(f"{where} ({name}) loopback", validate.address_list,
                                                        entry["loopback"]))
        for rule_index, rule in enumerate(_entries(entry.get("rules"), f"{where} ({name}) rules")):
            self.rules.append(Rule.from_params(rule, name, f"{where} ({name}) rules[{rule_index}]", self.state))
        self.services += _wrap(f"{where} ({name})", services_of, entry.get("services"), name, self.name, "services",
                               self.state)
        for route_index, route in enumerate(entry.get("routes") or []):
            route_where = f"{where} ({name}) routes[{route_index}]"
            _known_keys(route, ROUTE_KEYS, route_where)
            self.routes.append(_wrap(route_where, Route.from_params, {**route, "netns": name}))
        return namespace

    def _bridge(self, entry, index):
        where = f"bridges[{index}]"
        _known_keys(entry, BRIDGE_KEYS, where)
        bridge = _wrap(where, Bridge.from_params, {**entry, "ports": None, "state": self.state, "owner": self.owner,
                                                   **self.guard_passes})
        if entry.get("host") is not None:
            self.bridge_pins[(bridge.netns, bridge.name)] = _wrap(where, _host, entry["host"])
        self.bridge_addresses[(bridge.netns, bridge.name)] = tuple(
            _wrap(where, validate.address_list, entry.get("addresses"))
        )
        return bridge

    def _port_vlans(self, entry, endpoint, where):
        ports = _wrap(where, PortVlans.from_endpoint, entry, endpoint.netns, endpoint.name, endpoint.bridge, where)
        bridge = next((bridge for bridge in self.bridges if (bridge.netns, bridge.name) == (endpoint.netns, endpoint.bridge)),
                      None)
        if bridge is None or not bridge.vlan_filtering:
            raise ValidationError(f"{where}: vlans and pvid need bridge {endpoint.bridge!r} to be declared with "
                                  f"vlan_filtering: true")
        return ports

    def _link(self, entry, index):
        where = f"links[{index}]"
        _known_keys(entry, LINK_KEYS, where)
        endpoints = entry.get("endpoints")
        if not isinstance(endpoints, list) or len(endpoints) != 2:
            raise ValidationError(f"{where}: a link needs exactly two endpoints, got {endpoints!r}")
        ends = []
        for end_index, end in enumerate(endpoints):
            end_where = f"{where} endpoints[{end_index}]"
            if not isinstance(end, dict):
                raise ValidationError(f"{end_where}: must be a mapping with netns, name, addresses, bridge")
            _known_keys(end, ENDPOINT_KEYS, end_where)
            settings = _layered(self.link_defaults, _picked(entry, END_KEYS), _picked(end, END_KEYS | {"mac"}))
            endpoint = _wrap(end_where, _endpoint, end, settings)
            if end.get("vlans") is not None or end.get("pvid") is not None:
                self.port_vlans.append(self._port_vlans(end, endpoint, end_where))
            if settings:
                _wrap(end_where, EndSettings.from_params, settings, endpoint.name, endpoint.netns)
            ends.append(endpoint)
        link = Link(ends[0], ends[1], _wrap(where, validate.mtu, entry.get("mtu")), _wrap(where, validate.vni, entry.get("vni")),
                    default_mtu=self.link_defaults.get("mtu"))
        _wrap(where, Veth.from_params, self.veth_params(link))
        return link

    def _add_uplinks(self, namespaces):
        """Each uplink becomes a link to its router and the namespace's default routes through it.
        Uplinks whose addresses were not given move on to the next free subnet of the range when
        two land on the same one."""
        given = {entry["name"] for entry in namespaces or [] if isinstance(entry.get("uplink"), dict)
                 and entry["uplink"].get("addresses") is not None}
        uplink_range = self.uplink_range
        taken = {address.network for name in given for address in self.uplinks[name].router_addresses}
        allocated = sorted(set(self.uplinks) - given)
        if allocated:
            room = slots_in(_wrap("uplink_range", uplink_range_network, uplink_range))
            if len(allocated) + len(taken) > room:
                raise ValidationError(f"uplink_range {uplink_range} has room for {room} uplinks of /30, and "
                                      f"{len(allocated)} take their subnet from it")
        for name in allocated:
            uplink = self.uplinks[name]
            pair = (uplink.router_addresses, uplink.addresses)
            for _attempt in range(len(self.uplinks)):
                if pair[0][0].network not in taken:
                    break
                pair = next_pair(uplink_range, pair)
            taken.add(pair[0][0].network)
            self.uplinks[name] = replace(uplink, router_addresses=pair[0], addresses=pair[1])
        for name, uplink in self.uplinks.items():
            for route in self.routes:
                if route.netns == name and route.destination.prefixlen == 0 and \
                        route.destination.version in uplink.gateways():
                    raise ValidationError(f"namespace {name!r}: its uplink sets the default route; "
                                          f"remove the route to {route.destination} from its routes")
            router_end = Endpoint(netns=uplink.router, name=uplink.interface, addresses=uplink.router_addresses,
                                  bridge=uplink.bridge, host=self.namespace_pins.get(name) if uplink.router is None else None,
                                  settings=dict(self.link_defaults))
            namespace_end = Endpoint(netns=name, name=uplink.inner, addresses=uplink.addresses, bridge=None,
                                     settings=dict(self.link_defaults))
            self.links.append(Link(router_end, namespace_end, None, default_mtu=self.link_defaults.get("mtu")))
            self.routes.extend(uplink.routes())

    def _add_routed_behind(self):
        """Each uplink masquerades, and its router routes back to, the networks of the namespaces
        routed through its namespace."""
        behind = routed_behind(self.uplinks, self.routes, interface_addresses(self))
        for name, uplink in self.uplinks.items():
            self.uplinks[name] = replace(uplink, behind=behind[name])

    def _forward(self, entry, index):
        where = f"forwards[{index}]"
        forward = _wrap(where, Forward.from_params, entry)
        uplink = self.uplinks.get(forward.netns)
        if uplink is None:
            raise ValidationError(f"{where}: namespace {forward.netns!r} has no uplink to forward through; "
                                  f"give it one (uplink: {{nat: true}})")
        if forward.probe_from not in (None, ROUTER) and forward.probe_from not in self.namespaces:
            raise ValidationError(f"{where}: probe_from {forward.probe_from!r} is not a namespace of the topology")
        if forward.address is not None and uplink.address_for(forward.address.version) is None:
            raise ValidationError(f"{where}: the uplink of {forward.netns!r} has no IPv{forward.address.version} "
                                  f"address to forward {forward.address} to")
        for other_index, other in enumerate(self.forwards):
            if self.uplinks[other.netns].router == uplink.router and other.clashes(forward):
                raise ValidationError(f"{where}: {forward.protocol} port {forward.port} is already forwarded by "
                                      f"forwards[{other_index}]")
        return forward

    def veth_params(self, link):
        """The veth module's parameters for a link within one host."""
        return {
            "name": link.a.name, "netns": link.a.netns, "peer": link.b.name, "peer_netns": link.b.netns,
            "mtu": link.mtu, "bridge": link.a.bridge, "peer_bridge": link.b.bridge, "state": self.state,
            "owner": self.owner, "queues": link.a.settings.get("queues"), "peer_queues": link.b.settings.get("queues"),
        }

    def _order_namespaces(self, listed):
        for namespace in listed:
            if namespace.name in self.namespaces:
                raise ValidationError(f"namespace {namespace.name!r} is listed twice")
            self.namespaces[namespace.name] = namespace
        referred = [bridge.netns for bridge in self.bridges]
        referred += [end.netns for link in self.links for end in (link.a, link.b)]
        for name in referred:
            if name is not None and name not in self.namespaces:
                self.namespaces[name] = Namespace(name=name, state=self.state, when_busy=self.when_busy,
                                                  owner=self.owner)


def _entries(value, what):
    if value is None:
        return []
    if not isinstance(value, list):
        raise ValidationError(f"{what} must be a list, got {type(value).__name__}")
    for index, entry in enumerate(value):
        if not isinstance(entry, dict):
            raise ValidationError(f"{what}[{index}] must be a mapping, got {entry!r}")
    return value


def _known_keys(entry, known, where):
    unknown = sorted(set(entry) - known)
    if unknown:
        raise ValidationError(f"{where}: unknown key(s) {', '.join(unknown)}; known keys are {', '.join(sorted(known))}")


def _link_defaults(profile, given):
    """The settings every link starts from: the profile's, then link_defaults over them."""
    if profile is not None and profile not in LINK_PROFILES:
        raise ValidationError(f"profile {profile!r} must be one of {', '.join(map(repr, LINK_PROFILES))}")
    if given is not None and not isinstance(given, dict):
        raise ValidationError(f"link_defaults {given!r} must be a mapping of {', '.join(sorted(LINK_DEFAULT_KEYS))}")
    _known_keys(given or {}, LINK_DEFAULT_KEYS, "link_defaults")
    defaults = _layered(LINK_PROFILES.get(profile, {}), given or {})
    _wrap("link_defaults", validate.mtu, defaults.get("mtu"))
    EndSettings.from_params(defaults, "any", what="link_defaults")
    return defaults


def _picked(entry, keys):
    return {key: value for key, value in entry.items() if key in keys and value is not None}


def _layered(*layers):
    """Settings merged in order, later over earlier; shape and offloads merge key by key."""
    merged = {}
    for layer in layers:
        for key, value in layer.items():
            if isinstance(value, dict) and isinstance(merged.get(key), dict):
                merged[key] = {**merged[key], **value}
            elif value is not None:
                merged[key] = value
    return merged


def _endpoint(entry, settings=None):
    bridge = entry.get("bridge")
    netns = validate.optional_netns_name(entry.get("netns"))
    host = _host(entry["host"]) if entry.get("host") is not None else None
    if host is not None and netns is not None:
        raise ValidationError(f"host {host!r} goes on namespace {netns!r}, not on an endpoint inside it")
    return Endpoint(
        netns=netns,
        name=validate.interface_name(entry.get("name")),
        addresses=tuple(validate.address_list(entry.get("addresses"))),
        bridge=validate.interface_name(bridge, "bridge name") if bridge is not None else None,
        host=host,
        settings=settings or {},
    )


def _host(value):
    if not isinstance(value, str) or not value.strip() or not value.isprintable():
        raise ValidationError(f"host {value!r} must be an inventory hostname")
    return value


def _wrap(where, function, *args):
    """Call function; a validation error is prefixed with where the bad value sits."""
    try:
        return function(*args)
    except ValidationError as exc:
        raise ValidationError(f"{where}: {exc}") from None
