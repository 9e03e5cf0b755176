# -*- coding: utf-8 -*-
# Copyright: linuxnet.netns contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""veth pairs: one request creates both ends, each directly in its namespace. Private to linuxnet.netns."""

from ansible_collections.linuxnet.netns.plugins.module_utils._errors import AlreadyExists, ConflictError
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.guard import require_unguarded
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.lookups import peer_of
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.ownership import leave_alone, veth_marked
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile import undo
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.plan import (
    CREATE,
    DELETE,
    RECREATE,
    UPDATE,
)
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.settings import plan_end_settings
from ansible_collections.linuxnet.netns.plugins.module_utils._description.vocabulary import ABSENT, where

KIND = "veth"


def plan_veth_and_ends(view, request, plan):
    """A veth module task: the pair, then the settings of each end."""
    veth, ends = request
    plan_veth(view, veth, plan)
    for end in ends:
        plan_end_settings(view, end, plan)


def plan_veth(view, veth, plan):
    if veth.state == ABSENT:
        _plan_absent(view, veth, plan)
        return
    view.require_namespace(veth.netns)
    view.require_namespace(veth.peer_netns)
    for netns, bridge in ((veth.netns, veth.bridge), (veth.peer_netns, veth.peer_bridge)):
        if bridge is not None:
            view.require_bridge(netns, bridge)
    wanted = _wanted(veth)
    link = view.link(veth.netns, veth.name)
    if link is None and view.link(veth.peer_netns, veth.peer) is not None:
        link = view.fresh_link(veth.netns, veth.name)  # the peer may be this very pair, just made by a concurrent run
    if link is None:
        _plan_create(view, veth, wanted, plan)
        return
    current = _current(view, veth, link)
    problem = _mismatch(veth, link, current)
    if problem:
        if not veth.force:
            raise ConflictError(f"{problem}; set force: true to recreate it")
        require_unguarded(view, plan, veth.netns, veth.name, "recreate", veth)
        _plan_recreate(view, veth, current, wanted, plan)
        return
    if current != wanted:
        plan.add(KIND, veth.target, UPDATE, current, wanted, lambda: _update(view, veth, current))


def _wanted(veth):
    return {
        "name": veth.name,
        "netns": veth.netns,
        "peer": veth.peer,
        "peer_netns": veth.peer_netns,
        "mtu": veth.mtu,
        "peer_mtu": veth.mtu,
        "up": True,
        "peer_up": True,
        "bridge": veth.bridge,
        "peer_bridge": veth.peer_bridge,
        "queues": veth.queues,
        "peer_queues": veth.peer_queues,
    }


def _current(view, veth, link):
    """What exists under the name, in the shape of _wanted; MTUs only when the request sets one."""
    peer_netns, peer = peer_of(view, veth.netns, link, hint=veth.peer_netns) if link.kind == KIND else (None, None)
    state = {
        "name": link.name,
        "netns": veth.netns,
        "peer": peer.name if peer else None,
        "peer_netns": peer_netns if peer else None,
        "mtu": link.mtu if veth.mtu is not None else None,
        "peer_mtu": peer.mtu if peer and veth.mtu is not None else None,
        "up": link.up,
        "peer_up": peer.up if peer else None,
        "bridge": _master_name(view, veth.netns, link) if veth.bridge is not None else None,
        "peer_bridge": _master_name(view, peer_netns, peer) if peer and veth.peer_bridge is not None else None,
        "queues": link.tx_queues if veth.queues is not None else None,
        "peer_queues": peer.tx_queues if peer and veth.peer_queues is not None else None,
    }
    if link.kind != KIND:
        state["kind"] = link.kind
    return state


def _master_name(view, netns, link):
    master = view.link_by_index(netns, link.master) if link.master else None
    return master.name if master is not None else None


def _mismatch(veth, link, current):
    asked = f"asked for a veth {veth.name!r} in {where(veth.netns)} with peer {veth.peer!r} in {where(veth.peer_netns)}"
    if link.kind != KIND:
        return f"interface {veth.name!r} in {where(veth.netns)} is a {link.kind}, not a veth; {asked}"
    if current["peer"] is None:
        return f"veth {veth.name!r} in {where(veth.netns)} has a peer in a namespace not known here; {asked}"
    if current["peer"] != veth.peer or current["peer_netns"] != veth.peer_netns:
        return (
            f"veth {veth.name!r} in {where(veth.netns)} exists with peer {current['peer']!r} in "
            f"{where(current['peer_netns'])}; {asked}"
        )
    for end, prefix in ((veth.name, ""), (veth.peer, "peer_")):
        if current[prefix + "queues"] != getattr(veth, prefix + "queues"):
            return (f"veth end {end!r} has {current[prefix + 'queues']} queues, asked for "
                    f"{getattr(veth, prefix + 'queues')} (a link's queues are fixed when it is made)")
    return None


