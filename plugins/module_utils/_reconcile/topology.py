# -*- coding: utf-8 -*-
# Copyright: linuxnet.netns contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A whole topology, planned in dependency order through the single-object reconcilers.
Private to linuxnet.netns.

A new object kind gets one line in BUILD_ORDER (and in TEARDOWN when it lives in the host's own
namespace, since removing a namespace takes everything inside it along).
"""

from ansible_collections.linuxnet.netns.plugins.module_utils._description.model import Bridge, Namespace, Veth, Vxlan
from ansible_collections.linuxnet.netns.plugins.module_utils._description.host_interfaces import Child, MovedInterface
from ansible_collections.linuxnet.netns.plugins.module_utils._description.forwards import Firewall
from ansible_collections.linuxnet.netns.plugins.module_utils._description.sysctls import RecordedSysctls
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.ownership import namespace_marked, sharers
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.address import plan_addresses
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.bridge import plan_bridge
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.bridge_vlans import plan_port_vlans
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.firewall import plan_firewall
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.forwarding import RECORD as SYSCTLS_RECORD
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.forwarding import plan_recorded_sysctls
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.host_interfaces import RECORD as MOVED_RECORD
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.host_interfaces import plan_child, plan_moved
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.lookups import peer_of
from ansible_collections.linuxnet.netns.plugins.module_utils._description.etc_files import EtcFile
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.etc_files import plan_etc_file
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.namespace import plan_namespace
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile import policy_rules
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.policy_rules import plan_rule
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.route import ours, plan_route, plan_stale_route
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.saved import plan_saved
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.services import (
    plan_service,
    plan_services_gone,
    services_report,
)
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.settings import plan_end_settings
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.veth import plan_veth
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.vxlan import plan_vxlan
from ansible_collections.linuxnet.netns.plugins.module_utils._version import COLLECTION_VERSION
from ansible_collections.linuxnet.netns.plugins.module_utils._description.vocabulary import (
    ABSENT,
    CHILD_MODES,
    ETC_FILES,
    PRESENT,
    owners,
)
from ansible_collections.linuxnet.netns.plugins.module_utils._description.checks import interface_names

# (objects of the topology, their planner), in the order they are built.
BUILD_ORDER = (
    (lambda topology: [topology], plan_services_gone),
    (lambda topology: topology.local.namespaces(), plan_namespace),
    (lambda topology: topology.local.bridges(), plan_bridge),
    (lambda topology: topology.local.veths(), plan_veth),
    (lambda topology: topology.local.vxlans(), plan_vxlan),
    (lambda topology: topology.local.moved_interfaces(), plan_moved),
    (lambda topology: topology.local.children(), plan_child),
    (lambda topology: topology.local.recorded_sysctls(), plan_recorded_sysctls),
    (lambda topology: topology.local.firewalls(), plan_firewall),
    (lambda topology: topology.local.end_settings(), plan_end_settings),
    (lambda topology: topology.local.port_vlans(), plan_port_vlans),
    (lambda topology: topology.local.address_sets(), plan_addresses),
    (lambda topology: topology.local.routes(), plan_route),
    (lambda topology: topology.local.rules(), plan_rule),
    (lambda topology: topology.local.etc_files(), plan_etc_file),
    (lambda topology: topology.local.services(), plan_service),  # once their namespace's links are up
    (lambda topology: [topology], plan_saved),
)

# Removal: what lives in the host goes one by one, then the namespaces with everything inside.
TEARDOWN = (
    (lambda topology: [topology], plan_services_gone),  # before their namespaces: never counted as busy
    (lambda topology: topology.local.firewalls(), plan_firewall),
    (lambda topology: topology.local.recorded_sysctls(), plan_recorded_sysctls),
    (lambda topology: topology.local.moved_interfaces(), plan_moved),  # back to the host before its namespace goes
    (lambda topology: [veth for veth in topology.local.veths() if veth.netns is None or veth.peer_netns is None], plan_veth),
    (lambda topology: [bridge for bridge in topology.local.bridges() if bridge.netns is None], plan_bridge),
    (lambda topology: topology.local.etc_files(), plan_etc_file),
    (lambda topology: topology.local.namespaces(), plan_namespace),
    # after the namespaces: an end in a namespace being removed goes with it and is not read at all
    (lambda topology: topology.local.vxlans(), plan_vxlan),
    (lambda topology: [topology], plan_saved),
)


def plan_topology(view, topology, plan):
    """Plan the whole topology (and with prune, the removal of what it no longer describes).

    Nothing is applied here. Returns the result keys that summarise the plan.
    """
    for objects, planner in TEARDOWN if topology.state == ABSENT else BUILD_ORDER:
        for desired in objects(topology):
            planner(view, desired, plan)
    if topology.state == ABSENT:
        _plan_inside_shared(view, topology, plan)
    if topology.prune and topology.state == PRESENT:
        plan_prune(view, topology, plan)
    persistent = topology.persistent and topology.state == PRESENT
    saved_at = None
    if persistent:
        saved_at = {"path": view.outside.saved_path(topology.name), "version": COLLECTION_VERSION,
                    "needs_network": topology.local.needs_network()}
    return {**plan.by_action(), "kept": plan.kept, "saved": saved_at, "services": services_report(view, topology, plan)}


def _plan_inside_shared(view, topology, plan):
    """A namespace shared with another topology stays when this one goes: what this one made inside
    it (veth pairs, bridges) goes one by one, after the namespaces that do go."""
    shared = {namespace.name for namespace in topology.local.namespaces()
              if view.namespace_exists(namespace.name) and namespace_marked(view, namespace.name, topology.owner)}
    if not shared:
        return
    for veth in topology.local.veths():
        if veth.netns and veth.peer_netns and {veth.netns, veth.peer_netns} & shared:
            plan_veth(view, veth, plan)
    for bridge in topology.local.bridges():
        if bridge.netns in shared:
            plan_bridge(view, bridge, plan)


def plan_prune(view, topology, plan):
    """Remove what carries this topology's marker but is no longer described, and nothing else:
    moved interfaces go back to the host first; then the firewall tables and recorded sysctls of
    routers that route no uplink now; then the namespaces; then, in the namespaces kept and the
    host, the links (veths, bridges, vxlans, macvlans and ipvlans)."""
    owner = topology.owner
    pruned = [name for name in view.all_namespaces() if name not in topology.namespaces
              and namespace_marked(view, name, owner)]
    kept_namespaces = [None] + [namespace.name for namespace in topology.local.namespaces()
                                if not view.is_new_namespace(namespace.name)]
    _prune_moved(view, topology, kept_namespaces + pruned, plan)
    routers = {firewall.netns for firewall in topology.local.firewalls()}
    for netns in kept_namespaces:  # before the namespaces go: a sysctl put back may be of a link they take
        if netns not in routers and (netns is None or view.outside.record(SYSCTLS_RECORD, [owner, netns])):
            plan_firewall(view, Firewall(netns=netns, owner=owner, topology=topology.name, state=ABSENT), plan)
            plan_recorded_sysctls(view, RecordedSysctls(netns=netns, owner=owner, state=ABSENT), plan)
    for name in pruned:
        for file_name in ETC_FILES:
            plan_etc_file(view, EtcFile(name, file_name, topology.name), plan)
        plan_namespace(view, Namespace(name=name, state=ABSENT, when_busy=topology.when_busy, owner=owner), plan)
    _prune_routes(view, topology, kept_namespaces, plan)
    described, handled = interface_names(topology), set()
    for netns in kept_namespaces:
        for link in list(view.links(netns).values()):
            if (netns, link.name) in described or (netns, link.name) in handled or owner not in owners(link.alias):
                continue
            if link.kind == "veth":
                peer_netns, peer = peer_of(view, netns, link)
                if peer is not None:
                    handled.add((peer_netns, peer.name))
            removal = _removal(link, netns, owner)
            if removal is not None:
                planner, gone = removal
                planner(view, gone, plan)


def _prune_routes(view, topology, kept_namespaces, plan):
    """This collection's routes and rules (by their protocol) that the topology no longer names, in
    namespaces it alone owns: never the host's, nor those of a namespace another topology shares,
    nor anyone else's."""
    described = {(route.netns, route.table, route.destination, route.effective_metric)
                 for route in topology.local.routes()}
    for netns in kept_namespaces:
        if netns is None or sharers(topology.owner, view.namespace_owner(netns)):
            continue
        for record in view.ip.routes_of_every_table(netns):
            if ours(record) and (netns, record.table, record.dst, record.metric) not in described:
                plan_stale_route(view, netns, record, plan)
        rules_here = policy_rules.described_by([rule for rule in topology.local.rules() if rule.netns == netns])
        for record in view.ip.rules(netns):
            if policy_rules.ours(record) and not rules_here(record):
                policy_rules.plan_stale_rule(view, netns, record, plan)


