# -*- coding: utf-8 -*-
# Copyright: linuxnet.netns contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The saved description of a persistent topology: written when the topology is persistent and
present, removed otherwise. Private to linuxnet.netns.
"""

from ansible_collections.linuxnet.netns.plugins.module_utils._errors import NotFoundError, ValidationError
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile import undo
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.plan import CREATE, DELETE, UPDATE
from ansible_collections.linuxnet.netns.plugins.module_utils._description.topology import Topology
from ansible_collections.linuxnet.netns.plugins.module_utils._description.validate import file_safe_name
from ansible_collections.linuxnet.netns.plugins.module_utils._description.vocabulary import PRESENT

KIND = "saved"


def saved_topology(view, name, state=PRESENT):
    """The topology saved as `name`, validated; NotFoundError when nothing is saved under that name."""
    file_safe_name(name, "topology name")
    content = view.outside.saved_description(name)
    if content is None:
        raise NotFoundError(f"no saved description at {view.outside.saved_path(name)}")
    return Topology.from_saved(content, name, state)


def _guarded(view):
    """The host interfaces the guard protects now, by name: at boot, before the network is up, the
    command protects them as if it were (a description that moves one is refused then too)."""
    links = [view.link_by_index(None, index) for index in view.protected_interfaces()]
    names = sorted(link.name for link in links if link is not None)
    return {"guarded": names} if names else {}


def plan_saved(view, topology, plan):
    if topology.from_saved_file:
        return
    target = f"saved description {topology.name}"
    wanted = None
    if topology.persistent and topology.state == PRESENT:
        wanted = {**topology.saved_form(), **_guarded(view)}
    try:
        current = view.outside.saved_description(topology.name)
    except ValidationError as exc:  # unreadable: replaced or removed like any other difference
        current = {"unreadable": str(exc)}
    if current == wanted:
        return
    if wanted is None:
        plan.add(KIND, target, DELETE, current, None, lambda: view.outside.remove_saved_description(topology.name))
        return
    action = CREATE if current is None else UPDATE
    plan.add(KIND, target, action, current, wanted, lambda: view.outside.save_description(topology.name, wanted),
             undo.saved(topology.name, current if action == UPDATE else None))
