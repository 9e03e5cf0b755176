# -*- coding: utf-8 -*-
# Copyright: linuxnet.netns contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Namespaces: existence, loopback up, and per-namespace network sysctls. Private to linuxnet.netns."""

from ansible_collections.linuxnet.netns.plugins.module_utils._errors import ConflictError, NotFoundError
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.ownership import (
    joined,
    leave_alone,
    plan_owners,
    sharers,
    to_share,
)
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile import undo
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.plan import CREATE, DELETE, UPDATE
from ansible_collections.linuxnet.netns.plugins.module_utils._description.vocabulary import ABSENT, owners, without_owner

KIND = "netns"


def plan_namespace(view, namespace, plan):
    exists = view.namespace_exists(namespace.name)
    if namespace.state == ABSENT:
        if not exists:
            return
        current = view.namespace_owner(namespace.name) if namespace.owner is not None else None
        if namespace.owner is not None and namespace.owner not in owners(current):
            leave_alone(plan, namespace.target, namespace.owner)
        elif sharers(namespace.owner, current):  # another topology still has it: only this one's marker goes
            _plan_owners(view, namespace, plan, current, without_owner(current, namespace.owner))
        else:
            _plan_removal(view, namespace, plan)
        return
    if not exists:
        _require_known_sysctls(view, namespace.sysctls)
        view.expect_namespace_created(namespace.name)
        after = {"name": namespace.name, "loopback_up": True, "sysctls": dict(namespace.sysctls)}
        plan.add(KIND, namespace.target, CREATE, None, after, lambda: _create(view, namespace),
                 undo.created_namespace(namespace.name))
        return
    current = view.namespace_owner(namespace.name) if not view.is_new_namespace(namespace.name) else None
    if to_share(namespace.owner, current):
        _plan_owners(view, namespace, plan, current, joined(namespace.owner, current, namespace.target))
    before, after = _current_and_wanted(view, namespace)
    if before != after:
        plan.add(KIND, namespace.target, UPDATE, before, after, lambda: _update(view, namespace, before),
                 undo.sysctls(namespace.name, before["sysctls"]))


def _plan_owners(view, namespace, plan, before, after):
    plan_owners(plan, namespace.target, before, after, lambda: view.set_namespace_owners(namespace.name, after))


def _plan_removal(view, namespace, plan):
    """Remove the namespace, following its when_busy policy if processes still run inside it."""
    processes = view.outside.processes_in(namespace.name)
    if processes and namespace.when_busy == "fail":
        listed = ", ".join(f"{pid} ({command})" for pid, command in processes[:20])
        raise ConflictError(
            f"namespace {namespace.name!r} is in use by {len(processes)} process(es): {listed}; "
            f"set when_busy to 'detach' to remove its name and let it live on until they exit, "
            f"or to 'kill' to end them first"
        )
    before = {"name": namespace.name, "processes": [pid for pid, _command in processes]}

    def prepare():
        if namespace.when_busy == "kill":
            view.outside.kill_processes([pid for pid, _command in processes])

    view.expect_namespace_removed(namespace.name)
    plan.add(KIND, namespace.target, DELETE, before, None, prepare, batch=(view.namespace_removals, namespace.name))


def _current_and_wanted(view, namespace):
    current_sysctls = {key: view.outside.read_sysctl(namespace.name, key) for key in namespace.sysctls}
    before = {"name": namespace.name, "loopback_up": view.loopback_up(namespace.name), "sysctls": current_sysctls}
    after = {"name": namespace.name, "loopback_up": True, "sysctls": dict(namespace.sysctls)}
    return before, after


def _require_known_sysctls(view, sysctls):
    for key in sysctls:
        if not view.outside.sysctl_known(key):
            raise NotFoundError(f"sysctl {key} does not exist")


def _create(view, namespace):
    if not view.create_namespace(namespace.name, namespace.owner):
        _update(view, namespace, _current_and_wanted(view, namespace)[0])  # made by a concurrent run
        return
    _write_sysctls(view, namespace.name, namespace.sysctls)


def _update(view, namespace, before):
    if not before["loopback_up"]:
        view.bring_loopback_up(namespace.name)
    changed = {key: value for key, value in namespace.sysctls.items() if before["sysctls"].get(key) != value}
    _write_sysctls(view, namespace.name, changed)


def _write_sysctls(view, name, sysctls):
    for key, value in sysctls.items():
        view.outside.write_sysctl(name, key, value)
