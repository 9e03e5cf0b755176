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


def route(**params):
    return Route.from_params({"netns": "red", "to": "198.18.50.0/24", "via": "198.18.1.1", **params})


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


def test_the_same_destination_with_another_metric_is_another_route(kernel):
    converged(kernel, plan_route, route())
    assert actions(planned(kernel, plan_route, route(metric=100))) == [("route", "create")]


def test_absent_deletes_only_an_existing_route(kernel):
    assert not planned(kernel, plan_route, route(state="absent")).changed
    converged(kernel, plan_route, route())
    plan = converged(kernel, plan_route, route(state="absent"))
    assert actions(plan) == [("route", "delete")]
    assert kernel.namespaces["red"].routes == []
    assert not planned(kernel, plan_route, Route.from_params({"netns": "gone", "to": "default", "state": "absent"})).changed
