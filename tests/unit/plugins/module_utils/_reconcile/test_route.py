import dataclasses

import pytest

from ansible_collections.linuxnet.netns.plugins.module_utils._errors import NotFoundError, ValidationError
from ansible_collections.linuxnet.netns.plugins.module_utils._description.model import AddressSet, Route, Veth
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.address import plan_addresses
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.route import plan_route
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.veth import plan_veth

from ansible_collections.linuxnet.netns.tests.unit.plugins.module_utils._reconcile.fake_kernel import (
    FakeKernel,
    actions,
    converged,
    planned,
)


def route(other_tables=None, **params):
    made = Route.from_params({"netns": "red", "to": "198.18.50.0/24", "via": "198.18.1.1", **params})
    return made if other_tables is None else dataclasses.replace(made, other_tables=other_tables)


@pytest.fixture
def kernel():
    kernel = FakeKernel()
    kernel.add_namespace("red")
    kernel.add_namespace("blue")
    converged(kernel, plan_veth, Veth(name="eth0", netns="red", peer="eth0", peer_netns="blue"))
    converged(kernel, plan_addresses, AddressSet.from_params(
        {"interface": "eth0", "netns": "red", "addresses": ["198.18.1.2/24", "198.18.2.2/24", "2001:db8:1::2/64"]}))
    return kernel


def test_a_route_is_added_once(kernel):
    wanted = route()
    assert actions(planned(kernel, plan_route, wanted)) == [("route", "create")]
    converged(kernel, plan_route, wanted)
    [made] = kernel.namespaces["red"].routes
    assert str(made.dst) == "198.18.50.0/24" and str(made.gateway) == "198.18.1.1" and made.metric == 0
    assert not planned(kernel, plan_route, wanted).changed


def test_another_gateway_is_corrected_in_place_not_duplicated(kernel):
    converged(kernel, plan_route, route())
    plan = converged(kernel, plan_route, route(via="198.18.2.1"))
    assert actions(plan) == [("route", "update")]
    assert plan.changes[0].before["via"] == "198.18.1.1" and plan.changes[0].after["via"] == "198.18.2.1"
    assert [str(r.gateway) for r in kernel.namespaces["red"].routes] == ["198.18.2.1"]


def test_an_ipv6_default_takes_the_kernels_default_metric(kernel):
    wanted = route(to="default", via="2001:db8:1::1")
    converged(kernel, plan_route, wanted)
    [made] = kernel.namespaces["red"].routes
    assert str(made.dst) == "::/0" and made.metric == 1024
    assert not planned(kernel, plan_route, wanted).changed


def test_a_gateway_that_is_not_on_link_is_refused_before_any_change(kernel):
    before = list(kernel.requests)
    with pytest.raises(ValidationError, match="gateway 198.18.9.1 is not on-link"):
        planned(kernel, plan_route, route(via="198.18.9.1"))
    with pytest.raises(ValidationError, match="no address of interface 'lo'"):
        planned(kernel, plan_route, route(interface="lo"))
    assert kernel.requests == before


def test_a_missing_interface_is_named(kernel):
    with pytest.raises(NotFoundError, match="interface 'eth9' does not exist in namespace 'red'"):
        planned(kernel, plan_route, route(interface="eth9"))


def test_a_changed_metric_replaces_the_route_and_leaves_no_stale_copy(kernel):
    converged(kernel, plan_route, route())
    plan = converged(kernel, plan_route, route(metric=100))
    assert actions(plan) == [("route", "create"), ("route", "delete")]
    assert [made.metric for made in kernel.namespaces["red"].routes] == [100]
    assert not planned(kernel, plan_route, route(metric=100)).changed


def test_an_operators_route_to_the_same_destination_is_never_touched(kernel):
    import ipaddress

    from ansible_collections.linuxnet.netns.plugins.module_utils._kernel.messages import RouteRecord

    static = RouteRecord(family=2, dst=ipaddress.ip_network("198.18.50.0/24"), gateway=ipaddress.ip_address("198.18.2.1"),
                         oif=None, metric=50, proto=4)  # `ip route add ... proto static metric 50`
    kernel.namespaces["red"].routes.append(static)
    converged(kernel, plan_route, route(metric=100))
    converged(kernel, plan_route, route(metric=200))
    assert sorted(made.metric for made in kernel.namespaces["red"].routes) == [50, 200]


def test_a_multipath_route_is_one_route_with_its_nexthops_and_weights(kernel):
    hops = [{"via": "198.18.1.1", "weight": 2}, {"via": "198.18.2.1"}]
    wanted = route(via=None, nexthops=hops)
    plan = converged(kernel, plan_route, wanted)
    assert actions(plan) == [("route", "create")]
    [made] = kernel.namespaces["red"].routes
    assert made.nexthops == ((wanted.nexthops[0].via, None, 2), (wanted.nexthops[1].via, None, 1))
    assert plan.changes[0].after["nexthops"] == [
        {"via": "198.18.1.1", "interface": None, "weight": 2}, {"via": "198.18.2.1", "interface": None, "weight": 1}]
    assert not planned(kernel, plan_route, wanted).changed
    reweighted = route(via=None, nexthops=[{"via": "198.18.1.1"}, {"via": "198.18.2.1"}])
    assert actions(converged(kernel, plan_route, reweighted)) == [("route", "update")]
    assert len(kernel.namespaces["red"].routes) == 1


def test_a_route_in_another_table_and_one_moved_between_tables(kernel):
    converged(kernel, plan_route, route(table=100))
    assert [(made.table, made.metric) for made in kernel.namespaces["red"].routes] == [(100, 0)]
    moved = converged(kernel, plan_route, route(table=200, other_tables=()))
    assert actions(moved) == [("route", "create"), ("route", "delete")]
    assert [made.table for made in kernel.namespaces["red"].routes] == [200]


@pytest.mark.parametrize("params, message", [
    ({"table": 255}, "table 255 is the kernel's local table"),
    ({"table": "x"}, "table"),
    ({"nexthops": [{"via": "198.18.1.1"}]}, "give nexthops or via and interface, not both"),
    ({"via": None, "nexthops": [{"weight": 2}]}, r"nexthops\[0\]: give a gateway"),
    ({"via": None, "nexthops": [{"via": "198.18.1.1", "weight": 0}]}, "weight 0 is out of range"),
    ({"via": None, "nexthops": [{"via": "2001:db8::1"}]}, "not of the route's IP version"),
    ({"via": None, "nexthops": [{"via": "198.18.1.1", "gw": 1}]}, "unknown key"),
])
def test_bad_tables_and_nexthops_are_named(params, message):
    with pytest.raises(ValidationError, match=message):
        route(**params)


def test_absent_deletes_only_an_existing_route(kernel):
    assert not planned(kernel, plan_route, route(state="absent")).changed
    converged(kernel, plan_route, route())
    plan = converged(kernel, plan_route, route(state="absent"))
    assert actions(plan) == [("route", "delete")]
    assert kernel.namespaces["red"].routes == []
    assert not planned(kernel, plan_route, Route.from_params({"netns": "gone", "to": "default", "state": "absent"})).changed
