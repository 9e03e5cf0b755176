# -*- coding: utf-8 -*-
# Copyright: linuxnet.netns contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Addresses and routes as the kernel has them and as the plan so far leaves them, and the
changes to them. Private to linuxnet.netns.

Reached as ``view.ip``: a link's addresses and a namespace's routes are read on first use and
kept; each change here forgets what it changed, so the next read asks the kernel again.
"""

from ansible_collections.linuxnet.netns.plugins.module_utils._errors import AlreadyExists
from ansible_collections.linuxnet.netns.plugins.module_utils._kernel.netlink_plain import MAIN_TABLE


class IpView:
    def __init__(self, view):
        self._view = view
        self._addresses = {}  # netns -> {ifindex: [ipaddress interface]}
        self._planned = {}  # (netns, name): the addresses the plan leaves on it
        self._routes = {}  # netns -> [RouteRecord] of every table, from one dump
        self._main_routes = {}  # netns -> those of the main table
        self._rules = {}  # netns -> [RuleRecord]

    def addresses_of(self, netns, name):
        """The addresses (ipaddress interfaces) on `name`, as the plan so far leaves them."""
        if (netns, name) in self._planned:
            return self._planned[(netns, name)]
        if self._view.is_new_link(netns, name):
            return []
        return self.addresses_now(netns, name)

    def addresses_now(self, netns, name):
        """The addresses on `name` as the kernel has them, whatever the plan will change."""
        link = self._view.link(netns, name)
        if link is None:
            return []
        by_index = self._addresses.setdefault(netns, {})
        if link.index not in by_index:  # one link's addresses, filtered by the kernel: lo's are not decoded
            by_index[link.index] = [address.interface
                                    for address in self._view.kernel.netlink(netns).addresses(link.index)]
        return by_index[link.index]

    def fresh_addresses_of(self, netns, name):
        """The addresses on `name` read again now (for an undo step: a change may have made them)."""
        self._addresses.pop(netns, None)
        return self.addresses_of(netns, name)

    def expect_addresses(self, netns, name, addresses):
        self._planned[(netns, name)] = list(addresses)

    def connected_networks(self, netns, name=None):
        """Networks directly reachable in `netns` (through `name` only, when given), as planned."""
        names = [name] if name is not None else set(self._view.links(netns)) | self._view.new_links_in(netns)
        return [address.network for link in names for address in self.addresses_of(netns, link)]

    def routes(self, netns):
        """Unicast routes of the main table, the ones planners compare with."""
        if netns not in self._main_routes:
            main = [route for route in self.routes_of_every_table(netns) if route.table == MAIN_TABLE]
            if netns not in self._routes:  # a namespace not made yet: nothing to keep
                return main
            self._main_routes[netns] = main
        return self._main_routes[netns]

    def routes_in(self, netns, table):
        """Unicast routes of `table`."""
        if table == MAIN_TABLE:
            return self.routes(netns)
        return [route for route in self.routes_of_every_table(netns) if route.table == table]

    def routes_of_every_table(self, netns):
        """Unicast routes of every table (policy routing's too), as the kernel has them now."""
        if self._view.not_made_yet(netns):
            return []
        if netns not in self._routes:
            self._routes[netns] = self._view.kernel.netlink(netns).routes()
        return self._routes[netns]

    def forget(self, netns, index=None):
        """Forget the addresses of one link (by ifindex) or, without one, all of `netns` and its routes."""
        if index is not None:
            self._addresses.get(netns, {}).pop(index, None)
            return
        self._addresses.pop(netns, None)
        self._routes_changed(netns)

    # changes
    def change_addresses(self, netns, name, remove=(), add=(), nodad=False):
        """Remove, then add, addresses on `name`; one found there when added (a concurrent run) is fine."""
        session, index = self._view.kernel.netlink(netns), self._view.index_of(netns, name)
        for address in remove:
            session.delete_address(index, name, address)
        for address in add:
            try:
                session.add_address(index, name, address, nodad=nodad)
            except AlreadyExists:
                pass
        self._addresses.pop(netns, None)

    def replace_route(self, netns, destination, via, interface, metric, table=MAIN_TABLE, nexthops=()):
        """Add or replace the route to `destination` with `metric` in `table`; nexthops are
        ((via, interface name, weight), ...) of one multipath route."""
        oif = self._view.index_of(netns, interface) if interface is not None else None
        hops = tuple((hop_via, self._view.index_of(netns, name) if name is not None else None, weight)
                     for hop_via, name, weight in nexthops)
        self._view.kernel.netlink(netns).replace_route(destination, via, oif, metric, table, hops)
        self._routes_changed(netns)

    def delete_route(self, netns, destination, metric, missing_ok=False, table=MAIN_TABLE):
        self._view.kernel.netlink(netns).delete_route(destination, metric, missing_ok=missing_ok, table=table)
        self._routes_changed(netns)

    def rules(self, netns, fresh=False):
        """The namespace's policy routing rules that look up a table (none in a namespace not made yet)."""
        if fresh or netns not in self._rules:
            exists = self._view.namespace_exists_now(netns) if fresh else not self._view.is_new_namespace(netns)
            self._rules[netns] = self._view.kernel.netlink(netns).rules() if exists else []
        return self._rules[netns]

    def add_rule(self, netns, family, priority, source, destination, table):
        self._view.kernel.netlink(netns).add_rule(family, priority, source, destination, table)
        self._rules.pop(netns, None)

    def delete_rule(self, netns, record):
        self._view.kernel.netlink(netns).delete_rule(record)
        self._rules.pop(netns, None)

    def _routes_changed(self, netns):
        self._routes.pop(netns, None)
        self._main_routes.pop(netns, None)
