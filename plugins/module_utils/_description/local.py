# -*- coding: utf-8 -*-
# Copyright: linuxnet.netns contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""This host's part of a topology as single-object models: what the planners build here (in a
fleet: the objects placed on this host, and the tunnel ends of its cross-host links). Pure
Python. Private to linuxnet.netns.
"""

from dataclasses import replace

from ansible_collections.linuxnet.netns.plugins.module_utils._description.checks import interface_addresses, interface_names
from ansible_collections.linuxnet.netns.plugins.module_utils._description.forwards import Firewall, local_forward_interfaces
from ansible_collections.linuxnet.netns.plugins.module_utils._description.host_interfaces import Child, MovedInterface
from ansible_collections.linuxnet.netns.plugins.module_utils._description.link_settings import EndSettings
from ansible_collections.linuxnet.netns.plugins.module_utils._description.model import AddressSet, Veth, Vxlan
from ansible_collections.linuxnet.netns.plugins.module_utils._description.sysctls import RecordedSysctls
from ansible_collections.linuxnet.netns.plugins.module_utils._description import etc_files
from ansible_collections.linuxnet.netns.plugins.module_utils._description.etc_files import EtcFile
from ansible_collections.linuxnet.netns.plugins.module_utils._description.vocabulary import LOOPBACK, PRESENT


class LocalPart:
    """The models of what this host builds, derived from the topology and its placement."""

    def __init__(self, topology):
        self._topology = topology
        self._placement = topology.placement

    def namespaces(self):
        return [namespace for name, namespace in self._topology.namespaces.items() if self._namespace_here(name)]

    def bridges(self):
        return [bridge for bridge in self._topology.bridges if self._bridge_here(bridge.netns, bridge.name)]

    def routes(self):
        """This host's routes, each knowing the tables of the others to its destination in its namespace."""
        routes = [route for route in self._topology.routes if self._namespace_here(route.netns)]
        tables = {}
        for route in routes:
            tables.setdefault((route.netns, route.destination), set()).add(route.table)
        routes = [replace(route, other_tables=tuple(sorted(tables[(route.netns, route.destination)] - {route.table})))
                  for route in routes]
        return routes + [route for uplink in self.uplinks() for route in uplink.return_routes(self._topology.state)]

    def etc_files(self):
        """Each namespace's resolv.conf and hosts here: the content described, or None (then one the
        topology wrote goes)."""
        topology = self._topology
        present = topology.state == PRESENT
        hosts = etc_files.hosts_file(topology.name, self._addresses_by_namespace()) if topology.hosts else None
        found = []
        for name in (namespace.name for namespace in self.namespaces()):
            dns = topology.dns.get(name) if present else None
            found.append(EtcFile(name, "resolv.conf", topology.name, dns and etc_files.resolv_conf(topology.name, dns)))
            found.append(EtcFile(name, "hosts", topology.name, hosts if present else None))
        return found

    def _addresses_by_namespace(self):
        """[(namespace, [address, ...])]: its loopback's first, then its ends', bridges' and uplink's."""
        topology = self._topology
        return [(topology.scope.hostname(name), list(dict.fromkeys(str(address.ip) for address in addresses)))
                for name, addresses in interface_addresses(topology).items() if name in topology.namespaces]

    def services(self):
        """This host's services, each knowing which of its namespace's /etc files the topology writes."""
        topology = self._topology
        written = {name: tuple(file_name for file_name, wanted in
                               (("resolv.conf", name in topology.dns), ("hosts", topology.hosts)) if wanted)
                   for name in topology.namespaces}
        return [replace(service, etc_files=written[service.netns]) for service in topology.services
                if self._namespace_here(service.netns)]

    def port_vlans(self):
        return [ports for ports in self._topology.port_vlans if self._bridge_here(ports.netns, ports.bridge)]

    def rules(self):
        return [rule for rule in self._topology.rules if self._namespace_here(rule.netns)]

    def veths(self):
        return [Veth.from_params({**self._topology.veth_params(link), "mtu": self._placement.link_mtu[link.key]})
                for link in self._topology.links if self._placement.link_here(link)]

    def vxlans(self):
        """The tunnel ends this host builds for cross-host links, one per link that has an end here."""
        topology, placement, ends = self._topology, self._placement, []
        for tunnel in placement.tunnels:
            for end, host, other_host in ((tunnel.link.a, *tunnel.hosts), (tunnel.link.b, *reversed(tunnel.hosts))):
                if host == placement.host:
                    local, remote = placement.fleet[host].address, placement.fleet[other_host].address
                    ends.append(Vxlan(name=end.name, vni=tunnel.vni, netns=end.netns, local=local, remotes=(remote,),
                                      mtu=tunnel.mtu, bridge=end.bridge, state=topology.state, owner=topology.owner))
        return ends

    def end_settings(self):
        """The settings of every link end this host builds: veth ends, and tunnel ends of cross-host links."""
        settings = []
        tunnel_mtus = {tunnel.link.key: tunnel.mtu for tunnel in self._placement.tunnels}
        for link in self._topology.links:
            mtu = self._placement.link_mtu[link.key] if self._placement.link_here(link) else tunnel_mtus.get(link.key)
            for end in (link.a, link.b):
                if end.settings and self._end_here(link, end):
                    end_settings = EndSettings.from_params(end.settings, end.name, end.netns, mtu)
                    if not end_settings.empty:
                        settings.append(end_settings)
        return settings

    def children(self):
        return [model for model in self._topology.host_interfaces
                if isinstance(model, Child) and self._namespace_here(model.netns)]

    def moved_interfaces(self):
        return [model for model in self._topology.host_interfaces
                if isinstance(model, MovedInterface) and self._namespace_here(model.netns)]

    def uplinks(self):
        return [uplink for name, uplink in self._topology.uplinks.items() if self._namespace_here(name)]

    def needs_network(self):
        """Whether this part needs the host's network up to be built and verified at boot: tunnels need
        their underlay, uplinks the host's default route."""
        return bool(self.vxlans() or self.uplinks())

    def firewalls(self):
        """The owned nftables table of each router of this host's uplinks."""
        topology = self._topology
        return [Firewall(netns=router, owner=topology.owner, topology=topology.name, uplinks=tuple(uplinks),
                         forwards=self._forwards_through(uplinks), state=topology.state,
                         allow_host_network=topology.guard_passes["allow_host_network"],
                         inside=tuple(sorted(name for netns, name in interface_names(topology) if netns == router)))
                for router, uplinks in self._uplinks_by_router().items()]

    def recorded_sysctls(self):
        topology = self._topology
        return [RecordedSysctls(netns=router, owner=topology.owner, uplinks=tuple(uplinks), state=topology.state,
                                localnet=local_forward_interfaces(self._forwards_through(uplinks)))
                for router, uplinks in self._uplinks_by_router().items()]

    def _forwards_through(self, uplinks):
        """(forward, its uplink) of the forwards to the namespaces of `uplinks`."""
        topology = self._topology
        return tuple((forward, topology.uplinks[forward.netns]) for forward in topology.forwards
                     if topology.uplinks[forward.netns] in uplinks)

    def address_sets(self):
        topology, sets = self._topology, []
        for link in topology.links:
            for end in (link.a, link.b):
                if end.addresses and self._end_here(link, end):
                    sets.append(AddressSet(end.name, end.addresses, end.netns, nodad=True, **topology.guard_passes))
        for (netns, name), addresses in topology.bridge_addresses.items():
            if addresses and self._bridge_here(netns, name):
                sets.append(AddressSet(name, addresses, netns, nodad=True, **topology.guard_passes))
        for netns, addresses in topology.loopback_addresses.items():
            if self._namespace_here(netns):
                sets.append(AddressSet(LOOPBACK, addresses, netns, nodad=True))
        for (netns, name), addresses in topology.host_interface_addresses.items():
            if addresses and self._namespace_here(netns):
                sets.append(AddressSet(name, addresses, netns, nodad=True, on_host_lan=True, **topology.guard_passes))
        return sets

    def _end_here(self, link, end):
        """This host builds `end`: the whole link is here, or it is this host's end of a tunnel."""
        placement = self._placement
        return placement.link_here(link) or (placement.is_cross(link) and placement.end_host(end) == placement.host)

    def _namespace_here(self, netns):
        return self._placement.here(self._placement.namespace_host[netns])

    def _bridge_here(self, netns, name):
        return self._placement.here(self._placement.bridge_host[(netns, name)])

    def _uplinks_by_router(self):
        routers = {}
        for uplink in self.uplinks():
            routers.setdefault(uplink.router, []).append(uplink)
        return routers
