# -*- coding: utf-8 -*-
# Copyright: linuxnet.netns contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Routes in the main table, IPv4 and IPv6. Private to linuxnet.netns.

A route is identified by its destination and metric, as the kernel does; another gateway or
interface for the same destination is corrected in place with a replace, never duplicated.
"""

from ansible_collections.linuxnet.netns.plugins.module_utils._errors import ValidationError
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
            plan.add(KIND, route.target, DELETE, _describe(view, route, current), None, lambda: _delete(view, route))
        return
    if route.interface is not None:
        view.require_link(route.netns, route.interface)
    _require_on_link(view, route)
    wanted = {
        "to": str(route.destination),
        "via": str(route.via) if route.via is not None else None,
        "interface": route.interface,
        "metric": route.effective_metric,
        "netns": route.netns,
    }
    before = _describe(view, route, current) if current is not None else None
    if before is not None and route.interface is None:
        before["interface"] = None  # the kernel picks the interface; only compare what was asked
    if before == wanted:
        return
    require_route_unguarded(view, route, "change" if before is not None else "add")
    action = CREATE if before is None else UPDATE
    plan.add(KIND, route.target, action, before, wanted, lambda: _replace(view, route),
             undo.route(route.netns, route.destination, route.effective_metric, before))


def _find(view, route):
    for current in view.ip.routes(route.netns):
        if current.dst == route.destination and current.metric == route.effective_metric:
            return current
    return None


def _describe(view, route, current):
    link = view.link_by_index(route.netns, current.oif) if current.oif is not None else None
    return {
        "to": str(current.dst),
        "via": str(current.gateway) if current.gateway is not None else None,
        "interface": link.name if link is not None else None,
        "metric": current.metric,
        "netns": route.netns,
    }


def _require_on_link(view, route):
    """The kernel refuses a gateway outside every connected network: say so before changing anything."""
    if route.via is None or (route.via.version == 6 and route.via.is_link_local):
        return
    networks = view.ip.connected_networks(route.netns, route.interface)
    if not any(route.via in network for network in networks):
        through = f"interface {route.interface!r}" if route.interface else "any interface"
        raise ValidationError(
            f"route to {route.destination} in {where(route.netns)}: gateway {route.via} is not on-link "
            f"(no address of {through} is in a network that contains it)"
        )


def _replace(view, route):
    view.ip.replace_route(route.netns, route.destination, route.via, route.interface, route.effective_metric)


def _delete(view, route):
    view.ip.delete_route(route.netns, route.destination, route.effective_metric)
