import pytest

from ansible_collections.linuxnet.netns.plugins.module_utils._errors import ConflictError, NotFoundError
from ansible_collections.linuxnet.netns.plugins.module_utils._description.model import Veth
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.veth import plan_veth

from ansible_collections.linuxnet.netns.tests.unit.plugins.module_utils._reconcile.fake_kernel import (
    FakeKernel,
    FakeNetlink,
    actions,
    converged,
    planned,
    with_namespaces,
)

OWNER = "linuxnet.netns:t"


def veth(**params):
    return Veth.from_params({"name": "eth0", "netns": "red", "peer": "eth0", "peer_netns": "blue", **params})


@pytest.fixture
def kernel():
    return with_namespaces("red", "blue")


def test_a_pair_is_made_with_each_end_in_its_namespace_and_both_up(kernel):
    wanted = veth(mtu=9000)
    assert actions(planned(kernel, plan_veth, wanted)) == [("veth", "create")]
    assert kernel.requests == []
    converged(kernel, plan_veth, wanted)
    red, blue = kernel.link("red", "eth0"), kernel.link("blue", "eth0")
    assert red["peer"] == ("blue", blue["index"]) and blue["peer"] == ("red", red["index"])
    assert red["up"] and blue["up"] and red["mtu"] == blue["mtu"] == 9000
    assert not planned(kernel, plan_veth, wanted).changed


def test_the_peer_end_carries_the_owner_marker(kernel):
    converged(kernel, plan_veth, Veth(name="eth0", netns="red", peer="eth0", peer_netns="blue", owner=OWNER))
    assert kernel.link("blue", "eth0")["alias"] == OWNER


def test_a_missing_namespace_is_named(kernel):
    with pytest.raises(NotFoundError, match="namespace 'green' does not exist"):
        planned(kernel, plan_veth, veth(peer_netns="green"))


def test_mtu_drift_and_a_down_end_are_corrected_in_place(kernel):
    converged(kernel, plan_veth, veth())
    kernel.link("blue", "eth0")["up"] = False
    plan = converged(kernel, plan_veth, veth(mtu=1400))
    assert actions(plan) == [("veth", "update")]
    assert plan.changes[0].before["peer_up"] is False and plan.changes[0].before["mtu"] == 1500
    assert kernel.link("blue", "eth0")["up"] and kernel.link("red", "eth0")["mtu"] == 1400
    assert not planned(kernel, plan_veth, veth(mtu=1400)).changed


def test_a_pair_with_another_peer_is_a_conflict_unless_forced(kernel):
    kernel.add_namespace("green")
    converged(kernel, plan_veth, veth(peer_netns="green"))
    with pytest.raises(ConflictError, match="exists with peer 'eth0' in namespace 'green'.*force: true"):
        planned(kernel, plan_veth, veth())
    plan = converged(kernel, plan_veth, veth(force=True))
    assert actions(plan) == [("veth", "recreate")]
    assert kernel.link("green", "eth0") is None
    assert kernel.link("blue", "eth0")["peer"][0] == "red"


def test_a_taken_peer_name_is_a_conflict_naming_its_kind(kernel):
    kernel.netlink("blue").add_bridge("eth0")
    with pytest.raises(ConflictError, match="peer name 'eth0' is already taken by a bridge in namespace 'blue'"):
        planned(kernel, plan_veth, veth())


def test_a_pair_made_by_a_concurrent_run_between_our_two_reads_is_taken_as_it_is(kernel, monkeypatch):
    first_look = FakeNetlink.link_named

    def another_run_makes_the_pair_after_this_look(session, name):
        found = first_look(session, name)
        if (session.netns, name) == ("red", "eth0") and found is None and kernel.link("blue", "eth0") is None:
            kernel.netlink("red").add_veth("eth0", "eth0", kernel.netlink("blue"))
            kernel.link("blue", "eth0")["up"] = True
        return found

    monkeypatch.setattr(FakeNetlink, "link_named", another_run_makes_the_pair_after_this_look)
    assert not planned(kernel, plan_veth, veth()).changed


def test_a_peer_namespace_read_before_a_concurrent_run_made_the_pair_is_asked_again(kernel):
    def read_blue_then_another_run_makes_the_pair(view, wanted, plan):
        view.links("blue")
        kernel.netlink("red").add_veth("eth0", "eth0", kernel.netlink("blue"))
        kernel.link("blue", "eth0")["up"] = True
        plan_veth(view, wanted, plan)

    assert not planned(kernel, read_blue_then_another_run_makes_the_pair, veth()).changed


def test_an_end_on_a_bridge_needs_a_bridge(kernel):
    with pytest.raises(NotFoundError, match="interface 'br0' does not exist in namespace 'blue'"):
        planned(kernel, plan_veth, veth(peer_bridge="br0"))
    kernel.netlink("blue").add_bridge("br0")
    converged(kernel, plan_veth, veth(peer_bridge="br0"))
    assert kernel.link("blue", "eth0")["master"] == kernel.link("blue", "br0")["index"]
    assert not planned(kernel, plan_veth, veth(peer_bridge="br0")).changed


def test_absent_removes_the_pair_from_either_end(kernel):
    converged(kernel, plan_veth, veth())
    plan = converged(kernel, plan_veth, Veth(name="nothere", netns="red", peer="eth0", peer_netns="blue",
                                             state="absent"))
    assert actions(plan) == [("veth", "delete")]
    assert kernel.link("red", "eth0") is None and kernel.link("blue", "eth0") is None


def test_absent_with_an_owner_keeps_a_pair_it_did_not_make(kernel):
    converged(kernel, plan_veth, veth())
    plan = planned(kernel, plan_veth, Veth(name="eth0", netns="red", peer="eth0", peer_netns="blue",
                                           state="absent", owner=OWNER))
    assert not plan.changed and plan.kept[0]["target"] == "veth eth0 in namespace 'red'"


def test_absent_removes_an_unmarked_pair_inside_an_owned_namespace():
    kernel = FakeKernel()
    kernel.add_namespace("red", owner=OWNER)
    kernel.add_namespace("blue")
    converged(kernel, plan_veth, veth())  # made, then the run crashed before marking it
    plan = planned(kernel, plan_veth, Veth(name="eth0", netns="blue", peer="eth0", peer_netns="red",
                                           state="absent", owner=OWNER))
    assert actions(plan) == [("veth", "delete")]


def test_absent_refuses_to_remove_something_that_is_not_a_veth(kernel):
    kernel.netlink("red").add_bridge("eth0")
    with pytest.raises(ConflictError, match="is a bridge, not a veth"):
        planned(kernel, plan_veth, veth(state="absent"))
