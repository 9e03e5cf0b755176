# -*- coding: utf-8 -*-
# Copyright: linuxnet.netns contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The kernel's current state as the reconcilers see it. Private to linuxnet.netns.

What is read is cached: a namespace's links one at a time until something needs the whole list
(then one dump), a link's addresses, a namespace's routes, each on first use.
While a plan is being made, the view also records what the plan will create or remove,
so that later objects are planned against the state the earlier changes will leave.
During apply, whoever creates or deletes a link calls ``link_changed`` so that the next
lookup of that one name asks the kernel for it alone; a namespace is never dumped again
because one of its links changed (a hub with a thousand ports would be read a thousand times).

The view reaches the kernel only through its Kernel (see _kernel/kernel.py), and reconcilers
reach the kernel only through the view: reads come from its cache, changes go through the
kernel's doors that it hands out (netlink) or passes on (namespaces, loopback, sysctls).
"""

from ansible_collections.linuxnet.netns.plugins.module_utils._errors import ConflictError, NotFoundError
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.guard import protected_interfaces
from ansible_collections.linuxnet.netns.plugins.module_utils._kernel.namespaces import UNRECORDED
from ansible_collections.linuxnet.netns.plugins.module_utils._kernel.nftables import table_in
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.plan import Batch
from ansible_collections.linuxnet.netns.plugins.module_utils._description.vocabulary import LOOPBACK, where


class KernelView:
    def __init__(self, kernel):
        self.kernel = kernel
        self._links = {}
        self._addresses = {}
        self._routes = {}
        self._namespaces_to_create = set()
        self._namespaces_to_remove = set()
        self._links_to_create = set()  # (netns, name): created or recreated by the plan
        self._links_changed = set()  # (netns, name): changed during apply, to be read again
        self._all_namespaces = None
        self._processes = None
        self._by_index = {}  # netns -> {ifindex: LinkRecord}, built from the links when first asked
        self._asked_alone = {}  # netns not dumped -> {name or ifindex: LinkRecord or None}, see link()
        self._addresses_planned = {}  # (netns, name): the addresses the plan leaves on it
        self._protected = None
        self._rulesets = {}  # netns -> its nftables ruleset, as listed
        self.namespace_removals = Batch(self.remove_namespaces)  # namespaces a plan removes, back to back

    # namespaces
    def namespace_exists(self, netns):
        if netns is None or netns in self._namespaces_to_create:
            return True
        if netns in self._namespaces_to_remove:
            return False
        return self.kernel.namespace_exists(netns)

    def require_namespace(self, netns):
        if not self.namespace_exists(netns):
            raise NotFoundError(f"namespace {netns!r} does not exist")

    def expect_namespace_created(self, netns):
        self._namespaces_to_create.add(netns)

    def expect_namespace_removed(self, netns):
        self._namespaces_to_remove.add(netns)

    def all_namespaces(self):
        if self._all_namespaces is None:
            self._all_namespaces = self.kernel.namespace_names()
        return self._all_namespaces

    def processes_in(self, netns):
        """[(pid, command)] of the processes that run inside namespace `netns` now."""
        if self._processes is None:
            self._processes = self.kernel.processes_by_namespace()
        return self._processes.get(self.kernel.namespace_identity(netns), [])

    def is_new_namespace(self, netns):
        return netns in self._namespaces_to_create

    def create_namespace(self, netns, loopback_alias=None):
        """Create `netns` (lo up, marked with loopback_alias); False when it already existed."""
        return self.kernel.create_namespace(netns, loopback_alias)

    def remove_namespace(self, netns):
        self.remove_namespaces([netns], lambda _netns: None)

    def remove_namespaces(self, names, done):
        """Remove the namespaces back to back (see plan.Batch), calling done(name) after each."""
        for netns in names:
            self.namespace_removed(netns)
        self.kernel.remove_namespaces(names, done)

    def kill_processes(self, pids):
        self.kernel.kill_processes(pids)

    def netlink(self, netns):
        """The netlink session of `netns`, for the reconcilers' requests."""
        return self.kernel.netlink(netns)

    def socket(self, netns, family, kind, proto):
        return self.kernel.socket(netns, family, kind, proto)

    # saved descriptions (not cached: one file each, read at most once per run)
    def saved_description(self, name):
        return self.kernel.saved_description(name)

    def save_description(self, name, content):
        self.kernel.save_description(name, content)

    def remove_saved_description(self, name):
        self.kernel.remove_saved_description(name)

    def saved_names(self):
        return self.kernel.saved_names()

    def saved_path(self, name):
        return self.kernel.saved_path(name)

    def fresh(self):
        """A new view of the same kernel, for a second plan that must not see the first one's."""
        return KernelView(self.kernel)

    # sysctls
    def sysctl_known(self, key):
        return self.kernel.sysctl_known(key)

    def read_sysctl(self, netns, key):
        return self.kernel.read_sysctl(netns, key)

    def write_sysctl(self, netns, key, value):
        self.kernel.write_sysctl(netns, key, value)

    # links
    def links(self, netns):
        """{name: Link} as the kernel has them now ({} for a namespace the plan creates)."""
        if netns not in self._links:
            if self.is_new_namespace(netns) and not self.kernel.namespace_exists(netns):
                return {}
            self._links[netns] = {link.name: link for link in self.netlink(netns).links()}
            self._asked_alone.pop(netns, None)
        return self._links[netns]

    def link(self, netns, name):
        """The link `name` of `netns` as the kernel has it now, or None.

        Until something needs a namespace's whole list, its links are asked for one at a time and
        kept: a leaf of a star has its veth and lo, and lo (by ioctl) needs no netlink message.
        Decoding messages is most of a no-change run, and lo was a third of them.
        """
        if netns not in self._links:
            return self._link_alone(netns, name)
        links = self._links[netns]
        if (netns, name) in self._links_changed:
            self._links_changed.discard((netns, name))
            fresh = self.netlink(netns).link_named(name)
            if fresh is None:
                links.pop(name, None)
            else:
                links[name] = fresh
            self._by_index.pop(netns, None)
        return links.get(name)

    def _link_alone(self, netns, key):
        """A link of a namespace not dumped, by name or by ifindex, asked for alone once."""
        if self.is_new_namespace(netns) and not self.kernel.namespace_exists(netns):
            return None
        known = self._asked_alone.setdefault(netns, {})
        if key not in known:
            session = self.netlink(netns)
            found = session.link_named(key) if isinstance(key, str) else session.link_with_index(key)
            known[key] = found
            if found is not None:
                known[found.name] = known[found.index] = found
        return known[key]

    def link_changed(self, netns, name):
        self._links_changed.add((netns, name))
        self._asked_alone.pop(netns, None)  # by name or by index: an ifindex may now name another link

    def fresh_link(self, netns, name):
        """The link read again now, or None (also when its namespace is gone): for a link that a
        concurrent run, or an earlier change of this one, may have made or removed since it was read."""
        if not self.kernel.namespace_exists(netns):
            return None
        self.link_changed(netns, name)
        return self.link(netns, name)

    def loopback_up(self, netns):
        """From the namespace's link dump when there is one, else by ioctl (no netlink needed)."""
        if netns in self._links and (netns, LOOPBACK) not in self._links_changed:
            link = self._links[netns].get(LOOPBACK)
            return bool(link and link.up)
        return self.kernel.loopback_up(netns)

    def bring_loopback_up(self, netns):
        self.kernel.bring_loopback_up(netns)
        self.link_changed(netns, LOOPBACK)

    def namespace_owner(self, netns):
        """The marker of whoever made `netns` (None: unmarked, or no such namespace): from the record
        written when it was made, else from lo's alias, asked for alone when lo is not read yet."""
        if netns is None or not self.namespace_exists(netns) or not self.kernel.namespace_exists(netns):
            return None
        recorded = self.kernel.recorded_owner(netns)
        if recorded is not UNRECORDED:
            return recorded
        loopback = self.link(netns, LOOPBACK) if netns in self._links else self.netlink(netns).link_named(LOOPBACK)
        return loopback.alias if loopback is not None else None

    def link_by_index(self, netns, index):
        if netns not in self._links:
            return self._link_alone(netns, index)
        if netns not in self._by_index:
            self._by_index[netns] = {link.index: link for link in self.links(netns).values()}
        return self._by_index[netns].get(index)

    def expect_link_created(self, netns, name):
        self._links_to_create.add((netns, name))

    def is_new_link(self, netns, name):
        """The plan creates (or recreates) `name` in `netns`: what exists now says nothing of it."""
        return (netns, name) in self._links_to_create

    def link_will_exist(self, netns, name):
        return (netns, name) in self._links_to_create or self.link(netns, name) is not None

    def existing(self, netns, name, kind):
        """The link `name` in `netns` when there is one, None otherwise; another kind is an error."""
        if not self.namespace_exists(netns):
            return None
        link = self.link(netns, name)
        if link is not None and link.kind != kind:
            raise ConflictError(f"interface {name!r} in {where(netns)} is a {link.kind}, not a {kind}: "
                                f"it is left alone")
        return link

    def require_bridge(self, netns, name):
        """`name` in `netns` is a bridge, or will be once the plan has made it."""
        self.require_link(netns, name)
        link = self.link(netns, name)
        if link is not None and link.kind != "bridge":
            raise ConflictError(f"interface {name!r} in {where(netns)} is a {link.kind}, not a bridge")

    def require_link(self, netns, name):
        if not self.link_will_exist(netns, name):
            raise NotFoundError(f"interface {name!r} does not exist in {where(netns)}")

    def index_of(self, netns, name):
        link = self.link(netns, name)
        if link is None:
            raise NotFoundError(f"interface {name!r} does not exist in {where(netns)}")
        return link.index

    def namespace_removed(self, netns):
        self._links.pop(netns, None)
        self._by_index.pop(netns, None)
        self._asked_alone.pop(netns, None)
        self._addresses.pop(netns, None)
        self._routes.pop(netns, None)
        self._links_changed = {(ns, name) for ns, name in self._links_changed if ns != netns}

    def addresses_changed(self, netns):
        self._addresses.pop(netns, None)

    def routes_changed(self, netns):
        self._routes.pop(netns, None)

    # link settings beyond rtnetlink: offloads (ethtool) and queueing (traffic control)
    def features(self, netns, name):
        return self.kernel.ethtool(netns).features(name)

    def set_features(self, netns, name, wanted):
        self.kernel.ethtool(netns).set_features(name, wanted)

    def qdiscs(self, netns, name):
        return self.netlink(netns).qdiscs(self.index_of(netns, name), name)

    def qdisc_kind_known(self, kind):
        return self.kernel.qdisc_kind_known(kind)

    def link_kind_known(self, kind):
        return self.kernel.link_kind_known(kind)

    # the outside world: firewall tables, records of what was changed, the routers' egress
    def nftables_available(self):
        return self.kernel.nftables_available()

    def nftables_table(self, netns, family, name):
        """The listed objects of one table (without handles), or None when there is no such table."""
        return table_in(self.nftables_ruleset(netns), family, name)

    def nftables_ruleset(self, netns):
        """The namespace's whole ruleset, listed once per run (again after a change through the view)."""
        if netns not in self._rulesets:
            self._rulesets[netns] = self.kernel.nftables(netns).ruleset()
        return self._rulesets[netns]

    def nftables_canonical(self, commands, family, name):
        return self.kernel.nftables_canonical(commands, family, name)

    def apply_nftables(self, netns, commands):
        self._rulesets.pop(netns, None)
        self.kernel.nftables(netns).apply(commands)

    def record(self, kind, key):
        return self.kernel.record(kind, key)

    def write_record(self, kind, key, record):
        self.kernel.write_record(kind, key, record)

    def remove_record(self, kind, key):
        self.kernel.remove_record(kind, key)

    def record_lines(self, kind, key):
        return self.kernel.record_lines(kind, key)

    def append_record_line(self, kind, key, entry):
        self.kernel.append_record_line(kind, key, entry)

    def default_route_interface(self, netns, version):
        """The interface of the default route of `netns` for IP `version` (the lowest metric), or None."""
        defaults = [route for route in self.routes(netns)
                    if route.dst.prefixlen == 0 and route.dst.version == version and route.oif]
        if not defaults:
            return None
        link = self.link_by_index(netns, min(defaults, key=lambda route: route.metric or 0).oif)
        return link.name if link is not None else None

    def protected_interfaces(self):
        """The host interfaces the guard protects, read once per run (see _guard.py)."""
        if self._protected is None:
            self._protected = protected_interfaces(self, self.kernel.connection_address())
        return self._protected

    def uplink_egress(self, uplink):
        """The interface an uplink's traffic leaves its router by: the one named, else the one of
        the router's default route (IPv4's when the uplink has IPv4)."""
        if uplink.egress is not None:
            if not self.link_will_exist(uplink.router, uplink.egress):
                raise NotFoundError(f"{uplink.target}: egress interface {uplink.egress!r} does not exist in "
                                    f"{where(uplink.router)}")
            return uplink.egress
        for version in sorted({address.version for address in uplink.addresses}):
            name = self.default_route_interface(uplink.router, version)
            if name is not None:
                return name
        raise NotFoundError(f"{uplink.target}: {where(uplink.router)} has no default route to leave by; "
                            f"name the interface as the uplink's egress")

    # addresses and routes
    def addresses_of(self, netns, name):
        """The addresses (ipaddress interfaces) on `name`, as the plan so far leaves them."""
        if (netns, name) in self._addresses_planned:
            return self._addresses_planned[(netns, name)]
        if (netns, name) in self._links_to_create:
            return []
        link = self.link(netns, name)
        if link is None:
            return []
        by_index = self._addresses.setdefault(netns, {})
        if link.index not in by_index:  # one link's addresses, filtered by the kernel: lo's are not decoded
            by_index[link.index] = [address.interface for address in self.netlink(netns).addresses(link.index)]
        return by_index[link.index]

    def expect_addresses(self, netns, name, addresses):
        self._addresses_planned[(netns, name)] = list(addresses)

    def connected_networks(self, netns, name=None):
        """Networks directly reachable in `netns` (through `name` only, when given), as planned."""
        names = [name] if name is not None else set(self.links(netns)) | {
            link for ns, link in self._links_to_create if ns == netns
        }
        return [address.network for link in names for address in self.addresses_of(netns, link)]

    def routes(self, netns):
        if self.is_new_namespace(netns) and not self.kernel.namespace_exists(netns):
            return []
        if netns not in self._routes:
            self._routes[netns] = self.netlink(netns).routes()
        return self._routes[netns]

    # veth peers
    def peer_of(self, netns, link, hint=None):
        """(peer namespace, peer Link) of a veth end, or (None, None) when it cannot be found.

        Ifindexes repeat across namespaces, so a candidate namespace is confirmed by the
        namespace id under which `netns` knows it. `hint` is tried first.
        """
        if link.peer_nsid is None:
            return netns, self.link_by_index(netns, link.peer_index)
        own = self.netlink(netns)
        tried = set()
        for candidate in self._candidates(netns, hint):
            if candidate == netns or candidate in tried or not self.namespace_exists(candidate):
                continue
            tried.add(candidate)
            peer = self.link_by_index(candidate, link.peer_index)
            if not _is_peer(peer, link) and candidate == hint and self.kernel.namespace_exists(candidate):
                # The hint's links may have been read before `link` was, and the pair made since by a concurrent run.
                peer = self._fresh_link_with_index(candidate, link.peer_index)
            if not _is_peer(peer, link):
                continue
            if own.netnsid_of(self.netlink(candidate)) == link.peer_nsid:
                return candidate, peer
        return None, None

    def _fresh_link_with_index(self, netns, index):
        found = self.netlink(netns).link_with_index(index)
        if found is not None:
            self.link_changed(netns, found.name)  # the view reads it again when it is next asked for
        return found

    def parent_in_host(self, netns, link):
        """The host link a macvlan's or ipvlan's parent is (None when it is elsewhere, or gone)."""
        if link.parent_nsid is None or netns is None:
            return None
        parent = self.link_by_index(None, link.parent_index)
        if parent is None or self.netlink(netns).netnsid_of(self.netlink(None)) != link.parent_nsid:
            return None
        return parent

    def _candidates(self, netns, hint):
        """The hint first; every other namespace (listed once per run) only if the hint is wrong."""
        if hint != netns:
            yield hint
        yield None
        yield from self.all_namespaces()


def _is_peer(candidate, link):
    return candidate is not None and candidate.kind == "veth" and candidate.peer_index == link.index
