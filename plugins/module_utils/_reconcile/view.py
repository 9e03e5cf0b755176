# -*- coding: utf-8 -*-
# Copyright: linuxnet.netns contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The kernel's current state as the reconcilers see it. Private to linuxnet.netns.

What is read is cached: links (see link_cache.py), a link's addresses, a namespace's routes, each
on first use. While a plan is being made, the view also records what the plan will create or
remove, so that later objects are planned against the state the earlier changes will leave.
During apply, every change goes through the view's own verbs (the "changes" section below),
each of which forgets what it changed, so the next read asks the kernel again.

The view reaches the kernel only through its Kernel (see _kernel/kernel.py), and reconcilers
reach the kernel only through the view; what is not links, addresses or routes (sysctls,
nftables, records, saved descriptions) is ``view.outside`` (outside_view.py), and offloads,
qdiscs and a bridge port's VLANs are ``view.tuning`` (tuning_view.py).
"""

from ansible_collections.linuxnet.netns.plugins.module_utils._errors import ConflictError, NotFoundError
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.guard import protected_interfaces
from ansible_collections.linuxnet.netns.plugins.module_utils._kernel.namespaces import UNRECORDED
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.ip_view import IpView
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.link_cache import LinkCache
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.outside_view import OutsideView
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.plan import Batch
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.tuning_view import TuningView
from ansible_collections.linuxnet.netns.plugins.module_utils._description.vocabulary import LOOPBACK, where


class KernelView:
    def __init__(self, kernel):
        self.kernel = kernel
        self.outside = OutsideView(kernel)
        self.tuning = TuningView(self)
        self._links = LinkCache(kernel, self.not_made_yet)
        self.ip = IpView(self)
        self._namespaces_to_create = set()
        self._namespaces_to_remove = set()
        self._links_to_create = set()  # (netns, name): created or recreated by the plan
        self._all_namespaces = None
        self._protected = None
        self._assumed_protected = ()
        self.namespace_removals = Batch(self.remove_namespaces)  # namespaces a plan removes, back to back

    def fresh(self):
        """A new view of the same kernel, for a second plan that must not see the first one's."""
        return KernelView(self.kernel)

    # namespaces
    def namespace_exists(self, netns):
        """As the plan so far leaves it."""
        if netns is None or netns in self._namespaces_to_create:
            return True
        if netns in self._namespaces_to_remove:
            return False
        return self.kernel.namespace_exists(netns)

    def namespace_exists_now(self, netns):
        """As the kernel has it now, whatever the plan says (for undo steps and concurrent runs)."""
        return self.kernel.namespace_exists(netns)

    def not_made_yet(self, netns):
        return netns in self._namespaces_to_create and not self.kernel.namespace_exists(netns)

    def require_namespace(self, netns):
        if not self.namespace_exists(netns):
            raise NotFoundError(f"namespace {netns!r} does not exist")

    def expect_namespace_created(self, netns):
        self._namespaces_to_create.add(netns)

    def expect_namespace_removed(self, netns):
        self._namespaces_to_remove.add(netns)

    def is_new_namespace(self, netns):
        return netns in self._namespaces_to_create

    def all_namespaces(self):
        if self._all_namespaces is None:
            self._all_namespaces = self.kernel.namespace_names()
        return self._all_namespaces

    def namespace_owner(self, netns):
        """The marker of whoever made `netns` (None: unmarked, or no such namespace): from the record
        written when it was made, else from lo's alias."""
        if netns is None or not self.namespace_exists(netns) or not self.kernel.namespace_exists(netns):
            return None
        recorded = self.kernel.recorded_owner(netns)
        if recorded is not UNRECORDED:
            return recorded
        loopback = self.link(netns, LOOPBACK)
        return loopback.alias if loopback is not None else None

    def netnsid(self, netns, other):
        """The id under which `netns` knows namespace `other`."""
        return self.kernel.netlink(netns).netnsid_of(self.kernel.netlink(other))

    def socket(self, netns, family, kind, proto):
        return self.kernel.socket(netns, family, kind, proto)

    # links, as the kernel has them now
    def links(self, netns):
        """{name: Link} ({} for a namespace the plan creates)."""
        return self._links.all(netns)

    def link(self, netns, name):
        """The link `name` of `netns`, or None."""
        return self._links.named(netns, name)

    def link_by_index(self, netns, index):
        return self._links.with_index(netns, index)

    def fresh_link(self, netns, name):
        """The link read again now, or None (also when its namespace is gone): for a link that a
        concurrent run, or an earlier change of this one, may have made or removed since it was read."""
        if not self.kernel.namespace_exists(netns):
            return None
        self._links.changed(netns, name)
        return self.link(netns, name)

    def fresh_link_with_index(self, netns, index):
        return self._links.fresh_with_index(netns, index)

    def loopback_up(self, netns):
        return self._links.loopback_up(netns)

    def index_of(self, netns, name):
        link = self.link(netns, name)
        if link is None:
            raise NotFoundError(f"interface {name!r} does not exist in {where(netns)}")
        return link.index

    def existing(self, netns, name, kind):
        """The link `name` in `netns` when there is one, None otherwise; another kind is an error."""
        if not self.namespace_exists(netns):
            return None
        link = self.link(netns, name)
        if link is not None and link.kind != kind:
            raise ConflictError(f"interface {name!r} in {where(netns)} is a {link.kind}, not a {kind}: "
                                f"it is left alone")
        return link

    def flood_remotes(self, netns, name):
        return self.kernel.netlink(netns).flood_remotes(self.index_of(netns, name), name)

    def link_kind_known(self, kind):
        return self.kernel.link_kind_known(kind)

    # links, as the plan so far leaves them
    def expect_link_created(self, netns, name):
        self._links_to_create.add((netns, name))

    def is_new_link(self, netns, name):
        """The plan creates (or recreates) `name` in `netns`: what exists now says nothing of it."""
        return (netns, name) in self._links_to_create

    def new_links_in(self, netns):
        return {name for ns, name in self._links_to_create if ns == netns}

    def link_will_exist(self, netns, name):
        if name == LOOPBACK and self.is_new_namespace(netns):  # every namespace has its lo
            return True
        return (netns, name) in self._links_to_create or self.link(netns, name) is not None

    def require_link(self, netns, name):
        if not self.link_will_exist(netns, name):
            raise NotFoundError(f"interface {name!r} does not exist in {where(netns)}")

    def require_bridge(self, netns, name):
        """`name` in `netns` is a bridge, or will be once the plan has made it."""
        self.require_link(netns, name)
        link = self.link(netns, name)
        if link is not None and link.kind != "bridge":
            raise ConflictError(f"interface {name!r} in {where(netns)} is a {link.kind}, not a bridge")

    def controller_address(self):
        """The address of the Ansible controller this module runs for (None when local)."""
        return self.kernel.connection_peer()

    def protected_interfaces(self):
        """The host interfaces the guard protects, read once per run (see guard.py)."""
        if self._protected is None:
            self._protected = protected_interfaces(self, self.kernel.connection_address(), self._assumed_protected)
        return self._protected

    def assume_protected(self, names):
        """Protect these host interfaces too, whatever they carry now (at boot, for a saved topology)."""
        self._assumed_protected, self._protected = tuple(names), None

    # changes: each forgets what it changed
    def create_namespace(self, netns, loopback_alias=None):
        """Create `netns` (lo up, marked with loopback_alias); False when it already existed."""
        return self.kernel.create_namespace(netns, loopback_alias)

    def remove_namespace(self, netns):
        self.remove_namespaces([netns], lambda _netns: None)

    def remove_namespaces(self, names, done):
        """Remove the namespaces back to back (see plan.Batch), calling done(name) after each."""
        for netns in names:
            self._links.forget(netns)
            self.ip.forget(netns)
        self.kernel.remove_namespaces(names, done)

    def set_namespace_owners(self, netns, alias):
        """Mark `netns` as made by the owners in `alias` (lo's alias, and the record under /run)."""
        self.set_link(netns, LOOPBACK, alias=alias)
        self.kernel.record_namespace_owner(netns, alias)

    def bring_loopback_up(self, netns):
        self.kernel.bring_loopback_up(netns)
        self._links.changed(netns, LOOPBACK)

    def add_bridge(self, netns, name, **options):
        self.kernel.netlink(netns).add_bridge(name, **options)
        self._links.changed(netns, name)

    def add_vxlan(self, netns, name, vni, port, underlay_interface=None, **options):
        underlay = self.index_of(netns, underlay_interface) if underlay_interface is not None else None
        self.kernel.netlink(netns).add_vxlan(name, vni, port, underlay=underlay, **options)
        self._links.changed(netns, name)

    def add_veth(self, netns, name, peer_netns, peer, **options):
        """Both ends are forgotten, also when the kernel refuses (a concurrent run may have made them)."""
        try:
            self.kernel.netlink(netns).add_veth(name, peer, self.kernel.netlink(peer_netns), **options)
        finally:
            self._links.changed(netns, name)
            self._links.changed(peer_netns, peer)

    def add_child(self, netns, name, kind, parent, mode, **options):
        """A macvlan or ipvlan on host interface `parent`, made in the host and moved into `netns`."""
        self.kernel.netlink(None).add_child(name, kind, self.index_of(None, parent), mode,
                                            self.kernel.netlink(netns), **options)
        self._links.changed(netns, name)

    def set_link(self, netns, name, **changes):
        self.kernel.netlink(netns).set_link(self.index_of(netns, name), name, **changes)
        self._links.changed(netns, name)

    def set_vxlan(self, netns, name, **addresses):
        self.kernel.netlink(netns).set_vxlan(self.index_of(netns, name), name, **addresses)
        self._links.changed(netns, name)

    def change_flood_remotes(self, netns, name, remove=(), add=()):
        session, index = self.kernel.netlink(netns), self.index_of(netns, name)
        for remote in remove:
            session.delete_flood_remote(index, name, remote)
        for remote in add:
            session.add_flood_remote(index, name, remote)

    def move_link(self, netns, name, to_netns, new_name=None):
        self.kernel.netlink(netns).move_link(self.index_of(netns, name), name, self.kernel.netlink(to_netns),
                                             new_name=new_name)
        self._links.changed(netns, name)
        self._links.changed(to_netns, new_name or name)
        self.ip.forget(netns)
        self.ip.forget(to_netns)

    def delete_link(self, netns, name, peer=None):
        """`peer`: (netns, name) of a veth's other end, which goes with it."""
        index = self.index_of(netns, name)
        self.kernel.netlink(netns).delete_link(index, name)
        self._links.changed(netns, name)
        self.ip.forget(netns, index)
        if peer is not None:
            self._links.changed(*peer)
