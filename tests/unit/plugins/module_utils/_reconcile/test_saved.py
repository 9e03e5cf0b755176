import pytest

from ansible_collections.linuxnet.netns.plugins.module_utils._errors import ValidationError
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.saved import plan_saved
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.topology import plan_topology
from ansible_collections.linuxnet.netns.plugins.module_utils._description.topology import Topology
from ansible_collections.linuxnet.netns.tests.unit.plugins.module_utils._reconcile.fake_kernel import (
    FakeKernel,
    actions,
    converged,
    planned,
)

PARAMS = {"preset": {"name": "pair", "prefix": "p"}, "name": "lab", "persistent": True, "verify": True}


def topology(**changes):
    return Topology.from_params({**PARAMS, **changes})


def test_a_persistent_topology_saves_its_expanded_description_once():
    kernel = FakeKernel()
    assert actions(planned(kernel, plan_saved, topology())) == [("saved", "create")]
    converged(kernel, plan_saved, topology())
    saved = kernel.saved["lab"]
    assert saved["format"] == 1 and saved["name"] == "lab" and saved["verify"] is True
    assert [n["name"] for n in saved["namespaces"]] == ["p-1", "p-2"] and len(saved["links"]) == 1
    assert not planned(kernel, plan_saved, topology()).changed
    assert actions(planned(kernel, plan_saved, topology(verify=False))) == [("saved", "update")]


@pytest.mark.parametrize("changes", [{"persistent": False}, {"state": "absent"}])
def test_not_persistent_or_absent_removes_the_saved_description(changes):
    kernel = FakeKernel()
    converged(kernel, plan_saved, topology())
    plan = converged(kernel, plan_saved, topology(**changes))
    assert actions(plan) == [("saved", "delete")] and "lab" not in kernel.saved
    assert not planned(kernel, plan_saved, topology(**changes)).changed


def test_an_unreadable_saved_description_is_replaced():
    kernel = FakeKernel()

    def unreadable(name):
        raise ValidationError("saved description /etc/x.json is not valid JSON")

    kernel.saved_description = unreadable
    plan = planned(kernel, plan_saved, topology())
    assert actions(plan) == [("saved", "update")]
    assert plan.changes[0].before == {"unreadable": "saved description /etc/x.json is not valid JSON"}


def test_the_saved_form_reads_back_as_the_same_topology():
    original = topology()
    again = Topology.from_saved(original.saved_form(), "lab")
    assert again.saved_form() == original.saved_form()
    assert again.persistent and again.from_saved_file and again.owner == original.owner
    assert not planned(FakeKernel(), plan_saved, again).changed  # the command never writes the file


def test_applying_the_saved_topology_builds_what_the_task_built():
    by_task, by_command = FakeKernel(), FakeKernel()
    converged(by_task, plan_topology, topology())
    converged(by_command, plan_topology, Topology.from_saved(topology().saved_form(), "lab"))
    assert by_task.namespace_names() == by_command.namespace_names() == ["p-1", "p-2"]


@pytest.mark.parametrize("content, message", [
    ({"format": 2, "name": "lab"}, "format 2 and name 'lab' must be 1 and 'lab'"),
    ({"format": 1, "name": "other"}, "must be 1 and 'lab'"),
    ({"format": 1, "name": "lab", "colour": "red"}, r"unknown key\(s\) colour"),
    ({"format": 1, "name": "lab", "links": [{"endpoints": []}]}, "exactly two endpoints"),
])
def test_a_bad_saved_description_is_refused_naming_it(content, message):
    with pytest.raises(ValidationError, match=f"saved description of topology 'lab': .*{message}"):
        Topology.from_saved(content, "lab")


@pytest.mark.parametrize("name", ["../x", "a b", "", ".hidden", "x" * 65, "lab@1"])
def test_a_persistent_topology_needs_a_file_safe_name(name):
    with pytest.raises(ValidationError, match="topology name"):
        topology(name=name)
