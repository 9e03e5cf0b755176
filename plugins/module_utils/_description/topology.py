# -*- coding: utf-8 -*-
# Copyright: linuxnet.netns contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A whole topology: validated as one description and turned into the single-object models.
Private to linuxnet.netns.

Pure Python: the description and its checks touch no kernel, so the controller-side plugins
(presets, graphs) use them too. reconcile/topology.py plans it.
"""

from dataclasses import dataclass, replace

from ansible_collections.linuxnet.netns.plugins.module_utils._description import validate
from ansible_collections.linuxnet.netns.plugins.module_utils._errors import ValidationError
from ansible_collections.linuxnet.netns.plugins.module_utils._description.placement import Placement
from ansible_collections.linuxnet.netns.plugins.module_utils._description.link_settings import EndSettings
from ansible_collections.linuxnet.netns.plugins.module_utils._description.model import AddressSet, Bridge, Namespace, Route, Veth, Vxlan
from ansible_collections.linuxnet.netns.plugins.module_utils._description.forwards import Firewall, Forward, ROUTER
from ansible_collections.linuxnet.netns.plugins.module_utils._description.host_interfaces import Child, MovedInterface, host_interface
from ansible_collections.linuxnet.netns.plugins.module_utils._description.sysctls import RecordedSysctls
from ansible_collections.linuxnet.netns.plugins.module_utils._description.uplink import DEFAULT_UPLINK_RANGE, Uplink, next_pair, slots_in, uplink_range_network
from ansible_collections.linuxnet.netns.plugins.module_utils._description.vocabulary import marker
from ansible_collections.linuxnet.netns.plugins.module_utils._description.presets import LINK_PROFILES, merge
from ansible_collections.linuxnet.netns.plugins.module_utils._description.vocabulary import (
    DEFAULT_BUSY_POLICY,
    FORWARDING_SYSCTLS,
    PRESENT,
    interface_label,
    where as where_is,
)

# The keys of each entry of a description. The role's meta/argument_specs.yml and the module's
# documentation list the same keys; tests/unit/.../test_schema.py fails when they disagree.
NAMESPACE_KEYS = {"name", "forwarding", "routes", "sysctls", "host", "uplink", "interfaces"}
BRIDGE_KEYS = {"name", "netns", "addresses", "stp", "mtu", "host"}
# Settings of a link's ends: on a link for both ends, on an endpoint for that end only.
END_KEYS = {"shape", "offloads", "txqueuelen", "queues", "gso_max_size", "gro_max_size"}
LINK_KEYS = {"endpoints", "mtu", "vni"} | END_KEYS
ENDPOINT_KEYS = {"netns", "name", "addresses", "bridge", "host", "mac"} | END_KEYS
LINK_DEFAULT_KEYS = {"mtu"} | END_KEYS  # link_defaults, and what a profile sets
ROUTE_KEYS = {"to", "via", "interface", "metric"}
SAVED_KEYS = {"format", "name", "namespaces", "bridges", "links", "when_busy", "verify", "host", "fleet",
              "link_defaults", "profile", "forwards", "uplink_range"}
SAVED_FORMAT = 1


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


@dataclass(frozen=True)
class Link:
    a: Endpoint
    b: Endpoint
    mtu: int
    vni: int = None  # a cross-host link's VXLAN network identifier; None: derived from the description
    default_mtu: int = None  # from link_defaults or the profile: for links within one host only


class Topology:
    """The validated description. Every check runs in the constructor, before any change."""

    def __init__(self, namespaces=None, bridges=None, links=None, state=PRESENT, when_busy=DEFAULT_BUSY_POLICY,
                 name="default", prune=False, verify=False, persistent=False, host=None, fleet=None,
                 link_defaults=None, profile=None, forwards=None, uplink_range=None, force=False, rollback=False):
        self.state = validate.state(state)
        self.when_busy = validate.busy_policy(when_busy)
        if persistent:
            validate.file_safe_name(name, "the name of a persistent topology")
        self.name = name
        self.owner = marker(name)
        self.prune = prune  # also remove what carries the marker but is no longer described
        self.verify = verify  # probe the paths after a real apply
        self.persistent = persistent  # saved, to be applied again at boot by the standalone command
        self.from_saved_file = False  # read by the standalone command, which never changes the file
        self.description = {"namespaces": namespaces or [], "bridges": bridges or [], "links": links or []}
        self.description["forwards"] = forwards or []
        self.fleet = fleet
        self.profile = profile
        self.link_defaults_given = link_defaults or {}
        self.link_defaults = _link_defaults(profile, link_defaults)
        self.namespaces = {}  # name -> Namespace, listed first, then the ones only referred to
        self.namespace_pins = {}  # name -> host, for the namespaces pinned to one host of a fleet
        self.bridge_pins = {}  # (netns, bridge) -> host
        self.routes = []
        self.bridge_addresses = {}  # (netns, bridge) -> addresses
        self.uplink_range = uplink_range
        self.force = force  # past the guard of the host's own network
        self.rollback = rollback  # a failed apply undoes what it changed (see _reconcile/rollback.py)
        self.uplinks = {}  # namespace -> Uplink
        self.host_interfaces = []  # Child and MovedInterface models, in the namespaces' order
        self.host_interface_addresses = {}  # (netns, name) -> addresses
        self.bridges = [self._bridge(entry, index) for index, entry in enumerate(_entries(bridges, "bridges"))]
        self.links = [self._link(entry, index) for index, entry in enumerate(_entries(links, "links"))]
        listed = [self._namespace(entry, index) for index, entry in enumerate(_entries(namespaces, "namespaces"))]
        self._add_uplinks(namespaces)
        self._order_namespaces(listed)
        self.forwards = []
        for index, entry in enumerate(_entries(forwards, "forwards")):
            self.forwards.append(self._forward(entry, index))
        self._check_names()
        self._check_bridges_referenced()
        self._check_segments()
        self.placement = Placement(self, host, fleet)

    @classmethod
    def from_params(cls, params):
        """The topology a netns_topology task describes: the preset's expansion, then the lists given."""
        description = merge(params.get("preset"), params.get("namespaces"), params.get("bridges"), params.get("links"))
        topology = cls(description["namespaces"], description["bridges"], description["links"], params.get("state"),
                       params.get("when_busy"), params.get("name", "default"), bool(params.get("prune")),
                       bool(params.get("verify")), bool(params.get("persistent")), params.get("host"),
                       params.get("fleet"), params.get("link_defaults"), params.get("profile"),
                       params.get("forwards"), params.get("uplink_range"), bool(params.get("force")),
                       bool(params.get("rollback")))
        topology.placement.require_fleet()
        return topology

    def saved_form(self):
        """What is saved for the standalone command: the expanded description and how to apply it."""
        saved = {"format": SAVED_FORMAT, "name": self.name, **self.description, "when_busy": self.when_busy,
                 "verify": self.verify}
        if self.placement.host is not None:  # this host's part of a fleet, with the underlay of its tunnels
            saved.update(host=self.placement.host, fleet=self.fleet)
        if self.profile is not None:
            saved["profile"] = self.profile
        if self.link_defaults_given:
            saved["link_defaults"] = self.link_defaults_given
        if self.description["forwards"]:
            saved["forwards"] = self.description["forwards"]
        if self.uplink_range is not None:
            saved["uplink_range"] = self.uplink_range
        return saved

    @classmethod
    def from_saved(cls, content, name, state=PRESENT):
        """The topology saved as `name`, validated as a task's description is."""
        where = f"saved description of topology {name!r}"
        _known_keys(content, SAVED_KEYS, where)
        if content.get("format") != SAVED_FORMAT or content.get("name") != name:
            raise ValidationError(f"{where}: format {content.get('format')!r} and name {content.get('name')!r} "
                                  f"must be {SAVED_FORMAT} and {name!r}")
        topology = _wrap(where, lambda: cls(content.get("namespaces"), content.get("bridges"), content.get("links"),
                                            state, content.get("when_busy"), name, verify=bool(content.get("verify")),
                                            persistent=True, host=content.get("host"), fleet=content.get("fleet"),
                                            link_defaults=content.get("link_defaults"),
                                            profile=content.get("profile"), forwards=content.get("forwards"),
                                            uplink_range=content.get("uplink_range")))
        _wrap(where, topology.placement.require_fleet)
        topology.from_saved_file = True
        return topology

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
                                       self.uplink_range or DEFAULT_UPLINK_RANGE)
        for interface_index, interface in enumerate(_entries(entry.get("interfaces"), f"{where} ({name}) interfaces")):
            interface_where = f"{where} ({name}) interfaces[{interface_index}]"
            params = {**interface, "netns": name, "state": self.state, "owner": self.owner, "force": self.force}
            model = _wrap(interface_where, host_interface, params)
            self.host_interfaces.append(model)
            self.host_interface_addresses[(name, model.name)] = tuple(
                _wrap(interface_where, validate.address_list, interface.get("addresses")))
        for route_index, route in enumerate(entry.get("routes") or []):
            route_where = f"{where} ({name}) routes[{route_index}]"
            _known_keys(route, ROUTE_KEYS, route_where)
            self.routes.append(_wrap(route_where, Route.from_params, {**route, "netns": name}))
        return namespace

    def _bridge(self, entry, index):
        where = f"bridges[{index}]"
        _known_keys(entry, BRIDGE_KEYS, where)
        bridge = _wrap(where, Bridge.from_params, {**entry, "ports": None, "state": self.state, "owner": self.owner,
                                                   "force": self.force})
        if entry.get("host") is not None:
            self.bridge_pins[(bridge.netns, bridge.name)] = _wrap(where, _host, entry["host"])
        self.bridge_addresses[(bridge.netns, bridge.name)] = tuple(
            _wrap(where, validate.address_list, entry.get("addresses"))
        )
        return bridge

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
            if settings:
                _wrap(end_where, EndSettings.from_params, settings, endpoint.name, endpoint.netns)
            ends.append(endpoint)
        link = Link(ends[0], ends[1], _wrap(where, validate.mtu, entry.get("mtu")), _wrap(where, validate.vni, entry.get("vni")),
                    default_mtu=self.link_defaults.get("mtu"))
        _wrap(where, Veth.from_params, self._veth_params(link))
        return link

    def _add_uplinks(self, namespaces):
        """Each uplink becomes a link to its router and the namespace's default routes through it.
        Uplinks whose addresses were not given move on to the next free subnet of the range when
        two land on the same one."""
        given = {entry["name"] for entry in namespaces or [] if isinstance(entry.get("uplink"), dict)
                 and entry["uplink"].get("addresses") is not None}
        uplink_range = self.uplink_range or DEFAULT_UPLINK_RANGE
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
                                  bridge=None, host=self.namespace_pins.get(name) if uplink.router is None else None,
                                  settings=dict(self.link_defaults))
            namespace_end = Endpoint(netns=name, name=uplink.inner, addresses=uplink.addresses, bridge=None,
                                     settings=dict(self.link_defaults))
            self.links.append(Link(router_end, namespace_end, None, default_mtu=self.link_defaults.get("mtu")))
            self.routes.extend(uplink.routes())

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

    def _veth_params(self, link):
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

    # checks across objects
    def _check_names(self):
        owners = {}
        for interface in self.host_interfaces:
            _claim(owners, interface.netns, interface.name, interface.target)
        for bridge in self.bridges:
            _claim(owners, bridge.netns, bridge.name, f"bridge {bridge.name}")
        for index, link in enumerate(self.links):
            for end in (link.a, link.b):
                # root-namespace endpoints of different hosts are different interfaces
                _claim(owners, end.netns, end.name, f"links[{index}] endpoint {end.label}", end.host)

    def _check_bridges_referenced(self):
        declared = {(bridge.netns, bridge.name) for bridge in self.bridges}
        for index, link in enumerate(self.links):
            for end in (link.a, link.b):
                if end.bridge is not None and (end.netns, end.bridge) not in declared:
                    raise ValidationError(
                        f"links[{index}] endpoint {end.label}: bridge {end.bridge!r} is not declared "
                        f"in {where_is(end.netns)}"
                    )

    def _check_segments(self):
        """No address twice in one namespace, no overlapping address on one segment."""
        by_namespace = {}
        for segment in self.segments():
            on_segment = {}
            for owner, address in segment:
                _claim_address(on_segment, owner, address, "on one segment")
                _claim_address(by_namespace.setdefault(owner[0], {}), owner, address, "in one namespace")

    def segments(self):
        """Each layer-2 segment as a list of ((netns, interface), address) pairs.

        A link is a segment of its two ends; ends on a bridge join the bridge's segment, which
        lists the bridge's own addresses first.
        """
        parent = {}

        def find(node):
            while parent.setdefault(node, node) != node:
                node = parent[node]
            return node

        members = {}
        for (netns, name), addresses in self.bridge_addresses.items():
            node = ("bridge", netns, name)
            find(node)
            members.setdefault(node, []).extend(((netns, name), address) for address in addresses)
        for link in self.links:
            nodes = []
            for end in (link.a, link.b):
                node = ("bridge", end.netns, end.bridge) if end.bridge is not None else ("link", id(link))
                nodes.append(node)
                members.setdefault(node, []).extend(((end.netns, end.name), address) for address in end.addresses)
            parent[find(nodes[0])] = find(nodes[1])
        grouped = {}
        for node, entries in members.items():
            grouped.setdefault(find(node), []).extend(entries)
        return list(grouped.values())

    def interface_names(self):
        """{(netns, interface)} of every link end and bridge the description names."""
        names = {(bridge.netns, bridge.name) for bridge in self.bridges}
        return names | {(end.netns, end.name) for link in self.links for end in (link.a, link.b)}

    # the single-object models of what this host builds (in a fleet: its part)
    def local_namespaces(self):
        return [namespace for name, namespace in self.namespaces.items()
                if self.placement.here(self.placement.namespace_host[name])]

    def local_bridges(self):
        return [bridge for bridge in self.bridges
                if self.placement.here(self.placement.bridge_host[(bridge.netns, bridge.name)])]

    def local_routes(self):
        return [route for route in self.routes if self.placement.here(self.placement.namespace_host[route.netns])]

    def veths(self):
        return [Veth.from_params({**self._veth_params(link), "mtu": self.placement.link_mtu[id(link)]})
                for link in self.links if self.placement.link_here(link)]

    def vxlans(self):
        """The tunnel ends this host builds for cross-host links, one per link that has an end here."""
        ends = []
        for tunnel in self.placement.tunnels:
            for end, other, host, other_host in ((tunnel.link.a, tunnel.link.b, *tunnel.hosts),
                                                 (tunnel.link.b, tunnel.link.a, *reversed(tunnel.hosts))):
                if host == self.placement.host:
                    local, remote = self.placement.fleet[host].address, self.placement.fleet[other_host].address
                    ends.append(Vxlan(name=end.name, vni=tunnel.vni, netns=end.netns, local=local, remotes=(remote,),
                                      mtu=tunnel.mtu, bridge=end.bridge, state=self.state, owner=self.owner))
        return ends

    def end_settings(self):
        """The settings of every link end this host builds: veth ends, and tunnel ends of cross-host links."""
        settings = []
        tunnel_mtus = {id(tunnel.link): tunnel.mtu for tunnel in self.placement.tunnels}
        for link in self.links:
            mtu = self.placement.link_mtu[id(link)] if self.placement.link_here(link) else tunnel_mtus.get(id(link))
            for end in (link.a, link.b):
                if end.settings and self._end_here(link, end):
                    end_settings = EndSettings.from_params(end.settings, end.name, end.netns, mtu)
                    if not end_settings.empty:
                        settings.append(end_settings)
        return settings

    def _end_here(self, link, end):
        """This host builds `end`: the whole link is here, or it is this host's end of a tunnel."""
        placement = self.placement
        return placement.link_here(link) or (placement.is_cross(link) and placement.end_host(end) == placement.host)

    def children(self):
        return [model for model in self.host_interfaces if isinstance(model, Child) and self._namespace_here(model.netns)]

    def moved_interfaces(self):
        return [model for model in self.host_interfaces
                if isinstance(model, MovedInterface) and self._namespace_here(model.netns)]

    def _namespace_here(self, netns):
        return self.placement.here(self.placement.namespace_host[netns])

    def local_uplinks(self):
        return [uplink for name, uplink in self.uplinks.items() if self._namespace_here(name)]

    def _local_uplinks_by_router(self):
        routers = {}
        for uplink in self.local_uplinks():
            routers.setdefault(uplink.router, []).append(uplink)
        return routers

    def firewalls(self):
        """The owned nftables table of each router of this host's uplinks."""
        return [Firewall(netns=router, owner=self.owner, topology=self.name, uplinks=tuple(uplinks),
                         forwards=tuple((forward, self.uplinks[forward.netns]) for forward in self.forwards
                                        if self.uplinks[forward.netns] in uplinks),
                         state=self.state)
                for router, uplinks in self._local_uplinks_by_router().items()]

    def recorded_sysctls(self):
        return [RecordedSysctls(netns=router, owner=self.owner, uplinks=tuple(uplinks), state=self.state)
                for router, uplinks in self._local_uplinks_by_router().items()]

    def address_sets(self):
        sets = []
        for link in self.links:
            for end in (link.a, link.b):
                if end.addresses and self._end_here(link, end):
                    sets.append(AddressSet(end.name, end.addresses, end.netns, nodad=True, force=self.force))
        for (netns, name), addresses in self.bridge_addresses.items():
            if addresses and self.placement.here(self.placement.bridge_host[(netns, name)]):
                sets.append(AddressSet(name, addresses, netns, nodad=True, force=self.force))
        for (netns, name), addresses in self.host_interface_addresses.items():
            if addresses and self._namespace_here(netns):
                sets.append(AddressSet(name, addresses, netns, nodad=True))
        return sets


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


def _claim(owners, netns, name, what, host=None):
    key = (host, netns, name)
    if key in owners:
        raise ValidationError(f"interface name {name!r} is used twice in {where_is(netns)}: by {owners[key]} and {what}")
    owners[key] = what


def _claim_address(seen, owner, address, where):
    other = seen.get(address.ip)
    if other is not None and other != owner:
        raise ValidationError(
            f"address {address.ip} is used twice {where}: by {interface_label(*other)} and {interface_label(*owner)}"
        )
    seen[address.ip] = owner
