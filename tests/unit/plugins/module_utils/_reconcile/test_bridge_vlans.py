"""VLAN-aware bridges, their ports' VLANs and VLAN sub-interfaces: built where the kernel has
802.1Q, refused before any change where it has not (as this project's machines)."""
import pytest

from ansible_collections.linuxnet.netns.plugins.module_utils._description.topology import Topology
from ansible_collections.linuxnet.netns.plugins.module_utils._errors import NotFoundError, ValidationError
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.topology import plan_topology

from ansible_collections.linuxnet.netns.tests.unit.plugins.module_utils._reconcile.fake_kernel import (
    FakeKernel,
    converged,
    planned,
    with_host_nics,
)


def lab(vlan_filtering=True, red=None, blue=None):
    return Topology.from_params({
        "name": "vl",
        "bridges": [{"name": "br0", "netns": "sw", "vlan_filtering": vlan_filtering}],
        "links": [{"endpoints": [{"netns": "red", "name": "eth0"},
                                 {"netns": "sw", "name": "p-red", "bridge": "br0", **(red or {"pvid": 10})}]},
                  {"endpoints": [{"netns": "blue", "name": "eth0"},
                                 {"netns": "sw", "name": "p-blue", "bridge": "br0",
                                  **(blue or {"vlans": [10, 20], "pvid": 30})}]}],
    })


def vlan_kernel():
    kernel = FakeKernel()
    kernel.vlan_filtering = True
    return kernel


def port(kernel, name):
    return kernel.namespaces["sw"].by_name(name)


def test_a_vlan_aware_bridge_and_its_ports_vlans_where_the_kernel_has_them():
    kernel = vlan_kernel()
    converged(kernel, plan_topology, lab())
    assert port(kernel, "br0")["vlan_filtering"] is True
    assert port(kernel, "p-red")["vlans"] == {10: (True, True)}  # the default VLAN 1 gone
    assert port(kernel, "p-blue")["vlans"] == {10: (False, False), 20: (False, False), 30: (True, True)}
    assert not planned(kernel, plan_topology, lab()).changed
    converged(kernel, plan_topology, lab(blue={"vlans": [20]}))
    assert port(kernel, "p-blue")["vlans"] == {20: (False, False)}


def test_a_kernel_without_8021q_refuses_before_any_change():
    kernel = FakeKernel()
    with pytest.raises(NotFoundError, match="has no 802.1Q VLAN support") as raised:
        planned(kernel, plan_topology, lab())
    assert "bridge br0 in namespace 'sw'" in str(raised.value) and "nothing was changed" in str(raised.value)
    assert kernel.requests == [] and kernel.namespace_names() == []


def test_vlan_filtering_false_is_accepted_everywhere():
    kernel = FakeKernel()
    plain = Topology.from_params({"name": "vl", "bridges": [{"name": "br0", "netns": "sw", "vlan_filtering": False}]})
    converged(kernel, plan_topology, plain)
    assert not planned(kernel, plan_topology, plain).changed


@pytest.mark.parametrize("red, message", [
    ({"vlans": [4095]}, "VLAN id 4095 is out of range"),
    ({"pvid": 10, "vlans": [10]}, "both tagged"),
    ({"vlans": "10"}, "vlans must be a list"),
])
def test_bad_vlans_are_named_with_their_endpoint(red, message):
    with pytest.raises(ValidationError, match=message) as raised:
        lab(red=red)
    assert "links[0] endpoints[1]" in str(raised.value)


def test_vlans_need_a_vlan_aware_bridge():
    with pytest.raises(ValidationError, match="need bridge 'br0' to be declared with vlan_filtering: true"):
        lab(vlan_filtering=None)


def sub_interface(vlan_id=10):
    return Topology.from_params({"name": "vl", "namespaces": [
        {"name": "red", "interfaces": [{"name": "lan10", "kind": "vlan", "parent": "eth2", "id": vlan_id}]}]})


def test_a_vlan_sub_interface_where_the_kernel_has_them_and_a_refusal_where_not():
    kernel = with_host_nics()
    with pytest.raises(NotFoundError, match=r"vlan lan10 in namespace 'red': this kernel \(.*\) has no 802.1Q"):
        planned(kernel, plan_topology, sub_interface())
    kernel.link_kinds.add("vlan")
    converged(kernel, plan_topology, sub_interface())
    made = kernel.namespaces["red"].by_name("lan10")
    assert made["kind"] == "vlan" and made["vlan_id"] == 10
    with pytest.raises(ValidationError, match="VLAN id 5000 is out of range"):
        sub_interface(5000)
