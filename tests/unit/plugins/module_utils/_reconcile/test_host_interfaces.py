"""The macvlan/ipvlan and moved-interface planners, against the fake kernel."""
import ipaddress

import pytest

from ansible_collections.linuxnet.netns.plugins.module_utils._errors import ConflictError, NotFoundError
from ansible_collections.linuxnet.netns.plugins.module_utils._description.host_interfaces import Child, MovedInterface
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.host_interfaces import (
    RECORD,
    plan_child,
    plan_moved,
)

from ansible_collections.linuxnet.netns.tests.unit.plugins.module_utils._reconcile.fake_kernel import (
    actions,
    converged,
    planned,
    with_host_nics,
)

OWNER = "linuxnet.netns:lab"


@pytest.fixture
def kernel():
    return with_host_nics("red")


def child(**changes):
    return Child.from_params({"name": "mv0", "netns": "red", "parent": "eth2", "owner": OWNER, **changes})


def moved(**changes):
    return MovedInterface.from_params({"name": "eth1", "netns": "red", "owner": OWNER, **changes})


def test_a_macvlan_is_made_on_its_parent_in_the_namespace_marked_and_then_left_alone(kernel):
    plan = converged(kernel, plan_child, child(mtu=1400))
    assert actions(plan) == [("macvlan", "create")]
    made = kernel.link("red", "mv0")
    assert made["kind"] == "macvlan" and made["parent"][0] is None and made["mtu"] == 1400
    assert made["alias"] == OWNER and made["mode"] == child().mode_number
    assert not planned(kernel, plan_child, child(mtu=1400)).changed


def test_a_changed_mtu_is_an_update_and_a_changed_mode_needs_force(kernel):
    converged(kernel, plan_child, child())
    assert actions(converged(kernel, plan_child, child(mtu=1300))) == [("macvlan", "update")]
    assert kernel.link("red", "mv0")["mtu"] == 1300
    with pytest.raises(ConflictError, match="exists with parent 'eth2' and mode 'bridge'.*set force: true"):
        planned(kernel, plan_child, child(mode="private", mtu=1300))
    assert actions(converged(kernel, plan_child, child(mode="private", mtu=1300, force=True))) == [
        ("macvlan", "recreate")]
    assert kernel.link("red", "mv0")["mode"] == child(mode="private").mode_number


def test_a_missing_parent_or_link_kind_is_refused_before_anything_changes(kernel):
    with pytest.raises(NotFoundError, match="parent interface 'eth9' does not exist in the host namespace"):
        planned(kernel, plan_child, child(parent="eth9"))
    kernel.link_kinds.discard("ipvlan")
    with pytest.raises(NotFoundError, match="this kernel has no ipvlan link kind"):
        planned(kernel, plan_child, child(kind="ipvlan"))
    assert kernel.requests == []


def test_passthru_on_the_default_route_interface_needs_allow_host_network(kernel):
    with pytest.raises(ConflictError, match="refusing to take over \\(macvlan passthru\\) interface 'eth0'"):
        planned(kernel, plan_child, child(parent="eth0", mode="passthru"))
    assert planned(kernel, plan_child, child(parent="eth0", mode="passthru", allow_host_network=True)).changed


def test_absent_removes_only_a_marked_child(kernel):
    converged(kernel, plan_child, child())
    plan = converged(kernel, plan_child, child(state="absent", owner="linuxnet.netns:other"))
    assert not plan.changed and kernel.link("red", "mv0") is not None
    assert actions(converged(kernel, plan_child, child(state="absent"))) == [("macvlan", "delete")]
    assert kernel.link("red", "mv0") is None


def test_a_moved_interface_goes_in_recorded_and_comes_back_with_its_addresses(kernel):
    plan = converged(kernel, plan_moved, moved())
    assert actions(plan) == [("moved", "create")]
    assert kernel.link(None, "eth1") is None and kernel.link("red", "eth1")["up"]
    assert kernel.record(RECORD, [OWNER, "eth1"]) == {"addresses": ["198.18.201.5/24"], "up": True}
    assert not planned(kernel, plan_moved, moved()).changed
    assert actions(converged(kernel, plan_moved, moved(state="absent"))) == [("moved", "delete")]
    back = kernel.link(None, "eth1")
    assert back is not None and back["up"] and kernel.record(RECORD, [OWNER, "eth1"]) is None
    host = kernel.namespaces[None]
    assert (back["index"], ipaddress.ip_interface("198.18.201.5/24")) in host.addresses


def test_moving_the_interface_of_the_default_route_is_refused(kernel):
    with pytest.raises(ConflictError, match="refusing to move into a namespace interface 'eth0'"):
        planned(kernel, plan_moved, moved(name="eth0"))


def test_an_interface_that_is_nowhere_is_refused(kernel):
    with pytest.raises(NotFoundError, match="interface 'eth7' is neither in namespace 'red' nor in the host"):
        planned(kernel, plan_moved, moved(name="eth7"))
