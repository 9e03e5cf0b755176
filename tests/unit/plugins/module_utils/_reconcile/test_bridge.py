import pytest

from ansible_collections.linuxnet.netns.plugins.module_utils._errors import ConflictError, NotFoundError
from ansible_collections.linuxnet.netns.plugins.module_utils._description.model import Bridge, Veth
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.bridge import plan_bridge
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.veth import plan_veth

from ansible_collections.linuxnet.netns.tests.unit.plugins.module_utils._reconcile.fake_kernel import (
    FakeKernel,
    actions,
    converged,
    planned,
)

OWNER = "linuxnet.netns:t"


def bridge(**params):
    return Bridge.from_params({"name": "br0", "netns": "hub", **params})


@pytest.fixture
def kernel():
    kernel = FakeKernel()
    kernel.add_namespace("hub")
    for leaf in ("a", "b", "c"):
        kernel.add_namespace(leaf)
        converged(kernel, plan_veth, Veth(name="eth0", netns=leaf, peer=f"p-{leaf}", peer_netns="hub"))
    return kernel


def ports(kernel):
    index = kernel.link("hub", "br0")["index"]
    return sorted(link["name"] for link in kernel.namespaces["hub"].links.values() if link["master"] == index)


def test_a_new_bridge_gets_its_ports_and_comes_up_only_after_them(kernel):
    wanted = bridge(ports=["p-a", "p-b"], stp=True, mtu=1400)
    plan = planned(kernel, plan_bridge, wanted)
    assert actions(plan) == [("bridge", "create")]
    plan.apply()
    made = kernel.link("hub", "br0")
    assert made["up"] and made["stp"] and made["mtu"] == 1400
    assert ports(kernel) == ["p-a", "p-b"]
    requests = [what for what, _netns, name in kernel.requests if name == "br0"]
    assert requests[-1] == "set link"  # brought up last
    assert not planned(kernel, plan_bridge, wanted).changed


def test_a_bridge_made_by_a_concurrent_run_keeps_the_ports_that_run_attached(kernel):
    plan = planned(kernel, plan_bridge, bridge(ports=["p-b"]))
    kernel.netlink("hub").add_bridge("br0")
    kernel.link("hub", "p-a")["master"] = kernel.link("hub", "br0")["index"]
    plan.apply()
    assert ports(kernel) == ["p-a", "p-b"]


def test_ports_are_added_and_only_exclusive_ports_removes_others(kernel):
    converged(kernel, plan_bridge, bridge(ports=["p-a", "p-b"]))
    converged(kernel, plan_bridge, bridge(ports=["p-c"]))
    assert ports(kernel) == ["p-a", "p-b", "p-c"]
    plan = converged(kernel, plan_bridge, bridge(ports=["p-c"], exclusive_ports=True))
    assert plan.changes[0].before["ports"] == ["p-a", "p-b", "p-c"] and plan.changes[0].after["ports"] == ["p-c"]
    assert ports(kernel) == ["p-c"]
    assert kernel.link("hub", "p-a") is not None  # detached, not deleted


def test_unmanaged_settings_keep_their_current_value(kernel):
    converged(kernel, plan_bridge, bridge(stp=True, mtu=1400))
    assert not planned(kernel, plan_bridge, bridge()).changed
    plan = converged(kernel, plan_bridge, bridge(stp=False))
    assert actions(plan) == [("bridge", "update")]
    assert kernel.link("hub", "br0")["stp"] is False


def test_a_missing_port_and_a_non_bridge_are_refused(kernel):
    with pytest.raises(NotFoundError, match="interface 'p-z' does not exist in namespace 'hub'"):
        planned(kernel, plan_bridge, bridge(ports=["p-z"]))
    with pytest.raises(ConflictError, match="'p-a' in namespace 'hub' is a veth, not a bridge"):
        planned(kernel, plan_bridge, bridge(name="p-a"))


def test_absent_removes_the_bridge_and_keeps_its_ports(kernel):
    converged(kernel, plan_bridge, bridge(ports=["p-a"]))
    plan = converged(kernel, plan_bridge, bridge(state="absent"))
    assert actions(plan) == [("bridge", "delete")]
    assert kernel.link("hub", "br0") is None
    assert kernel.link("hub", "p-a")["master"] is None


def test_absent_with_an_owner_keeps_an_unmarked_bridge(kernel):
    converged(kernel, plan_bridge, bridge())
    plan = planned(kernel, plan_bridge, Bridge(name="br0", netns="hub", state="absent", owner=OWNER))
    assert not plan.changed and plan.kept == [{"target": "bridge br0 in namespace 'hub'",
                                               "reason": f"not marked as made by {OWNER}"}]
    converged(kernel, plan_bridge, Bridge(name="br1", netns="hub", owner=OWNER))
    assert kernel.link("hub", "br1")["alias"] == OWNER
    assert planned(kernel, plan_bridge, Bridge(name="br1", netns="hub", state="absent", owner=OWNER)).changed
