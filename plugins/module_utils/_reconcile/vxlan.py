# -*- coding: utf-8 -*-
# Copyright: linuxnet.netns contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""vxlan tunnels: made in the namespace the module runs in (the underlay), where their UDP socket
stays, then moved into their namespace under their name. Private to linuxnet.netns.

A device is made under a temporary name first, so that an interface of the same name in the
underlay namespace (an eth0, say) is no obstacle; it carries its owner's marker before it moves,
so that what a crash leaves behind in the underlay namespace can be found and removed.
"""

import secrets

from ansible_collections.linuxnet.netns.plugins.module_utils._errors import ConflictError
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.ownership import removable
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile import undo
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.plan import CREATE, DELETE, RECREATE, UPDATE
from ansible_collections.linuxnet.netns.plugins.module_utils._description.vocabulary import ABSENT, owners, where

KIND = "vxlan"
TEMPORARY_PREFIX = "lnvx"
ENCAPSULATION = {4: 50, 6: 70}  # outer IP, UDP, VXLAN and inner Ethernet headers


def plan_vxlan(view, vxlan, plan):
    for leftover in _leftovers(view, vxlan):
        plan.add(KIND, f"vxlan {leftover.name} in {where(None)}", DELETE, {"name": leftover.name, "netns": None},
                 None, lambda name=leftover.name: view.delete_link(None, name))
    if vxlan.state == ABSENT:
        _plan_absent(view, vxlan, plan)
        return
    view.require_namespace(vxlan.netns)
    if vxlan.underlay_interface is not None:
        view.require_link(None, vxlan.underlay_interface)
    if vxlan.bridge is not None:
        view.require_bridge(vxlan.netns, vxlan.bridge)
    wanted = _wanted(view, vxlan)
    link = view.existing(vxlan.netns, vxlan.name, KIND)
    if link is None:
        view.expect_link_created(vxlan.netns, vxlan.name)
        plan.add(KIND, vxlan.target, CREATE, None, wanted, lambda: _create(view, vxlan, wanted),
                 undo.created_link(vxlan.netns, vxlan.name))
        return
    current = _current(view, vxlan, link, wanted)
    fixed = [key for key in ("vni", "port", "learning") if current[key] != wanted[key]]
    if fixed:
        if not vxlan.force:
            raise ConflictError(
                f"vxlan {vxlan.name!r} in {where(vxlan.netns)} has {', '.join(f'{k} {current[k]}' for k in fixed)}; "
                f"asked for {', '.join(f'{k} {wanted[k]}' for k in fixed)}, which the kernel cannot change in place; "
                f"set force: true to recreate it"
            )
        view.expect_link_created(vxlan.netns, vxlan.name)
        plan.add(KIND, vxlan.target, RECREATE, current, wanted,
                 lambda: (view.delete_link(vxlan.netns, vxlan.name), _create(view, vxlan, wanted)))
    elif current != wanted:
        plan.add(KIND, vxlan.target, UPDATE, current, wanted, lambda: _update(view, vxlan, current, wanted))


def underlay_mtu(view, vxlan):
    """The MTU of the underlay interface: the one named, or the one holding the local address."""
    if vxlan.underlay_interface is not None:
        link = view.link(None, vxlan.underlay_interface)
        return link.mtu if link is not None else None
    if vxlan.local is None:
        return None
    for name, link in view.links(None).items():
        if any(address.ip == vxlan.local for address in view.ip.addresses_of(None, name)):
            return link.mtu
    return None


def tunnel_mtu(vxlan, underlay):
    """The MTU a tunnel gets: the one asked for, else the underlay's minus the encapsulation."""
    if vxlan.mtu is not None or underlay is None:
        return vxlan.mtu
    version = (vxlan.local or vxlan.remotes[0]).version
    return underlay - ENCAPSULATION[version]


