# -*- coding: utf-8 -*-
# Copyright: linuxnet.netns contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Policy routing rules of a namespace. A rule is found by what it selects (from, to), the table
it looks up and, when given, its priority; the rules made here carry this collection's protocol,
so that one left at a priority by an earlier description is known as ours and replaced, and
nobody else's rule is touched. Private to linuxnet.netns.
"""

import socket

from ansible_collections.linuxnet.netns.plugins.module_utils._kernel.netlink_plain import RTPROT_LINUXNET
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile import undo
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.plan import CREATE, DELETE
from ansible_collections.linuxnet.netns.plugins.module_utils._description.vocabulary import ABSENT, where

KIND = "rule"


def plan_rule(view, rule, plan):
    if rule.state == ABSENT and not view.namespace_exists(rule.netns):
        return
    view.require_namespace(rule.netns)
    current = view.ip.rules(rule.netns)
    matching = [record for record in current if _matches(record, rule)]
    if rule.state == ABSENT:
        for record in matching:
            if ours(record):
                plan_stale_rule(view, rule.netns, record, plan)
        return
    if matching:
        return
    family = _family(rule.version)
    plan.add(KIND, rule.target, CREATE, None, _describe_rule(rule),
             lambda: view.ip.add_rule(rule.netns, family, rule.priority, rule.source, rule.destination, rule.table),
             undo.rule(rule.netns, family, rule.priority, rule.source, rule.destination, rule.table, made=True))
    if rule.priority is not None:  # what an earlier description had at this priority
        for record in current:
            if record.priority == rule.priority and ours(record):
                plan_stale_rule(view, rule.netns, record, plan)


def plan_stale_rule(view, netns, record, plan):
    """Remove a rule this collection made (by its protocol)."""
    described = _describe_record(record)
    plan.add(KIND, f"rule {record.priority}: from {described['from']} to {described['to']} lookup {record.table} "
                   f"in {where(netns)}", DELETE, described, None, lambda: view.ip.delete_rule(netns, record),
             undo.rule(netns, record.family, record.priority, record.source, record.destination, record.table,
                       made=False))


def ours(record):
    return record.proto == RTPROT_LINUXNET


def described_by(rules):
    """A test of a kernel rule: is it one of `rules`?"""
    return lambda record: any(_matches(record, rule) for rule in rules)


def _matches(record, rule):
    return (record.family == _family(rule.version) and record.source == rule.source
            and record.destination == rule.destination and record.table == rule.table
            and (rule.priority is None or record.priority == rule.priority))


def _family(version):
    return socket.AF_INET6 if version == 6 else socket.AF_INET


def _describe_rule(rule):
    return {"from": str(rule.source or "all"), "to": str(rule.destination or "all"), "table": rule.table,
            "priority": rule.priority, "netns": rule.netns}


def _describe_record(record):
    return {"from": str(record.source or "all"), "to": str(record.destination or "all"), "table": record.table,
            "priority": record.priority}
