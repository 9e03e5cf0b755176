# -*- coding: utf-8 -*-
# Copyright: linuxnet.netns contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Routes of any table, IPv4 and IPv6, with one gateway or several (multipath). Private to linuxnet.netns.

The kernel keys a route by table, destination and metric: another gateway, interface or set of
nexthops for the same key is corrected in place with a replace, never duplicated. The routes made
here carry a protocol of their own (RTPROT_LINUXNET), so that a copy left by an earlier metric or
table is known as this collection's and removed, while an operator's route (static) or a routing
daemon's (bird, zebra) to the same destination is never touched.
"""

from ansible_collections.linuxnet.netns.plugins.module_utils._errors import ValidationError
from ansible_collections.linuxnet.netns.plugins.module_utils._kernel.netlink_plain import RTPROT_LINUXNET
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile import undo
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.guard import require_route_unguarded
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.plan import CREATE, DELETE, UPDATE
from ansible_collections.linuxnet.netns.plugins.module_utils._description.vocabulary import ABSENT, where

KIND = "route"


def plan_route(view, route, plan):
    if route.state == ABSENT and not view.namespace_exists(route.netns):
        return
    view.require_namespace(route.netns)
    current = _find(view, route)
    if route.state == ABSENT:
        if current is not None:
            require_route_unguarded(view, route, "delete")
            plan.add(KIND, route.target, DELETE, describe(view, route.netns, current), None,
                     lambda: view.ip.delete_route(route.netns, route.destination, route.effective_metric,
                                                  table=route.table))
        return
    for interface in {route.interface, *(hop.interface for hop in route.nexthops)} - {None}:
        view.require_link(route.netns, interface)
    for via, interface in [(route.via, route.interface)] + [(hop.via, hop.interface) for hop in route.nexthops]:
        _require_on_link(view, route, via, interface)
    wanted = _wanted(route)
    before = _as_asked(route, describe(view, route.netns, current)) if current is not None else None
    if before != wanted:
        require_route_unguarded(view, route, "change" if before is not None else "add")
        action = CREATE if before is None else UPDATE
        plan.add(KIND, route.target, action, before, wanted, lambda: _replace(view, route),
                 undo.route(route.netns, route.destination, route.effective_metric, before, route.table))
    for stale in _stale_copies(view, route, current):
        plan_stale_route(view, route.netns, stale, plan)


def plan_stale_route(view, netns, record, plan):
    """Remove a route this collection made (by its protocol) that no description names any more."""
    before = describe(view, netns, record)
    table = "" if record.table == 254 else f" (table {record.table})"
    metric = f" metric {record.metric}" if record.metric else ""
    plan.add(KIND, f"route {record.dst}{table}{metric} in {where(netns)}", DELETE, before, None,
             lambda: view.ip.delete_route(netns, record.dst, record.metric, missing_ok=True, table=record.table),
             undo.route(netns, record.dst, record.metric, before, record.table))


def describe(view, netns, record):
    """A kernel route as the plan and the diff show it."""
    described = {"to": str(record.dst), "via": str(record.gateway) if record.gateway is not None else None,
                 "interface": _name(view, netns, record.oif), "metric": record.metric, "netns": netns}
    if record.table != 254:
        described["table"] = record.table
    if record.nexthops:
        described["nexthops"] = [{"via": str(gateway) if gateway is not None else None,
                                  "interface": _name(view, netns, oif), "weight": weight}
                                 for gateway, oif, weight in record.nexthops]
    return described


def ours(record):
    return record.proto == RTPROT_LINUXNET


def _wanted(route):
    wanted = {"to": str(route.destination), "via": str(route.via) if route.via is not None else None,
              "interface": route.interface, "metric": route.effective_metric, "netns": route.netns}
    if route.table != 254:
        wanted["table"] = route.table
    if route.nexthops:
        wanted["nexthops"] = [{"via": str(hop.via) if hop.via is not None else None, "interface": hop.interface,
                               "weight": hop.weight} for hop in route.nexthops]
    return wanted


def _as_asked(route, before):
    """The kernel's route with what the description leaves to the kernel (the interface a gateway is
    reached by) taken out, so that only what was asked is compared."""
    if route.interface is None:
        before["interface"] = None
    asked = {(hop.via and str(hop.via)): hop.interface for hop in route.nexthops}
    for hop in before.get("nexthops", ()):
        if hop["via"] in asked and asked[hop["via"]] is None:
            hop["interface"] = None
    if route.nexthops and "nexthops" in before:
        before["nexthops"] = sorted(before["nexthops"], key=_hop_order(route))
    return before


def _hop_order(route):
    order = {(str(hop.via) if hop.via is not None else None, hop.interface): index
             for index, hop in enumerate(route.nexthops)}
    return lambda hop: order.get((hop["via"], hop["interface"]), len(order))


def _find(view, route):
    for current in view.ip.routes_in(route.netns, route.table):
        if current.dst == route.destination and current.metric == route.effective_metric:
            return current
    return None


def _stale_copies(view, route, current):
    """This collection's routes to the same destination under another metric (a metric changed) or,
    in a topology, in a table none of its routes to it names now (a table changed)."""
    tables = None if route.other_tables is None else {route.table, *route.other_tables}
    stale = []
    for record in view.ip.routes_of_every_table(route.netns):
        if record is current or record.dst != route.destination or not ours(record):
            continue
        if record.table == route.table and record.metric != route.effective_metric:
            stale.append(record)
        elif tables is not None and record.table not in tables:
            stale.append(record)
    return stale


def _name(view, netns, index):
    link = view.link_by_index(netns, index) if index else None
    return link.name if link is not None else None


def _require_on_link(view, route, via, interface):
    """The kernel refuses a gateway outside every connected network: say so before changing anything."""
    if via is None or (via.version == 6 and via.is_link_local):
        return
    networks = view.ip.connected_networks(route.netns, interface)
    if not any(via in network for network in networks):
        through = f"interface {interface!r}" if interface else "any interface"
        raise ValidationError(
            f"route to {route.destination} in {where(route.netns)}: gateway {via} is not on-link "
            f"(no address of {through} is in a network that contains it)"
        )


def _replace(view, route):
    view.ip.replace_route(route.netns, route.destination, route.via, route.interface, route.effective_metric,
                          route.table, tuple((hop.via, hop.interface, hop.weight) for hop in route.nexthops))
