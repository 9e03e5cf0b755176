# -*- coding: utf-8 -*-
# Copyright: linuxnet.netns contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A whole topology, planned in dependency order through the single-object reconcilers.
Private to linuxnet.netns.
"""

from ansible_collections.linuxnet.netns.plugins.module_utils.model import ABSENT, Bridge, Namespace, Veth
from ansible_collections.linuxnet.netns.plugins.module_utils.reconcile.address import plan_addresses
from ansible_collections.linuxnet.netns.plugins.module_utils.reconcile.bridge import plan_bridge
from ansible_collections.linuxnet.netns.plugins.module_utils.reconcile.namespace import plan_namespace
from ansible_collections.linuxnet.netns.plugins.module_utils.reconcile.route import plan_route
from ansible_collections.linuxnet.netns.plugins.module_utils.reconcile.veth import plan_veth


def plan_topology(view, topology, plan):
    """Plan the whole topology in dependency order; nothing is applied here."""
    if topology.state == ABSENT:
        # Removing a namespace takes its links with it; only what lives in the host goes one by one.
        for veth in topology.veths():
            if veth.netns is None or veth.peer_netns is None:
                plan_veth(view, veth, plan)
        for bridge in topology.bridges:
            if bridge.netns is None:
                plan_bridge(view, bridge, plan)
        for namespace in topology.namespaces.values():
            plan_namespace(view, namespace, plan)
        return
    for namespace in topology.namespaces.values():
        plan_namespace(view, namespace, plan)
    for bridge in topology.bridges:
        plan_bridge(view, bridge, plan)
    for veth in topology.veths():
        plan_veth(view, veth, plan)
    for addresses in topology.address_sets():
        plan_addresses(view, addresses, plan)
    for route in topology.routes:
        plan_route(view, route, plan)


def plan_prune(view, topology, plan):
    """Remove what carries this topology's marker but is no longer described, and nothing else."""
    owner = topology.owner
    for name in view.all_namespaces():
        if name not in topology.namespaces and view.namespace_owned(name, owner):
            plan_namespace(view, Namespace(name=name, state=ABSENT, when_busy=topology.when_busy, owner=owner), plan)
    described = topology.interface_names()
    kept_namespaces = [None] + [name for name in topology.namespaces if not view.is_new_namespace(name)]
    handled = set()
    for netns in kept_namespaces:
        for link in list(view.links(netns).values()):
            if (netns, link.name) in described or (netns, link.name) in handled or link.alias != owner:
                continue
            if link.kind == "veth":
                peer_netns, peer = view.peer_of(netns, link)
                if peer is not None:
                    handled.add((peer_netns, peer.name))
                plan_veth(view, Veth(name=link.name, peer=None, netns=netns, state=ABSENT, owner=owner), plan)
            elif link.kind == "bridge":
                plan_bridge(view, Bridge(name=link.name, netns=netns, state=ABSENT, owner=owner), plan)
