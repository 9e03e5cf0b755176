import ipaddress

import pytest

from ansible_collections.linuxnet.netns.plugins.module_utils._errors import ConflictError, ValidationError
from ansible_collections.linuxnet.netns.plugins.module_utils._description.model import AddressSet, Vxlan
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.address import plan_addresses
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.vxlan import plan_vxlan
from ansible_collections.linuxnet.netns.tests.unit.plugins.module_utils._reconcile.fake_kernel import (
    FakeKernel,
    actions,
    converged,
    planned,
)

OWNER = "linuxnet.netns:t"


def vxlan(**params):
    return Vxlan.from_params({"name": "tun0", "netns": "red", "vni": 42, "local": "198.18.100.11",
                              "remote": "198.18.100.12", **params})


@pytest.fixture
def kernel():
    kernel = FakeKernel()
    kernel.add_namespace("red")
    host = kernel.namespaces[None]
    index = host.add_link("eth0", "device", up=True, mtu=9000)
    host.addresses.append((index, ipaddress.ip_interface("198.18.100.11/24")))
    kernel.add_namespace("host-eth0-twin").add_link("tun0", "device")  # elsewhere: no obstacle
    return kernel


def test_a_tunnel_end_is_made_in_the_underlay_then_moved_in_with_the_underlay_mtu_less_50(kernel):
    assert actions(planned(kernel, plan_vxlan, vxlan(owner=OWNER))) == [("vxlan", "create")]
    converged(kernel, plan_vxlan, vxlan(owner=OWNER))
    made = kernel.link("red", "tun0")
    assert made["vxlan"]["vni"] == 42 and made["vxlan"]["port"] == 4789 and made["up"]
    assert str(made["vxlan"]["remote"]) == "198.18.100.12" and made["mtu"] == 8950
    assert [what for what, netns, _name in kernel.requests][:2] == ["add vxlan", "set link"]  # marked before moving
    assert ("move link", None) in [(what, netns) for what, netns, _name in kernel.requests]
    assert not [link for link in kernel.namespaces[None].links.values() if link["kind"] == "vxlan"]
    assert made["alias"] == OWNER
    assert not planned(kernel, plan_vxlan, vxlan(owner=OWNER)).changed


def test_an_ipv6_underlay_takes_70_bytes(kernel):
    host = kernel.namespaces[None]
    host.addresses.append((kernel.link(None, "eth0")["index"], ipaddress.ip_interface("2001:db8:100::11/64")))
    converged(kernel, plan_vxlan, vxlan(local="2001:db8:100::11", remote="2001:db8:100::12"))
    assert kernel.link("red", "tun0")["mtu"] == 8930


def test_drift_in_peer_local_and_mtu_is_corrected_in_place(kernel):
    converged(kernel, plan_vxlan, vxlan())
    kernel.link("red", "tun0")["up"] = False
    plan = converged(kernel, plan_vxlan, vxlan(remote="198.18.100.13", mtu=1400))
    assert actions(plan) == [("vxlan", "update")]
    assert plan.changes[0].before["remotes"] == ["198.18.100.12"] and plan.changes[0].after["mtu"] == 1400
    made = kernel.link("red", "tun0")
    assert str(made["vxlan"]["remote"]) == "198.18.100.13" and made["mtu"] == 1400 and made["up"]
    assert not planned(kernel, plan_vxlan, vxlan(remote="198.18.100.13", mtu=1400)).changed


def test_another_vni_or_port_needs_force(kernel):
    converged(kernel, plan_vxlan, vxlan())
    with pytest.raises(ConflictError, match="has vni 42; asked for vni 43, which the kernel cannot change in place"):
        planned(kernel, plan_vxlan, vxlan(vni=43))
    plan = converged(kernel, plan_vxlan, vxlan(port=8472, force=True))
    assert actions(plan) == [("vxlan", "recreate")]
    assert kernel.link("red", "tun0")["vxlan"]["port"] == 8472


def test_several_peers_are_flooded_through_static_entries_without_learning(kernel):
    peers = ["198.18.100.12", "198.18.100.13"]
    converged(kernel, plan_vxlan, vxlan(remote=None, remotes=peers))
    made = kernel.link("red", "tun0")
    assert made["vxlan"]["learning"] is False and made["vxlan"]["remote"] is None
    assert sorted(map(str, made["flood"])) == peers
    plan = converged(kernel, plan_vxlan, vxlan(remote=None, remotes=peers[1:] + ["198.18.100.14"]))
    assert actions(plan) == [("vxlan", "update")]
    assert sorted(map(str, made["flood"])) == ["198.18.100.13", "198.18.100.14"]


def test_a_bridge_port_and_a_name_taken_by_something_else(kernel):
    kernel.netlink("red").add_bridge("br0")
    converged(kernel, plan_vxlan, vxlan(bridge="br0"))
    assert kernel.link("red", "tun0")["master"] == kernel.link("red", "br0")["index"]
    with pytest.raises(ConflictError, match="'br0' in namespace 'red' is a bridge, not a vxlan"):
        planned(kernel, plan_vxlan, vxlan(name="br0"))


def test_absent_removes_what_the_owner_made_and_its_leftovers_in_the_underlay(kernel):
    converged(kernel, plan_vxlan, vxlan(owner=OWNER))
    kernel.netlink(None).add_vxlan("lnvx0123456789", 42, 4789)  # a run killed before the move
    kernel.link(None, "lnvx0123456789")["alias"] = OWNER
    plan = converged(kernel, plan_vxlan, vxlan(state="absent", owner=OWNER))
    assert sorted(change.target for change in plan.changes) == [
        "vxlan lnvx0123456789 in the host namespace", "vxlan tun0 in namespace 'red'"]
    assert kernel.link("red", "tun0") is None and kernel.link(None, "lnvx0123456789") is None
    converged(kernel, plan_vxlan, vxlan())
    assert planned(kernel, plan_vxlan, vxlan(state="absent", owner=OWNER)).kept[0]["target"] == \
        "vxlan tun0 in namespace 'red'"


@pytest.mark.parametrize("params, message", [
    ({"vni": 0}, "out of range"),
    ({"vni": 2 ** 24}, "out of range"),
    ({"port": 70000}, "out of range"),
    ({"remote": None}, "give remote or remotes"),
    ({"remotes": ["198.18.100.13"]}, "not both"),
    ({"remote": "2001:db8::1"}, "mix IPv4 and IPv6"),
    ({"remote": "not-an-address"}, "not a valid IPv4 or IPv6 address"),
    ({"name": "x" * 16}, "16 bytes long"),
])
def test_bad_input_is_refused_naming_it(params, message):
    with pytest.raises(ValidationError, match=message):
        vxlan(**params)


def test_addresses_on_a_tunnel_end_work_as_on_any_interface(kernel):
    converged(kernel, plan_vxlan, vxlan())
    converged(kernel, plan_addresses, AddressSet.from_params({"interface": "tun0", "netns": "red",
                                                              "addresses": ["198.18.200.1/24"]}))
    assert kernel.namespaces["red"].addresses[-1][1] == ipaddress.ip_interface("198.18.200.1/24")
