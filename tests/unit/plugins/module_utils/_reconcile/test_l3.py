"""Loopbacks, multipath routes, tables and policy rules in a topology: built once, changed in
place with no stale copy, pruned by the collection's own protocol, and nobody else's touched."""
import ipaddress
import socket

import pytest

from ansible_collections.linuxnet.netns.plugins.module_utils._description.topology import Topology
from ansible_collections.linuxnet.netns.plugins.module_utils._errors import ValidationError
from ansible_collections.linuxnet.netns.plugins.module_utils._kernel.messages import RouteRecord
from ansible_collections.linuxnet.netns.plugins.module_utils._kernel.policy_rules import RuleRecord
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.topology import plan_topology

from ansible_collections.linuxnet.netns.tests.unit.plugins.module_utils._reconcile.fake_kernel import (
    FakeKernel,
    converged,
    planned,
)


def lab(routes=None, rules=None, loopback=("198.18.255.1/32", "2001:db8:ff::1/128"), prune=False):
    return Topology.from_params({
        "name": "l3", "prune": prune,
        "namespaces": [{"name": "r1", "loopback": list(loopback), "routes": routes if routes is not None else [
            {"to": "198.18.255.2/32", "nexthops": [{"via": "198.18.1.2"}, {"via": "198.18.2.2", "weight": 3}]},
            {"to": "default", "via": "198.18.1.2", "table": 100}],
            "rules": rules if rules is not None else [{"from": "198.18.9.0/24", "table": 100, "priority": 1000}]},
            {"name": "r2"}],
        "links": [{"endpoints": [{"netns": "r1", "name": "a", "addresses": ["198.18.1.1/24"]},
                                 {"netns": "r2", "name": "a", "addresses": ["198.18.1.2/24"]}]},
                  {"endpoints": [{"netns": "r1", "name": "b", "addresses": ["198.18.2.1/24"]},
                                 {"netns": "r2", "name": "b", "addresses": ["198.18.2.2/24"]}]}],
    })


@pytest.fixture
def kernel():
    return FakeKernel()


def routes(kernel):
    return sorted((str(route.dst), route.table, route.metric, len(route.nexthops))
                  for route in kernel.namespaces["r1"].routes)


def test_loopback_multipath_table_and_rule_are_built_once(kernel):
    converged(kernel, plan_topology, lab())
    space = kernel.namespaces["r1"]
    lo = space.by_name("lo")["index"]
    assert (lo, ipaddress.ip_interface("198.18.255.1/32")) in space.addresses
    assert (lo, ipaddress.ip_interface("2001:db8:ff::1/128")) in space.addresses
    assert routes(kernel) == [("0.0.0.0/0", 100, 0, 0), ("198.18.255.2/32", 254, 0, 2)]
    [rule] = space.rules
    assert (rule.family, str(rule.source), rule.destination, rule.table, rule.priority) == (
        socket.AF_INET, "198.18.9.0/24", None, 100, 1000)
    assert not planned(kernel, plan_topology, lab()).changed


def test_a_route_moved_to_another_table_or_metric_leaves_no_copy(kernel):
    converged(kernel, plan_topology, lab())
    moved = [{"to": "198.18.255.2/32", "via": "198.18.1.2", "metric": 20},
             {"to": "default", "via": "198.18.1.2", "table": 200}]
    converged(kernel, plan_topology, lab(routes=moved))
    assert routes(kernel) == [("0.0.0.0/0", 200, 0, 0), ("198.18.255.2/32", 254, 20, 0)]
    assert not planned(kernel, plan_topology, lab(routes=moved)).changed


def test_a_rule_given_another_table_at_its_priority_is_replaced(kernel):
    converged(kernel, plan_topology, lab())
    converged(kernel, plan_topology, lab(rules=[{"from": "198.18.9.0/24", "table": 200, "priority": 1000}]))
    assert [(rule.table, rule.priority) for rule in kernel.namespaces["r1"].rules] == [(200, 1000)]


def test_prune_removes_the_topologys_routes_and_rules_and_nobody_elses(kernel):
    converged(kernel, plan_topology, lab())
    space = kernel.namespaces["r1"]
    daemon = RouteRecord(family=2, dst=ipaddress.ip_network("198.18.77.0/24"), gateway=ipaddress.ip_address("198.18.1.2"),
                         oif=None, metric=20, proto=186)  # a BGP daemon's
    operator = RouteRecord(family=2, dst=ipaddress.ip_network("198.18.78.0/24"), gateway=ipaddress.ip_address("198.18.2.2"),
                           oif=None, metric=0, proto=4)  # `ip route add ... proto static`
    their_rule = RuleRecord(family=2, priority=500, source=ipaddress.ip_network("198.18.8.0/24"), destination=None,
                            table=50, proto=0)
    space.routes += [daemon, operator]
    space.rules.append(their_rule)
    without = lab(routes=[], rules=[], prune=True)
    plan = converged(kernel, plan_topology, without)
    assert sum(change.kind == "route" for change in plan.changes) == 2
    assert sum(change.kind == "rule" for change in plan.changes) == 1
    assert space.routes == [daemon, operator] and space.rules == [their_rule]
    assert not planned(kernel, plan_topology, without).changed


def test_without_prune_routes_no_longer_described_stay(kernel):
    converged(kernel, plan_topology, lab())
    converged(kernel, plan_topology, lab(routes=[], rules=[]))
    assert len(kernel.namespaces["r1"].routes) == 2 and len(kernel.namespaces["r1"].rules) == 1


@pytest.mark.parametrize("rules, message", [
    ([{"table": 100}], "give from, to or both"),
    ([{"from": "198.18.9.0/24"}], "give the table"),
    ([{"from": "198.18.9.0/24", "to": "2001:db8::/64", "table": 100}], "not of the same IP version"),
    ([{"from": "198.18.9.1/24", "table": 100}], "is not a valid network"),
    ([{"from": "198.18.9.0/24", "table": 100, "priority": -1}], "priority -1 is out of range"),
    ([{"from": "198.18.9.0/24", "table": 100, "iif": "a"}], "unknown key"),
    ("x", "rules"),
])
def test_bad_rules_are_named_with_their_place(rules, message):
    with pytest.raises(ValidationError, match=message) as raised:
        lab(rules=rules)
    assert "namespaces[0] (r1) rules" in str(raised.value)


def test_a_bad_loopback_address_is_named():
    with pytest.raises(ValidationError, match=r"namespaces\[0\] \(r1\) loopback"):
        lab(loopback=["198.18.255.1"])
