"""L3 features on the real kernel: loopback addresses reached over a multipath (ECMP) route, a
route moved to another metric and table with no copy left, a policy rule that picks a table by
source, and prune removing only the collection's routes and rules while an operator's static
route and a daemon's route to the same places stay."""
import subprocess

from conftest import run_module


def lab(prefix, routes=None, rules=None, prune=False):
    r1, r2 = f"{prefix}r1", f"{prefix}r2"
    return {
        "name": prefix, "prune": prune, "verify": False,
        "namespaces": [
            {"name": r1, "loopback": ["198.18.254.1/32", "2001:db8:fe::1/128"],
             "routes": routes if routes is not None else [
                 {"to": "198.18.254.2/32", "nexthops": [{"via": "198.18.11.2"}, {"via": "198.18.12.2", "weight": 3}]},
                 {"to": "2001:db8:fe::2/128", "nexthops": [{"via": "2001:db8:11::2"}, {"via": "2001:db8:12::2"}]},
                 {"to": "default", "via": "198.18.12.2", "table": 100}],
             "rules": rules if rules is not None else [{"from": "198.18.254.1/32", "table": 100, "priority": 1000}]},
            {"name": r2, "loopback": ["198.18.254.2/32", "2001:db8:fe::2/128"], "forwarding": True,
             "routes": [{"to": "198.18.254.1/32", "via": "198.18.11.1"},
                        {"to": "2001:db8:fe::1/128", "via": "2001:db8:11::1"}]},
        ],
        "links": [
            {"endpoints": [{"netns": r1, "name": "a", "addresses": ["198.18.11.1/24", "2001:db8:11::1/64"]},
                           {"netns": r2, "name": "a", "addresses": ["198.18.11.2/24", "2001:db8:11::2/64"]}]},
            {"endpoints": [{"netns": r1, "name": "b", "addresses": ["198.18.12.1/24", "2001:db8:12::1/64"]},
                           {"netns": r2, "name": "b", "addresses": ["198.18.12.2/24", "2001:db8:12::2/64"]}]},
        ],
    }


def ip(netns, *args):
    return subprocess.run(["ip", "-n", netns, *args], capture_output=True, text=True, check=True).stdout


def ping(netns, *args):
    return subprocess.run(["ip", "netns", "exec", netns, "ping", "-c", "1", "-W", "2", *args],
                          capture_output=True, text=True, check=False).returncode == 0


def test_loopbacks_over_a_multipath_route_a_table_and_a_rule(prefix):
    r1 = f"{prefix}r1"
    try:
        built = run_module("netns_topology", lab(prefix))
        assert built.get("changed") and not built.get("failed"), built
        multipath = ip(r1, "route", "show", "198.18.254.2/32")
        assert "nexthop via 198.18.11.2 dev a weight 1" in multipath, multipath
        assert "nexthop via 198.18.12.2 dev b weight 3" in multipath and "proto 77" in multipath
        assert ip(r1, "-6", "route", "show", "2001:db8:fe::2/128").count("nexthop via") == 2
        assert "198.18.254.1/32" in ip(r1, "address", "show", "dev", "lo")
        assert ping(r1, "-I", "198.18.254.1", "198.18.254.2") and ping(r1, "2001:db8:fe::2")
        assert "default via 198.18.12.2 dev b proto 77" in ip(r1, "route", "show", "table", "100")
        rules = ip(r1, "rule", "show")
        assert "1000:\tfrom 198.18.254.1 lookup 100 proto 77" in rules, rules
        assert run_module("netns_topology", lab(prefix)).get("changed") is False

        # an operator's and a daemon's routes, which nothing of the collection may touch
        ip(r1, "route", "add", "198.18.254.2/32", "via", "198.18.11.2", "metric", "50", "proto", "static")
        ip(r1, "route", "add", "198.18.99.0/24", "via", "198.18.12.2", "proto", "12")  # bird's protocol number
        moved = [{"to": "198.18.254.2/32", "via": "198.18.11.2", "metric": 20},
                 {"to": "default", "via": "198.18.11.2", "table": 200}]
        changed = run_module("netns_topology", lab(prefix, routes=moved,
                                                   rules=[{"from": "198.18.254.1/32", "table": 200, "priority": 1000}]))
        assert changed.get("changed") and not changed.get("failed"), changed
        listed = ip(r1, "route", "show", "198.18.254.2/32")
        assert "metric 20" in listed and "metric 50" in listed and "nexthop" not in listed, listed  # no stale copy
        assert ip(r1, "route", "show", "table", "100") == ""
        assert "default via 198.18.11.2" in ip(r1, "route", "show", "table", "200")
        assert "1000:\tfrom 198.18.254.1 lookup 200" in ip(r1, "rule", "show")
        assert ip(r1, "rule", "show").count("1000:") == 1

        pruned = run_module("netns_topology", lab(prefix, routes=[], rules=[], prune=True))
        assert pruned.get("changed") and not pruned.get("failed"), pruned
        left = ip(r1, "route", "show")
        assert "metric 50" in left and "198.18.99.0/24" in left and "proto 77" not in left, left
        assert "proto 77" not in ip(r1, "route", "show", "table", "all")
        assert "proto 77" not in ip(r1, "rule", "show")
    finally:
        gone = run_module("netns_topology", {**lab(prefix), "state": "absent"})
    assert not gone.get("failed"), gone
