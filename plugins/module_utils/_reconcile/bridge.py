# -*- coding: utf-8 -*-
# Copyright: linuxnet.netns contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Bridges and their ports. Private to linuxnet.netns.

Removing a bridge leaves its ports' interfaces in place; the kernel only detaches them.
"""

from ansible_collections.linuxnet.netns.plugins.module_utils._errors import AlreadyExists, ConflictError
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.bridge_vlans import require_vlan_filtering
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.guard import require_unguarded
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.ownership import joined, plan_owners, removable, sharers, to_share
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile import undo
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.plan import CREATE, DELETE, UPDATE
from ansible_collections.linuxnet.netns.plugins.module_utils._description.vocabulary import (
    ABSENT,
    where,
    without_owner,
)

KIND = "bridge"


def plan_bridge(view, bridge, plan):
    if bridge.state == ABSENT:
        _plan_absent(view, bridge, plan)
        return
    view.require_namespace(bridge.netns)
    if bridge.vlan_filtering:
        require_vlan_filtering(view, bridge.target)
    for port in bridge.ports or ():
        view.require_link(bridge.netns, port)
    link = view.existing(bridge.netns, bridge.name, KIND)
    if link is not None and to_share(bridge.owner, link.alias):
        _plan_owners(view, bridge, plan, link.alias, joined(bridge.owner, link.alias, bridge.target))
    before = _describe(view, bridge, link) if link is not None else None
    after = _wanted(bridge, before)
    if before == after:
        return
    for port in set(after.get("ports") or ()) - set((before or {}).get("ports") or ()):
        if not view.is_new_link(bridge.netns, port):
            require_unguarded(view, plan, bridge.netns, port, f"enslave to bridge {bridge.name!r} the", bridge)
    if link is None:
        view.expect_link_created(bridge.netns, bridge.name)
        # A new bridge stays down until every port is on it: while it is up, each port that comes up
        # floods its IPv6 DAD and MLD packets to all the others, which makes building a star quadratic.
        plan.at_end(lambda: _bring_up(view, bridge))
    plan.add(KIND, bridge.target, CREATE if before is None else UPDATE, before, after,
             lambda: _apply(view, bridge, before, after),
             undo.created_link(bridge.netns, bridge.name) if before is None else None)


def _describe(view, bridge, link):
    ports = sorted(port.name for port in view.links(bridge.netns).values() if port.master == link.index)
    return {
        "name": bridge.name,
        "netns": bridge.netns,
        "up": link.up,
        "stp": link.stp,
        "mtu": link.mtu,
        "ports": ports,
        "vlan_filtering": bool(link.vlan_filtering),
    }


def _wanted(bridge, before):
    """The state asked for; what the request leaves open keeps its current value."""
    current = before or {"stp": False, "mtu": None, "ports": [], "vlan_filtering": False}
    ports = current["ports"]
    if bridge.ports is not None:
        kept = [port for port in ports if not bridge.exclusive_ports or port in bridge.ports]
        ports = sorted(set(kept) | set(bridge.ports))
    return {
        "name": bridge.name,
        "netns": bridge.netns,
        "up": True,
        "stp": current["stp"] if bridge.stp is None else bridge.stp,
        "mtu": current["mtu"] if bridge.mtu is None else bridge.mtu,
        "ports": ports,
        "vlan_filtering": current["vlan_filtering"] if bridge.vlan_filtering is None else bridge.vlan_filtering,
    }


def _apply(view, bridge, before, after):
    if before is None:
        try:
            view.add_bridge(bridge.netns, bridge.name, stp=bridge.stp, mtu=bridge.mtu, up=False,
                            vlan_filtering=bridge.vlan_filtering or None)
            made_here = True
        except AlreadyExists:
            made_here = False  # by a concurrent run: compare with it as it is
        made = view.fresh_link(bridge.netns, bridge.name)
        if made is None or made.kind != KIND:
            raise ConflictError(f"interface {bridge.name!r} in {where(bridge.netns)} appeared and is not a bridge")
        if made_here:
            before = {"stp": after["stp"], "mtu": after["mtu"], "ports": [], "vlan_filtering": after["vlan_filtering"]}
        else:  # its ports, attached by that run meanwhile, are kept as an existing bridge's are
            before = _describe(view, bridge, made)
            after = _wanted(bridge, before)
        before["up"] = True  # a new bridge comes up at the end of the run
    index = view.index_of(bridge.netns, bridge.name)
    changes = {}
    if not before["up"]:
        changes["up"] = True
    if before["mtu"] != after["mtu"]:
        changes["mtu"] = after["mtu"]
    if before["stp"] != after["stp"]:
        changes["stp"] = after["stp"]
    if before["vlan_filtering"] != after["vlan_filtering"]:
        changes["vlan_filtering"] = after["vlan_filtering"]
    if changes:
        view.set_link(bridge.netns, bridge.name, **changes)
    for port in sorted(set(before["ports"]) - set(after["ports"])):
        view.set_link(bridge.netns, port, master=0)
    for port in sorted(set(after["ports"]) - set(before["ports"])):
        view.set_link(bridge.netns, port, master=index)


def _plan_absent(view, bridge, plan):
    link = removable(view, plan, bridge, KIND)
    if link is None:
        return
    if sharers(bridge.owner, link.alias):  # another topology still has it: only this one's marker goes
        _plan_owners(view, bridge, plan, link.alias, without_owner(link.alias, bridge.owner))
        return
    require_unguarded(view, plan, bridge.netns, bridge.name, "remove", bridge)
    before = _describe(view, bridge, link)
    plan.add(KIND, bridge.target, DELETE, before, None, lambda: view.delete_link(bridge.netns, bridge.name))


def _plan_owners(view, bridge, plan, before, after):
    plan_owners(plan, bridge.target, before, after, lambda: view.set_link(bridge.netns, bridge.name, alias=after))


def _bring_up(view, bridge):
    view.set_link(bridge.netns, bridge.name, up=True, alias=bridge.owner)
