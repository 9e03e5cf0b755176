# -*- coding: utf-8 -*-
# Copyright: linuxnet.netns contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A whole topology, planned in dependency order through the single-object reconcilers.
Private to linuxnet.netns.
"""

from ansible_collections.linuxnet.netns.plugins.module_utils.model import ABSENT
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
