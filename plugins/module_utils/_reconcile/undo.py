# -*- coding: utf-8 -*-
# Copyright: linuxnet.netns contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""How to undo a planned change, written as data: a run with rollback journals these steps under
/run before each change, so that the steps outlive a killed run. Each planner says how its change
is undone; _reconcile/rollback.py carries the steps out. Private to linuxnet.netns.

Only what a run makes or changes is undone: a removal (or a recreation) has no step, and is
reported as not undone.
"""


def created_namespace(netns):
    return [{"op": "remove_namespace", "netns": netns}]


def created_link(netns, name):
    return [{"op": "delete_link", "netns": netns, "name": name}]


def addresses(netns, name, before):
    """Back to exactly the addresses `before` (strings), link-local ones aside."""
    return [{"op": "addresses", "netns": netns, "name": name, "addresses": list(before)}]


def route(netns, destination, metric, before, table=254):
    """Remove the route made, or put back the one it replaced or removed (before: a route as the
    planner describes it)."""
    return [{"op": "route", "netns": netns, "to": str(destination), "metric": metric, "table": table,
             "before": before}]


def rule(netns, family, priority, source, destination, table, made):
    """Remove the rule made, or put back the one removed."""
    return [{"op": "rule", "netns": netns, "family": family, "priority": priority, "table": table, "made": made,
             "from": str(source) if source is not None else None,
             "to": str(destination) if destination is not None else None}]


def etc_file(netns, name, before):
    """Back to the file as it was (None: no file)."""
    return [{"op": "etc_file", "netns": netns, "name": name, "before": before}]


def sysctls(netns, before):
    return [{"op": "sysctls", "netns": netns, "values": {key: value for key, value in before.items()
                                                         if value is not None}}]


def record(kind, key, content):
    return [{"op": "record", "kind": kind, "key": key, "content": content}]


def nftables(netns, family, table, listing):
    """Back to the table as listed before (None: no table)."""
    return [{"op": "nftables", "netns": netns, "family": family, "table": table, "listing": listing}]


def moved(netns, name, host_record):
    return [{"op": "move_back", "netns": netns, "name": name, "record": host_record}]


def saved(name, content):
    return [{"op": "saved", "name": name, "content": content}]


def service(key):
    """Stop the service the run started (one it restarted is not brought back as it was)."""
    return [{"op": "stop_service", "key": list(key)}]
