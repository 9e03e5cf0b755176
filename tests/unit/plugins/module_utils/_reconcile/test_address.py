import ipaddress

from ansible_collections.linuxnet.netns.plugins.module_utils._description.model import AddressSet
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.address import plan_addresses
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.plan import Plan

LINK_LOCAL = "fe80::1/64"


class FakeView:
    """The part of KernelView the address reconciler reads, holding one interface's addresses."""

    def __init__(self, addresses):
        self._addresses = [ipaddress.ip_interface(a) for a in addresses]
        self.ip = self  # addresses are the view's ip part

    def require_namespace(self, netns):
        pass

    def require_link(self, netns, name):
        pass

    def is_new_link(self, netns, name):
        return False

    def addresses_of(self, netns, name):
        return self._addresses

    def expect_addresses(self, netns, name, addresses):
        self._addresses = list(addresses)


def planned(current, **params):
    wanted = AddressSet.from_params({"interface": "eth0", "netns": "red", **params})
    plan = Plan()
    after = plan_addresses(FakeView(current), wanted, plan)
    return plan, after


def test_missing_addresses_are_added_in_listed_order():
    plan, after = planned([LINK_LOCAL], addresses=["2001:db8::1/64", "198.18.0.1/24"])
    assert [c.action for c in plan.changes] == ["create"]
    assert after == ["2001:db8::1/64", "198.18.0.1/24"]


def test_equal_after_normalisation_is_no_change():
    plan, after = planned(["198.18.0.1/24", "2001:db8::1/64"], addresses=["2001:DB8:0::1/64", "198.18.0.1/24"])
    assert not plan.changed
    assert after == ["198.18.0.1/24", "2001:db8::1/64"]


def test_other_prefix_of_the_same_address_is_replaced():
    plan, after = planned(["2001:db8::1/64"], addresses=["2001:db8::1/80"])
    assert plan.changed
    assert after == ["2001:db8::1/80"]
    assert plan.diff()["before"][plan.changes[0].target]["addresses"] == ["2001:db8::1/64"]


def test_unlisted_addresses_stay_unless_exclusive():
    plan, after = planned(["198.18.0.9/24"], addresses=["198.18.0.1/24"])
    assert after == ["198.18.0.9/24", "198.18.0.1/24"]
    plan, after = planned(["198.18.0.9/24", LINK_LOCAL], addresses=["198.18.0.1/24"], exclusive=True)
    assert after == ["198.18.0.1/24"]


def test_exclusive_keeps_the_kernel_link_local_address():
    plan, unused_after = planned([LINK_LOCAL, "198.18.0.1/24"], addresses=["198.18.0.1/24"], exclusive=True)
    assert not plan.changed


def test_absent_removes_only_listed_addresses_that_exist():
    plan, after = planned(["198.18.0.1/24", "198.18.0.2/24"], addresses=["198.18.0.1/24", "198.18.5.5/24"],
                          state="absent")
    assert plan.changed
    assert after == ["198.18.0.2/24"]
    plan, unused_after = planned(["198.18.0.2/24"], addresses=["198.18.0.1/24"], state="absent")
    assert not plan.changed


def test_plan_applies_nothing_until_asked():
    plan, unused_after = planned([], addresses=["198.18.0.1/24"])
    ran = []
    plan.changes[0].run = lambda: ran.append(True)
    assert ran == []
    plan.apply()
    assert ran == [True]
    assert plan.by_action()["counts"]["create"] == 1


def test_actions_say_whether_addresses_appear_change_or_go():
    assert planned([LINK_LOCAL], addresses=["198.18.0.1/24"])[0].changes[0].action == "create"
    assert planned(["198.18.0.1/24"], addresses=["198.18.0.2/24"])[0].changes[0].action == "update"
    assert planned(["198.18.0.1/24"], addresses=["198.18.0.1/24"], state="absent")[0].changes[0].action == "delete"
