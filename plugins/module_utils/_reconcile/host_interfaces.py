# -*- coding: utf-8 -*-
# Copyright: linuxnet.netns contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Host interfaces in namespaces: macvlan, ipvlan and VLAN children of a host interface, made straight
into their namespace, and host interfaces moved into one and back. Private to linuxnet.netns.

A moved interface loses its addresses on the way (the kernel drops them); what it had in the host
is recorded under /run before it moves, and put back when it returns.
"""

import ipaddress
import os

from ansible_collections.linuxnet.netns.plugins.module_utils._errors import ConflictError, NotFoundError
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.guard import require_unguarded
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.lookups import parent_in_host
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.ownership import removable
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile import undo
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.plan import CREATE, DELETE, RECREATE, UPDATE
from ansible_collections.linuxnet.netns.plugins.module_utils._description.vocabulary import ABSENT, child_mode_name, where

RECORD = "moved"


def plan_child(view, child, plan):
    if child.state == ABSENT:
        if view.namespace_exists(child.netns) and not view.is_new_namespace(child.netns):
            link = removable(view, plan, child, child.kind)
            if link is not None:
                plan.add(child.kind, child.target, DELETE, _described(view, child, link), None,
                         lambda: view.delete_link(child.netns, child.name))
        return
    if not view.link_kind_known(child.kind):
        if child.kind == "vlan":
            raise NotFoundError(f"{child.target}: this kernel ({os.uname().release}) has no 802.1Q VLAN support (it "
                                f"refused a vlan link in a throwaway namespace); nothing was changed")
        raise NotFoundError(f"{child.target}: this kernel has no {child.kind} link kind (asked by making one in a "
                            f"throwaway namespace); use a macvlan instead")
    view.require_namespace(child.netns)
    if not view.link_will_exist(None, child.parent):
        raise NotFoundError(f"{child.target}: parent interface {child.parent!r} does not exist in the host namespace")
    if child.kind == "macvlan" and child.mode == "passthru":
        require_unguarded(view, plan, None, child.parent, "take over (macvlan passthru)", child)
    wanted = {"kind": child.kind, "parent": child.parent, "mode": child.mode, "mac": child.mac, "mtu": child.mtu,
              **({"id": child.vlan_id} if child.vlan_id is not None else {})}
    link = view.existing(child.netns, child.name, child.kind) if not view.is_new_namespace(child.netns) else None
    if link is None:
        view.expect_link_created(child.netns, child.name)
        plan.add(child.kind, child.target, CREATE, None, wanted, lambda: _create(view, child),
                 undo.created_link(child.netns, child.name))
        return
    current = _described(view, child, link)
    if (current["parent"], current["mode"], current.get("id")) != (child.parent, child.mode, child.vlan_id):
        if not child.force:
            raise ConflictError(f"{child.target} exists with parent {current['parent']!r} and mode "
                                f"{current['mode']!r}, asked for parent {child.parent!r} and mode {child.mode!r}; "
                                f"set force: true to recreate it")
        view.expect_link_created(child.netns, child.name)
        plan.add(child.kind, child.target, RECREATE, current, wanted,
                 lambda: (view.delete_link(child.netns, child.name), _create(view, child)))
        return
    changes = {key: wanted[key] for key in ("mac", "mtu") if wanted[key] is not None and wanted[key] != current[key]}
    if changes:
        plan.add(child.kind, child.target, UPDATE, current, {**current, **changes},
                 lambda: view.set_link(child.netns, child.name, **changes))


def _described(view, child, link):
    parent = parent_in_host(view, child.netns, link)
    described = {"kind": link.kind, "parent": parent.name if parent is not None else None,
                 "mode": child_mode_name(link.kind, link.mode), "mac": link.mac, "mtu": link.mtu}
    return {**described, "id": link.vlan_id} if link.kind == "vlan" else described


def _create(view, child):
    view.add_child(child.netns, child.name, child.kind, child.parent, child.mode_number, mac=child.mac, mtu=child.mtu,
                   vlan_id=child.vlan_id)
    if child.owner is not None:
        view.set_link(child.netns, child.name, alias=child.owner)


def plan_moved(view, moved, plan):
    key = [moved.owner, moved.name]
    inside = None
    if view.namespace_exists(moved.netns) and not view.is_new_namespace(moved.netns):
        inside = view.link(moved.netns, moved.name)
    if moved.state == ABSENT:
        if inside is not None:
            record = view.outside.record(RECORD, key) or {}
            plan.add("moved", moved.target, DELETE, {"netns": moved.netns}, {"netns": None, **record},
                     lambda: _move_back(view, moved, record, key))
        return
    view.require_namespace(moved.netns)
    if inside is not None:
        return
    link = view.link(None, moved.name)
    if link is None:
        raise NotFoundError(f"{moved.target}: interface {moved.name!r} is neither in {where(moved.netns)} nor in the "
                            f"host namespace")
    require_unguarded(view, plan, None, moved.name, "move into a namespace", moved)
    record = {"addresses": [str(address) for address in view.ip.addresses_of(None, moved.name)
                            if not (address.version == 6 and address.ip.is_link_local)], "up": link.up}
    view.expect_link_created(moved.netns, moved.name)
    plan.add("moved", moved.target, CREATE, {"netns": None, **record}, {"netns": moved.netns},
             lambda: _move_in(view, moved, record, key), undo.moved(moved.netns, moved.name, record))


def _move_in(view, moved, record, key):
    view.outside.write_record(RECORD, key, record)
    view.move_link(None, moved.name, moved.netns)
    view.set_link(moved.netns, moved.name, up=True)


def _move_back(view, moved, record, key):
    move_back(view, moved.netns, moved.name, record)
    view.outside.remove_record(RECORD, key)


def move_back(view, netns, name, record):
    """Move `name` from `netns` back to the host, with the addresses and state `record` kept."""
    view.move_link(netns, name, None)
    addresses = [ipaddress.ip_interface(address) for address in record.get("addresses", [])]
    view.ip.change_addresses(None, name, add=addresses)
    if record.get("up"):
        view.set_link(None, name, up=True)
