# -*- coding: utf-8 -*-
# Copyright: linuxnet.netns contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Forwarding turned on in a router (the host, or a namespace) for a topology's uplinks: only on
the interfaces the traffic crosses, with what each sysctl was before recorded under /run before it
changes, and put back once no uplink needs it. Private to linuxnet.netns.

A value someone else changed since is theirs: it is not put back.
"""

import functools

from ansible_collections.linuxnet.netns.plugins.module_utils._errors import NotFoundError
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.lookups import uplink_egress
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile import undo
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.plan import CREATE, DELETE, UPDATE
from ansible_collections.linuxnet.netns.plugins.module_utils._description.vocabulary import ABSENT

KIND = "sysctls"
RECORD = "sysctls"


def plan_recorded_sysctls(view, desired, plan):
    key = [desired.owner, desired.netns]
    if desired.netns is not None and not view.namespace_exists(desired.netns):
        return
    new_namespace = view.is_new_namespace(desired.netns)
    record = (view.outside.record(RECORD, key) or {}) if not new_namespace else {}
    wanted = desired.values(functools.partial(uplink_egress, view)) if desired.state != ABSENT else {}
    current = {name: None if new_namespace else _read(view, desired.netns, name) for name in set(wanted) | set(record)}
    to_set = {name: value for name, value in wanted.items() if current[name] != value}
    to_restore = {name: previous for name, previous in record.items()
                  if name not in wanted and previous is not None and current[name] == "1"}
    kept = {name: record.get(name, current[name]) for name in wanted if name in record or name in to_set}
    if not to_set and not to_restore and kept == record:
        return
    before = {name: current[name] for name in {**to_set, **to_restore}}
    after = {**to_set, **to_restore}

    def run():
        view.outside.write_record(RECORD, key, {**record, **kept})
        for name, value in after.items():
            view.outside.write_sysctl(desired.netns, name, value)
        if kept:
            view.outside.write_record(RECORD, key, kept)
        else:
            view.outside.remove_record(RECORD, key)

    action = DELETE if not wanted else (CREATE if not record else UPDATE)
    plan.add(KIND, desired.target, action, before, after, run,
             undo.sysctls(desired.netns, before) + undo.record(RECORD, key, record or None))


def _read(view, netns, name):
    """The sysctl's value; None when its interface does not exist (yet, or any more)."""
    try:
        return view.outside.read_sysctl(netns, name)
    except NotFoundError:
        return None
