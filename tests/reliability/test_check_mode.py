"""Check mode changes nothing, for every module and for the topology: the host and the insides of
existing namespaces are the same before and after, while the result predicts the changes."""
import json
import subprocess

from conftest import host_snapshot, run_module, star


def ip_json(netns, *what):
    return json.loads(subprocess.run(["ip", "-j", "-n", netns, *what], capture_output=True, text=True, check=True).stdout)


def inside(netns):
    """What a run could change inside a namespace, without what the kernel changes by itself
    (carrier, operational state, address lifetimes, and IPv6 link-local addresses and routes,
    which it adds as links get carrier)."""
    links = sorted((link["ifname"], link["mtu"], link.get("master"), "UP" in link["flags"], link.get("ifalias"))
                   for link in ip_json(netns, "link"))
    addresses = sorted((entry["ifname"], info["local"], info["prefixlen"])
                       for entry in ip_json(netns, "addr") for info in entry.get("addr_info", [])
                       if not info["local"].startswith("fe80:"))
    routes = sorted(json.dumps(route, sort_keys=True) for family in ("-4", "-6")
                    for route in ip_json(netns, family, "route") if not route["dst"].startswith("fe80:"))
    return links, addresses, routes


def test_check_mode_is_side_effect_free(prefix):
    base = star(prefix, 2)
    assert run_module("netns_topology", base)["changed"]
    leaf, hub = f"{prefix}-1", f"{prefix}-hub"
    grown = star(prefix, 4)
    grown["namespaces"][0]["forwarding"] = True
    grown["namespaces"][1]["routes"] = [{"to": "198.18.99.0/24", "via": "198.18.0.1"}]
    calls = [
        ("netns_topology", grown),
        ("netns_topology", {**base, "state": "absent"}),
        ("netns", {"name": f"{prefix}-new"}),
        ("netns", {"name": leaf, "sysctls": {"net.ipv4.ip_forward": 1}}),
        ("netns", {"name": leaf, "state": "absent"}),
        ("veth", {"name": "x0", "netns": leaf, "peer": "x1", "peer_netns": hub, "mtu": 1400}),
        ("veth", {"name": "eth0", "netns": leaf, "peer": "p1", "peer_netns": hub, "mtu": 9000}),
        ("veth", {"name": "eth0", "netns": leaf, "peer": "zz", "peer_netns": hub, "force": True}),
        ("veth", {"name": "eth0", "netns": leaf, "state": "absent"}),
        ("netns_addr", {"netns": leaf, "interface": "eth0", "addresses": ["198.18.77.1/24"], "exclusive": True}),
        ("netns_addr", {"netns": leaf, "interface": "eth0", "addresses": ["198.18.0.2/16"], "state": "absent"}),
        ("netns_route", {"netns": leaf, "to": "default", "via": "198.18.0.1"}),
        ("netns_bridge", {"netns": hub, "name": "br0", "ports": [], "exclusive_ports": True, "stp": True, "mtu": 1400}),
        ("netns_bridge", {"netns": hub, "name": "br1"}),
        ("netns_bridge", {"netns": hub, "name": "br0", "state": "absent"}),
    ]
    before = (host_snapshot(), inside(leaf), inside(hub))
    for module, args in calls:
        result = run_module(module, args, check_mode=True)
        assert not result.get("failed"), (module, args, result.get("msg"))
        assert result["changed"], (module, args)
        assert (host_snapshot(), inside(leaf), inside(hub)) == before, f"check mode of {module} {args} changed the host"