def _plan_create(view, veth, wanted, plan):
    taken = view.link(veth.peer_netns, veth.peer)
    if taken is not None:
        if not veth.force:
            raise ConflictError(
                f"cannot create veth {veth.name!r} in {where(veth.netns)}: its peer name {veth.peer!r} is already "
                f"taken by a {taken.kind} in {where(veth.peer_netns)}; set force: true to replace it"
            )
        before = {"name": taken.name, "netns": veth.peer_netns, "kind": taken.kind}
        _expect(view, veth)
        plan.add(KIND, veth.target, RECREATE, before, wanted,
                 lambda: (view.delete_link(veth.peer_netns, veth.peer), _create(view, veth)))
        return
    _expect(view, veth)
    plan.add(KIND, veth.target, CREATE, None, wanted, lambda: _create(view, veth), undo.created_link(veth.netns, veth.name))


def _plan_recreate(view, veth, current, wanted, plan):
    taken = view.link(veth.peer_netns, veth.peer)
    stale_peer = taken is not None and not (current["peer"] == veth.peer and current["peer_netns"] == veth.peer_netns)

    def recreate():
        view.delete_link(veth.netns, veth.name)
        if stale_peer and view.link(veth.peer_netns, veth.peer) is not None:
            view.delete_link(veth.peer_netns, veth.peer)
        _create(view, veth)

    _expect(view, veth)
    plan.add(KIND, veth.target, RECREATE, current, wanted, recreate)


def _expect(view, veth):
    view.expect_link_created(veth.netns, veth.name)
    view.expect_link_created(veth.peer_netns, veth.peer)


def _plan_absent(view, veth, plan):
    if not view.namespace_exists(veth.netns):
        return
    link, netns = view.existing(veth.netns, veth.name, KIND), veth.netns
    if link is None and veth.peer is not None:
        link, netns = view.existing(veth.peer_netns, veth.peer, KIND), veth.peer_netns
    if link is None:
        return
    peer_netns, peer = peer_of(view, netns, link, hint=veth.peer_netns if netns == veth.netns else veth.netns)
    if not veth_marked(view, veth.owner, (netns, link), (peer_netns, peer)):
        leave_alone(plan, veth.target, veth.owner)
        return
    require_unguarded(view, plan, netns, link.name, "remove", veth)
    if peer is not None:
        require_unguarded(view, plan, peer_netns, peer.name, "remove", veth)
    before = {"name": link.name, "netns": netns, "peer": peer.name if peer else None, "peer_netns": peer_netns}

    def delete():
        # Asked for afresh: a namespace this plan removed earlier may have taken the pair with it.
        if view.fresh_link(netns, link.name) is not None:
            view.delete_link(netns, link.name, peer=(peer_netns, peer.name) if peer is not None else None)

    plan.add(KIND, veth.target, DELETE, before, None, delete)


def _create(view, veth):
    master = view.index_of(veth.netns, veth.bridge) if veth.bridge is not None else None
    try:
        view.add_veth(veth.netns, veth.name, veth.peer_netns, veth.peer, mtu=veth.mtu, master=master,
                      queues=veth.queues, peer_queues=veth.peer_queues)
    except AlreadyExists:
        _require_made_concurrently(view, veth)
    # The kernel refuses to bring the peer up in the creating request; it is set up from its side.
    peer_master = view.index_of(veth.peer_netns, veth.peer_bridge) if veth.peer_bridge is not None else None
    view.set_link(veth.peer_netns, veth.peer, up=True, master=peer_master, alias=veth.owner)


def _require_made_concurrently(view, veth):
    """The pair appeared after we looked: fine if it is the very pair asked for (another run made it)."""
    view.link(veth.peer_netns, veth.peer)  # reads the peer afresh, so that peer_of can find it
    link = view.link(veth.netns, veth.name)
    current = _current(view, veth, link) if link is not None else None
    problem = "it is gone again" if current is None else _mismatch(veth, link, current)
    if problem:
        raise ConflictError(f"veth {veth.name!r} in {where(veth.netns)} appeared while this run made it, "
                            f"and it is not the pair asked for: {problem}")


def _update(view, veth, current):
    ends = ((veth.netns, veth.name, "", veth.bridge), (veth.peer_netns, veth.peer, "peer_", veth.peer_bridge))
    for netns, name, prefix, bridge in ends:
        changes = {}
        if not current[prefix + "up"]:
            changes["up"] = True
        if current[prefix + "mtu"] != veth.mtu:
            changes["mtu"] = veth.mtu
        if current[prefix + "bridge"] != bridge:
            changes["master"] = view.index_of(netns, bridge)
        if changes:
            view.set_link(netns, name, **changes)
