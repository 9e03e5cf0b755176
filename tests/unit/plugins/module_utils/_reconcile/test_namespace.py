import pytest

from ansible_collections.linuxnet.netns.plugins.module_utils._errors import ConflictError, NotFoundError
from ansible_collections.linuxnet.netns.plugins.module_utils._description.model import Namespace
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.namespace import plan_namespace

from ansible_collections.linuxnet.netns.tests.unit.plugins.module_utils._reconcile.fake_kernel import (
    FakeKernel,
    actions,
    converged,
    planned,
)

OWNER = "linuxnet.netns:t"


def namespace(**params):
    return Namespace.from_params({"name": "red", **params})


def test_a_missing_namespace_is_created_with_its_sysctls_and_then_left_alone():
    kernel = FakeKernel()
    wanted = namespace(sysctls={"net.ipv4.ip_forward": 1})
    check = planned(kernel, plan_namespace, wanted)
    assert actions(check) == [("netns", "create")]
    assert kernel.requests == []  # planning changes nothing
    converged(kernel, plan_namespace, wanted)
    assert kernel.read_sysctl("red", "net.ipv4.ip_forward") == "1"
    assert kernel.loopback_up("red")
    assert not planned(kernel, plan_namespace, wanted).changed


def test_an_unknown_sysctl_is_refused_before_anything_is_made():
    kernel = FakeKernel()
    with pytest.raises(NotFoundError, match="sysctl net.ipv4.no_such_key does not exist"):
        planned(kernel, plan_namespace, namespace(sysctls={"net.ipv4.no_such_key": 1}))
    assert kernel.requests == []


def test_loopback_down_and_a_differing_sysctl_are_updated_in_place():
    kernel = FakeKernel()
    kernel.add_namespace("red", lo_up=False)
    plan = converged(kernel, plan_namespace, namespace(sysctls={"net.ipv4.ip_forward": 1}))
    assert actions(plan) == [("netns", "update")]
    assert plan.changes[0].before == {"name": "red", "loopback_up": False, "sysctls": {"net.ipv4.ip_forward": "0"}}
    assert kernel.loopback_up("red") and kernel.read_sysctl("red", "net.ipv4.ip_forward") == "1"
    assert ("create namespace", "red", None) not in kernel.requests


def test_a_namespace_made_concurrently_is_updated_rather_than_failed():
    kernel = FakeKernel()
    wanted = namespace(sysctls={"net.ipv4.ip_forward": 1})
    plan = planned(kernel, plan_namespace, wanted)
    kernel.add_namespace("red")  # another run made it between our look and our create
    plan.apply()
    assert kernel.read_sysctl("red", "net.ipv4.ip_forward") == "1"


def test_absent_removes_only_what_the_owner_marked():
    kernel = FakeKernel()
    kernel.add_namespace("red", owner=OWNER)
    kernel.add_namespace("blue")
    mine = planned(kernel, plan_namespace, Namespace(name="red", state="absent", owner=OWNER))
    assert actions(mine) == [("netns", "delete")]
    theirs = planned(kernel, plan_namespace, Namespace(name="blue", state="absent", owner=OWNER))
    assert not theirs.changed
    assert theirs.kept == [{"target": "netns blue", "reason": f"not marked as made by {OWNER}"}]


def test_absent_of_a_missing_namespace_is_no_change():
    assert not planned(FakeKernel(), plan_namespace, namespace(state="absent")).changed


@pytest.mark.parametrize("policy", ["fail", "detach", "kill"])
def test_a_busy_namespace_follows_its_policy(policy):
    kernel = FakeKernel()
    kernel.add_namespace("red")
    kernel.processes["red"] = [(4242, "sleep")]
    wanted = namespace(state="absent", when_busy=policy)
    if policy == "fail":
        with pytest.raises(ConflictError, match=r"in use by 1 process\(es\): 4242 \(sleep\)"):
            planned(kernel, plan_namespace, wanted)
        assert "red" in kernel.namespaces
        return
    plan = converged(kernel, plan_namespace, wanted)
    assert plan.changes[0].before == {"name": "red", "processes": [4242]}
    assert "red" not in kernel.namespaces
    assert kernel.killed == ([4242] if policy == "kill" else [])
