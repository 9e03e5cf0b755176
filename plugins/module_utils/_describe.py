# -*- coding: utf-8 -*-
# Copyright: linuxnet.netns contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Read-only description of namespaces, shaped for use in later tasks (netns_info).
Private to linuxnet.netns.
"""

import socket

from ansible_collections.linuxnet.netns.plugins.module_utils import _validate as validate
from ansible_collections.linuxnet.netns.plugins.module_utils._errors import NetnsError
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.plan import Plan
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.saved import saved_topology
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.topology import plan_topology
from ansible_collections.linuxnet.netns.plugins.module_utils._vocabulary import FORWARDING_SYSCTLS

_PROTOCOLS = {2: "kernel", 3: "boot", 4: "static", 16: "dhcp", 186: "bgp", 188: "ospf"}


def read_namespaces(view, params):
    """netns_info's result: the namespaces named in `names` (default: all), the host's on request,
    and the persistent topologies saved on the host."""
    names = namespace_names(view, [validate.netns_name(name) for name in params.get("names") or []])
    result = {"names": names, "namespaces": {name: describe(view, name) for name in names}}
    if params.get("include_host"):
        result["host"] = describe(view, None)
    result["topologies"] = {name: saved_state(view, name) for name in view.saved_names()}
    return result


def saved_state(view, name):
    """Whether the kernel matches the saved description of topology `name`, and if not, what differs."""
    entry = {"persistent": True, "path": view.saved_path(name)}
    try:
        plan = Plan()
        plan_topology(view.fresh(), saved_topology(view, name), plan)
    except NetnsError as exc:
        return {**entry, "matches": False, "differences": [], "error": str(exc)}
    return {**entry, "matches": not plan.changed, "differences": plan.summary()}


def namespace_names(view, wanted=None):
    """The namespaces to describe: all of them, or the ones named (each must exist)."""
    if not wanted:
        return view.all_namespaces()
    for name in wanted:
        view.require_namespace(name)
    return list(dict.fromkeys(wanted))


def describe(view, netns):
    links = view.links(netns)
    by_index = {link.index: link for link in links.values()}
    interfaces = {}
    for link in sorted(links.values(), key=lambda link: link.index):
        interfaces[link.name] = _interface(view, netns, link, by_index)
    return {
        "name": netns,
        "interfaces": interfaces,
        "routes": [_route(route, by_index) for route in view.routes(netns)],
        "forwarding": {f"ipv{version}": view.read_sysctl(netns, key) == "1"
                       for version, key in FORWARDING_SYSCTLS.items()},
    }


def _interface(view, netns, link, by_index):
    master = by_index.get(link.master)
    entry = {
        "name": link.name,
        "index": link.index,
        "kind": link.kind,
        "up": link.up,
        "state": (link.operstate or "unknown").lower(),
        "mtu": link.mtu,
        "mac": link.mac,
        "addresses": [str(address) for address in view.addresses_of(netns, link.name)],
        "master": master.name if master is not None else None,
    }
    if link.kind == "veth":
        peer_netns, peer = view.peer_of(netns, link)
        entry["peer"] = {"name": peer.name, "netns": peer_netns} if peer is not None else None
    if link.kind == "bridge":
        entry["stp"] = link.stp
        entry["ports"] = sorted(port.name for port in by_index.values() if port.master == link.index)
    return entry


def _route(route, by_index):
    link = by_index.get(route.oif)
    return {
        "to": str(route.dst) if route.dst.prefixlen else "default",
        "via": str(route.gateway) if route.gateway is not None else None,
        "interface": link.name if link is not None else None,
        "metric": route.metric,
        "family": "ipv4" if route.family == socket.AF_INET else "ipv6",
        "protocol": _PROTOCOLS.get(route.proto, str(route.proto)),
    }
