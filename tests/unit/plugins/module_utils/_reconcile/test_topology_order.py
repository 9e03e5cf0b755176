from ansible_collections.linuxnet.netns.plugins.module_utils._description.vocabulary import marker
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.topology import plan_topology
from ansible_collections.linuxnet.netns.plugins.module_utils._description.topology import Topology

from ansible_collections.linuxnet.netns.tests.unit.plugins.module_utils._reconcile.fake_kernel import (
    FakeKernel,
    converged,
    planned,
)

DESCRIPTION = {
    "preset": {"name": "star", "size": 2, "prefix": "t"},
    "namespaces": [{"name": "t-edge", "routes": [{"to": "198.19.0.0/24", "via": "198.18.200.1"}]}],
    "links": [{"endpoints": [{"name": "up0", "addresses": ["198.18.200.1/30"]},
                             {"netns": "t-edge", "name": "up1", "addresses": ["198.18.200.2/30"]}]}],
    "name": "lab",
}


def topology(**changes):
    return Topology.from_params({**DESCRIPTION, **changes})


def kinds(plan):
    return [change.kind for change in plan.changes]


def test_objects_are_planned_in_dependency_order():
    plan = planned(FakeKernel(), plan_topology, topology())
    assert kinds(plan) == ["netns"] * 4 + ["bridge"] + ["veth"] * 3 + ["address"] * 5 + ["route"]
    assert plan.by_action()["counts"] == {"create": 14, "update": 0, "delete": 0, "recreate": 0}


def test_a_built_topology_is_marked_and_a_second_run_changes_nothing():
    kernel = FakeKernel()
    converged(kernel, plan_topology, topology())
    owner = marker("lab")
    assert {kernel.link(name, "lo")["alias"] for name in ("t-hub", "t-1", "t-2", "t-edge")} == {owner}
    assert kernel.link("t-hub", "br0")["alias"] == owner
    assert kernel.link("t-edge", "up1")["alias"] == owner
    again = planned(kernel, plan_topology, topology())
    assert not again.changed and again.kept == []


def test_absent_removes_host_links_one_by_one_then_the_namespaces():
    kernel = FakeKernel()
    converged(kernel, plan_topology, topology())
    plan = converged(kernel, plan_topology, topology(state="absent"))
    assert kinds(plan) == ["veth"] + ["netns"] * 4
    assert kernel.namespace_names() == [] and kernel.link(None, "up0") is None


def test_absent_leaves_what_another_topology_made():
    kernel = FakeKernel()
    converged(kernel, plan_topology, topology())
    plan = planned(kernel, plan_topology, topology(state="absent", name="other"))
    assert not plan.changed
    assert len(plan.kept) == 5  # the host veth and four namespaces


def test_prune_removes_only_marked_objects_no_longer_described():
    kernel = FakeKernel()
    converged(kernel, plan_topology, topology(preset={"name": "star", "size": 3, "prefix": "t"}))
    kernel.add_namespace("t-9")  # the user's own, under a look-alike name
    smaller = topology(prune=True, namespaces=[], links=[])
    plan = converged(kernel, plan_topology, smaller)
    # p3 is listed as well: its pair goes with t-3, and whatever the kernel has not yet removed goes by request.
    assert sorted(plan.by_action()["removed"]) == ["netns t-3", "netns t-edge", "veth p3 in namespace 't-hub'"]
    assert kernel.namespace_names() == ["t-1", "t-2", "t-9", "t-hub"]
    assert kernel.link(None, "up0") is None  # went with its peer's namespace
    assert not planned(kernel, plan_topology, smaller).changed


def test_without_prune_nothing_undescribed_is_touched():
    kernel = FakeKernel()
    converged(kernel, plan_topology, topology(preset={"name": "star", "size": 3, "prefix": "t"}))
    plan = planned(kernel, plan_topology, topology())
    assert plan.by_action()["removed"] == []


def test_teardown_enters_no_namespace_that_has_an_owner_record():
    kernel = FakeKernel()
    converged(kernel, plan_topology, topology())
    kernel.create_namespace("t-9", marker("other"))
    kernel.entered.clear()
    gone = topology(state="absent", namespaces=[{"name": "t-edge"}, {"name": "t-9"}])
    plan = converged(kernel, plan_topology, gone)
    assert set(kernel.entered) == {None, "t-edge"}  # only for the pair between the host and t-edge
    assert plan.kept == [{"target": "netns t-9", "reason": "not marked as made by linuxnet.netns:lab"}]
