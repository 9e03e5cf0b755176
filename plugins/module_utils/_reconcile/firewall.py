# -*- coding: utf-8 -*-
# Copyright: linuxnet.netns contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A topology's own nftables table in one namespace: made, corrected or removed whole, in one
transaction, never touching another table. Private to linuxnet.netns.

What the table should hold is asked of the kernel: the commands run in a throwaway namespace and
its listing is compared with the host's, so a re-run that finds the same table changes nothing.
The table is the owner's when its `owner` chain holds a rule commented with the owner's marker.
"""

import functools

from ansible_collections.linuxnet.netns.plugins.module_utils._errors import ConflictError, NotFoundError
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.lookups import uplink_egress
from ansible_collections.linuxnet.netns.plugins.module_utils._description.forwards import TABLE_FAMILY
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.ownership import leave_alone
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile import undo
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.plan import CREATE, DELETE, UPDATE
from ansible_collections.linuxnet.netns.plugins.module_utils._description.vocabulary import where

KIND = "nftables"


def plan_firewall(view, firewall, plan):
    exists = view.namespace_exists(firewall.netns) and not view.is_new_namespace(firewall.netns)
    if not firewall.wanted and not (exists and view.outside.nftables_available()):
        return
    if not view.outside.nftables_available():
        raise NotFoundError(f"{firewall.target}: nftables is not installed on this host (the python3-nftables "
                            f"binding or the nft command); the role installs it")
    current = view.outside.nftables_table(firewall.netns, TABLE_FAMILY, firewall.table) if exists else None
    if current is not None and not owned_by(current, firewall.owner):
        if firewall.wanted:
            raise ConflictError(f"{firewall.target} exists but was not made by {firewall.owner}: it is left "
                                f"alone; give the topology another name")
        leave_alone(plan, firewall.target, firewall.owner)
        return
    delete = [{"delete": {"table": {"family": TABLE_FAMILY, "name": firewall.table}}}] if current is not None else []
    if not firewall.wanted:
        if current is not None:
            plan.add(KIND, firewall.target, DELETE, _shown(current), None,
                     lambda: view.outside.apply_nftables(firewall.netns, delete))
        return
    if exists and not firewall.allow_host_network:
        _refuse_taken_ports(view, firewall)
    if exists:
        for warning in forwarding_blockers(view.outside.nftables_ruleset(firewall.netns), firewall.table):
            plan.warn(f"{firewall.target}: {warning}")
    commands = firewall.commands(functools.partial(uplink_egress, view))
    wanted = view.outside.nftables_canonical(commands, TABLE_FAMILY, firewall.table)
    if current == wanted:
        return
    plan.add(KIND, firewall.target, UPDATE if current is not None else CREATE, _shown(current), _shown(wanted),
             lambda: view.outside.apply_nftables(firewall.netns, delete + commands),
             undo.nftables(firewall.netns, TABLE_FAMILY, firewall.table, current))


def _refuse_taken_ports(view, firewall):
    """A forward of a port that a service of the router itself listens on would take that
    service's connections: the host's SSH, and with it Ansible, for port 22."""
    listening = view.outside.listening(firewall.netns)
    for forward, _uplink in firewall.forwards:
        for protocol, address, port in sorted(listening, key=str):
            if (protocol, port) != (forward.protocol, forward.port):
                continue
            if forward.address is None or address.is_unspecified or address == forward.address:
                raise ConflictError(
                    f"{firewall.target}: refusing to forward {forward.protocol} port {forward.port} "
                    f"({forward.label}): a service of {where(firewall.netns)} listens on "
                    f"{_endpoint(address, port)}, and the forward would take its connections; forward another "
                    f"port, or set allow_host_network: true to do it anyway")


def _endpoint(address, port):
    return f"[{address}]:{port}" if address.version == 6 else f"{address}:{port}"


def owned_by(listed, owner):
    return any(entry.get("rule", {}).get("chain") == "owner" and entry["rule"].get("comment") == owner
               for entry in listed)


def forwarding_blockers(ruleset, own_table):
    """What else on the host may drop the forwarded traffic of an uplink: firewalld's table, and
    forward hooks of other tables whose policy drops."""
    found = []
    for entry in ruleset:
        kind, body = next(iter(entry.items()))
        if kind == "table" and body.get("name") == "firewalld":
            found.append("firewalld manages this host's firewall and may drop the uplinks' forwarded traffic; "
                         "allow it in a firewalld policy")
        if kind == "chain" and body.get("table") != own_table and body.get("hook") == "forward" \
                and body.get("policy") == "drop":
            found.append(f"chain {body.get('name')} of table {body.get('family')} {body.get('table')} drops "
                         f"forwarded traffic by default; the uplinks' traffic passes only if it accepts it")
    return found


def _shown(listed):
    """A table as diff mode shows it: its rules, chain by chain, as the kernel lists them."""
    if listed is None:
        return None
    rules = {}
    for entry in listed:
        if "rule" in entry:
            rule = entry["rule"]
            rules.setdefault(rule["chain"], []).append({"comment": rule.get("comment"), "expr": rule.get("expr")})
    return {"rules": rules}
