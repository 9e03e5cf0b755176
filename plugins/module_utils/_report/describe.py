# -*- coding: utf-8 -*-
# Copyright: linuxnet.netns contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Read-only description of namespaces, shaped for use in later tasks (netns_info).
Private to linuxnet.netns.
"""

import socket

from ansible_collections.linuxnet.netns.plugins.module_utils._description import validate
from ansible_collections.linuxnet.netns.plugins.module_utils._errors import NetnsError
from ansible_collections.linuxnet.netns.plugins.module_utils._description.forwards import TABLE_PREFIX
from ansible_collections.linuxnet.netns.plugins.module_utils._description.uplink import UPLINK_INNER_NAME
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.lookups import parent_in_host, peer_of
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.plan import Plan
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.saved import saved_topology
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.topology import plan_topology
from ansible_collections.linuxnet.netns.plugins.module_utils._description.vocabulary import (
    CHILD_MODES,
    FORWARDING_SYSCTLS,
    child_mode_name,
)

_PROTOCOLS = {2: "kernel", 3: "boot", 4: "static", 11: "zebra", 12: "bird", 16: "dhcp", 77: "linuxnet", 186: "bgp",
              188: "ospf"}


def read_namespaces(view, params):
    """netns_info's result: the namespaces named in `names` (default: all), the host's on request,
    and the persistent topologies saved on the host."""
    names = namespace_names(view, [validate.netns_name(name) for name in params.get("names") or []])
    result = {"names": names, "namespaces": {name: describe(view, name) for name in names}}
    if params.get("include_host"):
        result["host"] = describe(view, None)
    if view.outside.nftables_available():
        result["firewall"] = {"host": owned_tables(view.outside.nftables_ruleset(None))}
        for name in params.get("names") or []:  # named namespaces only: listing all of a large lab costs
            result["firewall"][name] = owned_tables(view.outside.nftables_ruleset(name))
    result["topologies"] = {name: saved_state(view, name) for name in view.outside.saved_names()}
    return result


def saved_state(view, name):
    """Whether the kernel matches the saved description of topology `name`, and if not, what differs."""
    entry = {"persistent": True, "path": view.outside.saved_path(name)}
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
        "routes": [_route(route, by_index) for route in view.ip.routes(netns)],
        "forwarding": {f"ipv{version}": view.outside.read_sysctl(netns, key) == "1"
                       for version, key in FORWARDING_SYSCTLS.items()},
        "uplink": _uplink(interfaces.get(UPLINK_INNER_NAME), view.ip.routes(netns)),
    }


def _uplink(interface, routes):
    """A namespace's uplink, as the collection makes it: a veth named `uplink` with the default routes."""
    if interface is None or interface["kind"] != "veth" or interface.get("peer") is None:
        return None
    gateways = [str(route.gateway) for route in routes if route.dst.prefixlen == 0 and route.gateway is not None]
    return {"router": interface["peer"]["netns"], "router_interface": interface["peer"]["name"],
            "addresses": interface["addresses"], "gateways": gateways}


def owned_tables(ruleset):
    """The collection's tables in one namespace's ruleset: their owner, the sources they masquerade
    out of which interface, and the ports they forward."""
    tables = {}
    for entry in ruleset:
        kind, body = next(iter(entry.items()))
        if kind == "table" and body.get("name", "").startswith(TABLE_PREFIX):
            tables[(body["family"], body["name"])] = {"family": body["family"], "owner": None, "masquerade": [],
                                                      "forwards": []}
        elif kind == "rule" and (body.get("family"), body.get("table")) in tables:
            _read_rule(tables[(body["family"], body["table"])], body)
    return {name: table for (_family, name), table in tables.items()}


def _read_rule(table, rule):
    matches = {_match_key(expression["match"]["left"]): expression["match"]["right"]
               for expression in rule.get("expr", []) if "match" in expression}
    if rule.get("chain") == "owner":
        table["owner"] = rule.get("comment")
    elif any("masquerade" in expression for expression in rule.get("expr", [])):
        source = matches.get("saddr", {})
        prefix = source.get("prefix", {}) if isinstance(source, dict) else {}
        table["masquerade"].append({"source": f"{prefix.get('addr')}/{prefix.get('len')}" if prefix else source,
                                    "egress": matches.get("oifname")})
    elif rule.get("chain") == "prerouting":
        for expression in rule.get("expr", []):
            if "dnat" in expression:
                table["forwards"].append({"protocol": _dport_protocol(rule), "port": matches.get("dport"),
                                          "address": matches.get("daddr"), "to_address": expression["dnat"].get("addr"),
                                          "to_port": expression["dnat"].get("port")})


def _dport_protocol(rule):
    for expression in rule.get("expr", []):
        payload = expression.get("match", {}).get("left", {}).get("payload", {})
        if payload.get("field") == "dport":
            return payload.get("protocol")
    return None


def _match_key(left):
    if "payload" in left:
        return left["payload"].get("field")
    if "meta" in left:
        return left["meta"].get("key")
    return None


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
        "addresses": [str(address) for address in view.ip.addresses_of(netns, link.name)],
        "master": master.name if master is not None else None,
    }
    if link.kind == "veth":
        peer_netns, peer = peer_of(view, netns, link)
        entry["peer"] = {"name": peer.name, "netns": peer_netns} if peer is not None else None
    if link.kind in CHILD_MODES:
        parent = parent_in_host(view, netns, link)
        entry["mode"] = child_mode_name(link.kind, link.mode)
        entry["parent"] = {"name": parent.name, "netns": None} if parent is not None else None
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
        "nexthops": [{"via": str(gateway) if gateway is not None else None,
                      "interface": by_index[oif].name if oif in by_index else None, "weight": weight}
                     for gateway, oif, weight in route.nexthops],
    }
