"""Baseline for any preset: a plain pyroute2 script that builds, reads back and removes the
expanded description (namespaces with forwarding and routes, veth pairs with addresses; no
bridges), the way a careful script would, with no reconciliation:

    python baseline_description.py build|check|teardown PRESET_JSON

Same technique, and the same helpers, as baseline_pyroute2.py (namespaces by unshare() in a
thread, sockets by setns() in a thread, one request per object). The preset is expanded with the
collection's preset code, so both build the very same objects; nothing else of the collection is
used.
"""
import ipaddress
import json
import os
import socket
import sys
from collections import OrderedDict

from baseline_pyroute2 import create, open_ns, remove

from ansible_collections.linuxnet.netns.plugins.module_utils._description.presets import expand


class Namespaces:
    """name -> (IPRoute, fd); at most OPEN_AT_ONCE held open (a process has a limited number of
    descriptors, and each open namespace holds five), the least recently used closed first."""

    OPEN_AT_ONCE = 1000

    def __init__(self):
        self.open = OrderedDict()

    def _keep(self, name, opened):
        self.open[name] = opened
        self.open.move_to_end(name)
        while len(self.open) > self.OPEN_AT_ONCE:
            _name, (ipr, fd) = self.open.popitem(last=False)
            ipr.close()
            os.close(fd)

    def create(self, name, forwarding):
        self._keep(name, create(name, forwarding))
        self.open[name][0].link("set", index=1, state="up")

    def get(self, name):
        if name not in self.open:
            self._keep(name, open_ns(name))
        self.open.move_to_end(name)
        return self.open[name]

    def close(self):
        for ipr, fd in self.open.values():
            ipr.close()
            os.close(fd)


def route_spec(route):
    to = route["to"]
    via = ipaddress.ip_address(route["via"])
    if to == "default":
        to = "0.0.0.0/0" if via.version == 4 else "::/0"
    network = ipaddress.ip_network(to)
    spec = {"dst": str(network.network_address), "dst_len": network.prefixlen, "gateway": str(via)}
    if via.version == 6:
        spec["family"] = socket.AF_INET6
    return spec


def build(description):
    spaces = Namespaces()
    for entry in description["namespaces"]:
        spaces.create(entry["name"], entry.get("forwarding"))
    for link in description["links"]:
        a, b = link["endpoints"]
        ipr_a, _fd = spaces.get(a["netns"])
        ipr_b, fd_b = spaces.get(b["netns"])
        ipr_a.link("add", ifname=a["name"], kind="veth", state="up", peer={"ifname": b["name"], "net_ns_fd": fd_b})
        index_b = ipr_b.link_lookup(ifname=b["name"])[0]
        ipr_b.link("set", index=index_b, state="up")
        index_a = ipr_a.link_lookup(ifname=a["name"])[0]
        for ipr, index, end in ((ipr_a, index_a, a), (ipr_b, index_b, b)):
            for address in end.get("addresses", []):
                interface = ipaddress.ip_interface(address)
                ipr.addr("add", index=index, address=str(interface.ip), prefixlen=interface.network.prefixlen)
    for entry in description["namespaces"]:
        ipr, _fd = spaces.get(entry["name"])
        for route in entry.get("routes", []):
            ipr.route("add", **route_spec(route))
    spaces.close()
    return True


def check(description):
    """Read every namespace once (links, addresses, routes) and compare; True when all is there.

    Like the module, it also confirms each pair's far end by the namespace id under which one end
    knows the other (ifindexes repeat across namespaces).
    """
    spaces = Namespaces()
    wanted_links, wanted_addresses, wanted_routes = {}, {}, {}
    for link in description["links"]:
        a, b = link["endpoints"]
        for end, other in ((a, b), (b, a)):
            wanted_links.setdefault(end["netns"], []).append((end["name"], other["netns"]))
            wanted_addresses.setdefault(end["netns"], set()).update(
                (end["name"], str(ipaddress.ip_interface(address).ip)) for address in end.get("addresses", []))
    for entry in description["namespaces"]:
        wanted_routes[entry["name"]] = [route_spec(route) for route in entry.get("routes", [])]
    ok = True
    for entry in description["namespaces"]:
        name = entry["name"]
        ipr, _fd = spaces.get(name)
        links = {msg.get_attr("IFLA_IFNAME"): msg for msg in ipr.get_links()}
        by_index = {msg["index"]: ifname for ifname, msg in links.items()}
        have = {(by_index.get(msg["index"]), msg.get_attr("IFA_ADDRESS")) for msg in ipr.get_addr()}
        routes = {(msg.get_attr("RTA_DST"), msg["dst_len"], msg.get_attr("RTA_GATEWAY")) for msg in ipr.get_routes()}
        ok &= bool(links["lo"]["flags"] & 1)
        for ifname, peer_netns in wanted_links.get(name, []):
            link = links.get(ifname)
            ok &= link is not None and bool(link["flags"] & 1)
            peer_fd = spaces.get(peer_netns)[1]
            ok &= link is not None and link.get_attr("IFLA_LINK_NETNSID") == ipr.get_netnsid(fd=peer_fd)["nsid"]
        ok &= wanted_addresses.get(name, set()) <= have
        for spec in wanted_routes[name]:
            dst = None if spec["dst_len"] == 0 else spec["dst"]
            ok &= (dst, spec["dst_len"], spec["gateway"]) in routes
    spaces.close()
    return ok


def teardown(description):
    for entry in description["namespaces"]:
        remove(entry["name"])
    return True


if __name__ == "__main__":
    action, preset = sys.argv[1], json.loads(sys.argv[2])
    if not {"build": build, "check": check, "teardown": teardown}[action](expand(preset)):
        sys.exit(f"the {preset['name']} is not complete")