def _removal(link, netns, owner):
    """(planner, the model of `link` with state absent), or None for a kind a topology does not make."""
    if link.kind == "veth":
        return plan_veth, Veth(name=link.name, peer=None, netns=netns, state=ABSENT, owner=owner)
    if link.kind == "bridge":
        return plan_bridge, Bridge(name=link.name, netns=netns, state=ABSENT, owner=owner)
    if link.kind == "vxlan":
        return plan_vxlan, Vxlan(name=link.name, vni=None, netns=netns, state=ABSENT, owner=owner)
    if link.kind in CHILD_MODES and netns is not None:
        return plan_child, Child(name=link.name, netns=netns, parent=None, kind=link.kind, state=ABSENT, owner=owner)
    return None


def _prune_moved(view, topology, namespaces, plan):
    """Host interfaces this topology moved (as its records say) and no longer describes go back."""
    described = {moved.name for moved in topology.local.moved_interfaces()}
    for owner, name in view.outside.record_keys(MOVED_RECORD):
        if owner != topology.owner or name in described:
            continue
        netns = next((netns for netns in namespaces if netns is not None and view.link(netns, name) is not None), None)
        if netns is not None:
            plan_moved(view, MovedInterface(name=name, netns=netns, state=ABSENT, owner=owner), plan)
