import pytest

from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.plan import Plan


def recorded():
    ran = []
    plan = Plan()
    plan.add("netns", "netns a", "create", None, {"name": "a"}, lambda: ran.append("a"))
    plan.at_end(lambda: ran.append("last"))
    plan.add("veth", "veth x", "recreate", {"peer": "old"}, {"peer": "new"}, lambda: ran.append("x"))
    plan.add("bridge", "bridge b", "update", {"mtu": 1500}, {"mtu": 9000}, lambda: ran.append("b"))
    plan.add("route", "route r", "delete", {"to": "default"}, None, lambda: ran.append("r"))
    return plan, ran


def test_changes_run_in_order_and_deferred_steps_after_all_of_them():
    plan, ran = recorded()
    assert ran == [] and plan.changed
    plan.apply()
    assert ran == ["a", "x", "b", "r", "last"]


def test_the_summary_groups_targets_by_action():
    plan, _ran = recorded()
    assert plan.by_action() == {
        "counts": {"create": 1, "update": 1, "delete": 1, "recreate": 1},
        "created": ["netns a", "veth x"],
        "updated": ["bridge b"],
        "removed": ["route r"],
    }
    assert plan.summary()[1] == {"kind": "veth", "target": "veth x", "action": "recreate"}


def test_the_diff_leaves_out_what_did_not_exist_before_or_after():
    plan, _ran = recorded()
    diff = plan.diff()
    assert set(diff["before"]) == {"veth x", "bridge b", "route r"}
    assert set(diff["after"]) == {"netns a", "veth x", "bridge b"}


def test_a_failing_change_leaves_applied_listing_what_was_done():
    plan = Plan()
    plan.add("netns", "netns a", "create", None, {}, lambda: None)
    plan.add("netns", "netns b", "create", None, {}, lambda: 1 / 0)
    plan.add("netns", "netns c", "create", None, {}, lambda: None)
    with pytest.raises(ZeroDivisionError):
        plan.apply()
    assert [change.target for change in plan.applied] == ["netns a"]


def test_an_empty_plan_is_no_change():
    plan = Plan()
    assert not plan.changed and plan.diff() == {"before": {}, "after": {}} and plan.kept == []
    plan.keep("netns x", "not ours")
    assert not plan.changed and plan.kept == [{"target": "netns x", "reason": "not ours"}]