def _wanted(view, vxlan):
    return {
        "name": vxlan.name,
        "netns": vxlan.netns,
        "vni": vxlan.vni,
        "port": vxlan.port,
        "learning": vxlan.learning,
        "local": str(vxlan.local) if vxlan.local is not None else None,
        "remotes": sorted(str(remote) for remote in vxlan.remotes),
        "mtu": tunnel_mtu(vxlan, underlay_mtu(view, vxlan)),
        "up": True,
        "bridge": vxlan.bridge,
    }


def _current(view, vxlan, link, wanted):
    """What exists, in the shape of _wanted; local, MTU and bridge only where the request sets them."""
    info = link.vxlan
    remotes = [info.remote] if info.remote is not None else []
    if not info.learning:
        remotes += view.flood_remotes(vxlan.netns, link.name)
    master = view.link_by_index(vxlan.netns, link.master) if link.master else None
    return {
        "name": link.name,
        "netns": vxlan.netns,
        "vni": info.vni,
        "port": info.port,
        "learning": info.learning,
        "local": str(info.local) if vxlan.local is not None and info.local is not None else None,
        "remotes": sorted(str(remote) for remote in remotes),
        "mtu": link.mtu if wanted["mtu"] is not None else None,
        "up": link.up,
        "bridge": master.name if vxlan.bridge is not None and master is not None else None,
    }


def _leftovers(view, vxlan):
    """Devices this owner made in the underlay namespace but did not move, because a run was killed."""
    if vxlan.netns is None or vxlan.owner is None:
        return []
    return [link for link in list(view.links(None).values())
            if link.kind == KIND and link.name.startswith(TEMPORARY_PREFIX) and vxlan.owner in owners(link.alias)
            and link.vxlan is not None and link.vxlan.vni == vxlan.vni]


def _plan_absent(view, vxlan, plan):
    link = removable(view, plan, vxlan, KIND)
    if link is None:
        return
    before = {"name": link.name, "netns": vxlan.netns, "vni": link.vxlan.vni if link.vxlan else None}
    plan.add(KIND, vxlan.target, DELETE, before, None, lambda: view.delete_link(vxlan.netns, vxlan.name))


def _create(view, vxlan, wanted):
    name = vxlan.name if vxlan.netns is None else TEMPORARY_PREFIX + secrets.token_hex(5)
    view.add_vxlan(None, name, vxlan.vni, vxlan.port, underlay_interface=vxlan.underlay_interface, local=vxlan.local,
                   remote=vxlan.remotes[0] if vxlan.learning else None, learning=vxlan.learning, mtu=wanted["mtu"])
    if vxlan.owner is not None:
        view.set_link(None, name, alias=vxlan.owner)
    if vxlan.netns is not None:
        view.move_link(None, name, vxlan.netns, new_name=vxlan.name)
    if not vxlan.learning:
        view.change_flood_remotes(vxlan.netns, vxlan.name, add=vxlan.remotes)
    master = view.index_of(vxlan.netns, vxlan.bridge) if vxlan.bridge is not None else None
    view.set_link(vxlan.netns, vxlan.name, up=True, master=master)


def _update(view, vxlan, current, wanted):
    addresses = {}
    if current["local"] != wanted["local"]:
        addresses["local"] = vxlan.local
    if vxlan.learning and current["remotes"] != wanted["remotes"]:
        addresses["remote"] = vxlan.remotes[0]
    if addresses:
        view.set_vxlan(vxlan.netns, vxlan.name, **addresses)
    if not vxlan.learning:
        view.change_flood_remotes(vxlan.netns, vxlan.name,
                                  remove=sorted(set(current["remotes"]) - set(wanted["remotes"])),
                                  add=sorted(set(wanted["remotes"]) - set(current["remotes"])))
    changes = {}
    if not current["up"]:
        changes["up"] = True
    if current["mtu"] != wanted["mtu"]:
        changes["mtu"] = wanted["mtu"]
    if current["bridge"] != wanted["bridge"]:
        changes["master"] = view.index_of(vxlan.netns, vxlan.bridge)
    if changes:
        view.set_link(vxlan.netns, vxlan.name, **changes)
