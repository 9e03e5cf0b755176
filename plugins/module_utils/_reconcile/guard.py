# -*- coding: utf-8 -*-
# Copyright: linuxnet.netns contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The guard for the host's own network: the interfaces that carry a default route of the host
(in any routing table, policy routing's too) or the address of the current Ansible connection
are not moved, enslaved, re-addressed, taken over or removed, and the host's routes to its
gateways and to the Ansible controller are not changed, and no interface on the host or its LAN
takes an address the host or its gateway has, unless the task says allow_host_network (force,
deprecated, still passes for interfaces). Interfaces are compared by ifindex, so an alternative
name (altname) is the interface it names. Private to linuxnet.netns.
"""

from ansible_collections.linuxnet.netns.plugins.module_utils._errors import ConflictError
from ansible_collections.linuxnet.netns.plugins.module_utils._kernel.netlink_plain import MAIN_TABLE


def protected_interfaces(view, connection=None, assumed=()):
    """{ifindex of a host interface: what it carries that the host cannot lose}; `assumed`: names of
    interfaces protected as if they carried the default route (those it carried when saved)."""
    protected = {}
    for route in sorted(_default_routes(view), key=lambda route: (route.table != MAIN_TABLE, route.metric or 0)):
        if route.oif:
            table = "" if route.table == MAIN_TABLE else f" (routing table {route.table})"
            protected.setdefault(route.oif, f"the host's IPv{route.dst.version} default route{table}")
    if connection is not None:
        for link in view.links(None).values():
            if any(address.ip == connection for address in view.ip.addresses_now(None, link.name)):
                protected[link.index] = f"the address of the current Ansible connection ({connection})"
    for name in assumed:
        link = view.link(None, name)
        if link is not None:
            protected.setdefault(link.index, "the host's default route when the topology was saved")
    return protected


def _default_routes(view):
    return [route for route in view.ip.routes_of_every_table(None) if route.dst.prefixlen == 0]


def require_unguarded(view, plan, netns, name, action, wanted):
    """Refuse `action` (a verb phrase) on host interface `name` when the guard protects it, unless
    `wanted` (a model) says allow_host_network; force still passes, with a deprecation warning."""
    if netns is not None or wanted.allow_host_network:
        return
    link = view.link(None, name)
    reason = view.protected_interfaces().get(link.index) if link is not None else None
    if reason is None:
        return
    shown = f"{name!r}" if link.name == name else f"{name!r} (an alternative name of {link.name!r})"
    if wanted.force:
        plan.deprecate(f"force: true let the task {action} interface {shown}, which carries {reason}; passing "
                       f"the guard of the host's network with force is deprecated: set allow_host_network: true")
        return
    raise ConflictError(f"refusing to {action} interface {shown}: it carries {reason}, and the host could "
                        f"lose its network; set allow_host_network: true to do it anyway")


def require_route_unguarded(view, route, action):
    """Refuse `action` on a route of the host's that the host reaches a gateway of its default routes
    (or the Ansible controller) by: a default route itself, or one whose destination holds a gateway
    or the controller's address. Unless `route` (a model) says allow_host_network."""
    if route.netns is not None or route.allow_host_network:
        return
    reason = None
    if route.destination.prefixlen == 0:
        reason = f"it is the host's IPv{route.destination.version} default route"
    for address, what in _protected_addresses(view):
        if reason is None and address.version == route.destination.version and address in route.destination:
            reason = f"the host reaches {what} ({address}) by it"
    if reason is not None:
        raise ConflictError(f"refusing to {action} the host's route to {route.destination}: {reason}, and the host "
                            f"could lose its network; set allow_host_network: true to do it anyway")


def require_unclaimed(view, wanted, addresses):
    """Refuse to give an interface on the host (or on the host's LAN: a macvlan, an ipvlan, a moved
    interface) an address that another interface of the host has, or that is the gateway of one
    of its default routes: two hosts answering for one address is a collision on the LAN."""
    if wanted.allow_host_network or not addresses:
        return
    taken = {gateway: "the gateway of the host's default route" for gateway in _gateways(view)}
    for link in view.links(None).values():
        if wanted.netns is None and link.name == wanted.interface:
            continue
        for address in view.ip.addresses_now(None, link.name):
            taken.setdefault(address.ip, f"the host's own address on {link.name!r}")
    for address in addresses:
        if address.ip in taken:
            raise ConflictError(f"{wanted.target}: refusing to add {address}: {address.ip} is {taken[address.ip]}, "
                                f"and two interfaces answering for it would collide; set allow_host_network: true "
                                f"to do it anyway")


def _gateways(view):
    return [route.gateway for route in _default_routes(view) if route.gateway]


def _protected_addresses(view):
    found = [(gateway, "the gateway of its default route") for gateway in _gateways(view)]
    controller = view.controller_address()
    if controller is not None:
        found.append((controller, "the Ansible controller"))
    return found
