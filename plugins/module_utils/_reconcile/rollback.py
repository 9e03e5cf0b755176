# -*- coding: utf-8 -*-
# Copyright: linuxnet.netns contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Rollback: a run with rollback journals each change's undo steps (undo.py) under /run before the
change runs; when the run fails, the steps run in reverse order and the journal goes. A run killed
midway leaves its journal, and the next run of the same topology finishes the rollback before it
plans. Private to linuxnet.netns.

Each step is carried out against the kernel as it is then, and a step whose object is already gone
(or already back) does nothing: a journaled change may not have run at all.
"""

import ipaddress

from ansible_collections.linuxnet.netns.plugins.module_utils._errors import NetnsError
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.host_interfaces import move_back

JOURNAL = "journal"


class Journal:
    """The undo steps of one topology's run, kept in memory and under /run."""

    def __init__(self, view, owner):
        self._view = view
        self._key = [owner]
        self.entries = view.outside.record_lines(JOURNAL, self._key)

    @property
    def pending(self):
        return bool(self.entries)

    def add(self, target, steps):
        entry = {"target": target, "steps": steps}
        self.entries.append(entry)
        self._view.outside.append_record_line(JOURNAL, self._key, entry)

    def clear(self):
        if self.entries:
            self._view.outside.remove_record(JOURNAL, self._key)
        self.entries = []

    def roll_back(self, view):
        """Undo every journaled change, last first; returns what was undone, what could not be, and why."""
        report = {"rolled_back": [], "not_undone": [], "rollback_errors": []}
        for entry in reversed(self.entries):
            if entry["steps"] is None:
                report["not_undone"].append(entry["target"])
                continue
            try:
                for step in entry["steps"]:
                    STEPS[step["op"]](view, step)
                report["rolled_back"].append(entry["target"])
            except (NetnsError, OSError) as exc:
                report["rollback_errors"].append(f"{entry['target']}: {exc}")
        self.clear()
        return report


def _remove_namespace(view, step):
    if view.namespace_exists_now(step["netns"]):
        view.outside.kill_processes([pid for pid, _command in view.outside.processes_in(step["netns"])])
        view.remove_namespace(step["netns"])


def _delete_link(view, step):
    if view.fresh_link(step["netns"], step["name"]) is not None:
        view.delete_link(step["netns"], step["name"])


def _addresses(view, step):
    netns, name = step["netns"], step["name"]
    if view.fresh_link(netns, name) is None:
        return
    wanted = [ipaddress.ip_interface(address) for address in step["addresses"]]
    current = [address for address in view.ip.fresh_addresses_of(netns, name)
               if not (address.version == 6 and address.ip.is_link_local)]
    view.ip.change_addresses(netns, name, remove=[address for address in current if address not in wanted],
                             add=[address for address in wanted if address not in current], nodad=True)


def _route(view, step):
    netns = step["netns"]
    if not view.namespace_exists_now(netns):
        return
    before, table = step["before"], step.get("table", 254)
    if before is None:
        view.ip.delete_route(netns, ipaddress.ip_network(step["to"]), step["metric"], missing_ok=True, table=table)
        return

    def interface(name):
        return name if name is not None and view.fresh_link(netns, name) is not None else None

    def address(value):
        return ipaddress.ip_address(value) if value else None

    nexthops = tuple((address(hop["via"]), interface(hop["interface"]), hop["weight"])
                     for hop in before.get("nexthops", ()))
    view.ip.replace_route(netns, ipaddress.ip_network(before["to"]), address(before.get("via")),
                          interface(before.get("interface")), before["metric"], table, nexthops)


def _rule(view, step):
    netns = step["netns"]
    if not view.namespace_exists_now(netns):
        return
    source, destination = (ipaddress.ip_network(step[key]) if step[key] else None for key in ("from", "to"))
    if step["made"]:
        for record in view.ip.rules(netns, fresh=True):
            if (record.family, record.source, record.destination, record.table) == (
                    step["family"], source, destination, step["table"]) and \
                    step["priority"] in (None, record.priority):
                view.ip.delete_rule(netns, record)
                return
        return
    view.ip.add_rule(netns, step["family"], step["priority"], source, destination, step["table"])


def _etc_file(view, step):
    if step["before"] is None:
        view.outside.remove_etc_file(step["netns"], step["name"])
    else:
        view.outside.write_etc_file(step["netns"], step["name"], step["before"])


def _sysctls(view, step):
    if not view.namespace_exists_now(step["netns"]):
        return
    for key, value in step["values"].items():
        try:
            view.outside.write_sysctl(step["netns"], key, value)
        except NetnsError:
            if view.outside.sysctl_known(key):
                raise  # a key whose interface is gone has nothing to put back


def _record(view, step):
    if step["content"] is None:
        view.outside.remove_record(step["kind"], step["key"])
    else:
        view.outside.write_record(step["kind"], step["key"], step["content"])


def _nftables(view, step):
    netns, family, table = step["netns"], step["family"], step["table"]
    if not view.namespace_exists_now(netns):
        return
    commands = []
    if view.outside.nftables_table(netns, family, table) is not None:
        commands.append({"delete": {"table": {"family": family, "name": table}}})
    commands += [{"add": entry} for entry in step["listing"] or []]
    if commands:
        view.outside.apply_nftables(netns, commands)


def _move_back(view, step):
    if view.fresh_link(step["netns"], step["name"]) is not None:
        move_back(view, step["netns"], step["name"], step["record"])


def _saved(view, step):
    if step["content"] is None:
        view.outside.remove_saved_description(step["name"])
    else:
        view.outside.save_description(step["name"], step["content"])


def _stop_service(view, step):
    view.outside.stop_service(step["key"])


STEPS = {
    "remove_namespace": _remove_namespace,
    "delete_link": _delete_link,
    "addresses": _addresses,
    "route": _route,
    "rule": _rule,
    "etc_file": _etc_file,
    "sysctls": _sysctls,
    "record": _record,
    "nftables": _nftables,
    "move_back": _move_back,
    "saved": _saved,
    "stop_service": _stop_service,
}
