"""Two topologies that describe the same namespace and bridges share them (issue 22, item 8): both
markers on them, and absent of one removes only what that one alone made."""
from ansible_collections.linuxnet.netns.plugins.module_utils._description.topology import Topology
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.topology import plan_topology

from ansible_collections.linuxnet.netns.tests.unit.plugins.module_utils._reconcile.fake_kernel import (
    FakeKernel,
    converged,
    planned,
)


def topology(name, state="present"):
    return Topology.from_params({
        "name": name, "state": state,
        "namespaces": [{"name": "hub"}, {"name": f"{name}1"}],
        "bridges": [{"name": "br0", "netns": "hub"}, {"name": "brh"}],
        "links": [
            {"endpoints": [{"netns": f"{name}1", "name": "eth0"}, {"netns": "hub", "name": f"p{name}", "bridge": "br0"}]},
            {"endpoints": [{"name": f"h{name}", "bridge": "brh"}, {"netns": f"{name}1", "name": "up0"}]},
        ],
    })


def ports(kernel, netns, bridge):
    index = kernel.link(netns, bridge)["index"]
    return sorted(link["name"] for link in kernel.namespaces[netns].links.values() if link["master"] == index)


def test_a_shared_namespace_and_bridges_carry_both_markers_and_stay_until_the_last_goes():
    kernel = FakeKernel()
    converged(kernel, plan_topology, topology("a"))
    converged(kernel, plan_topology, topology("b"))
    both = "linuxnet.netns:a linuxnet.netns:b"
    assert kernel.link("hub", "lo")["alias"] == both and kernel.owner_records["hub"] == both
    assert kernel.link("hub", "br0")["alias"] == both and kernel.link(None, "brh")["alias"] == both
    assert not planned(kernel, plan_topology, topology("b")).changed
    assert not planned(kernel, plan_topology, topology("a")).changed

    converged(kernel, plan_topology, topology("a", "absent"))
    assert kernel.namespace_names() == ["b1", "hub"]
    assert ports(kernel, "hub", "br0") == ["pb"] and ports(kernel, None, "brh") == ["hb"]
    assert kernel.link("hub", "lo")["alias"] == "linuxnet.netns:b" and kernel.owner_records["hub"] == "linuxnet.netns:b"
    assert kernel.link("hub", "br0")["alias"] == "linuxnet.netns:b" and kernel.link(None, "ha") is None
    assert not planned(kernel, plan_topology, topology("a", "absent")).changed

    converged(kernel, plan_topology, topology("b", "absent"))
    assert kernel.namespace_names() == [] and kernel.link(None, "brh") is None and kernel.link(None, "hb") is None


def test_the_users_own_bridge_is_used_but_never_marked():
    kernel = FakeKernel()
    kernel.netlink(None).add_bridge("brh")
    converged(kernel, plan_topology, topology("a"))
    assert kernel.link(None, "brh")["alias"] is None
    converged(kernel, plan_topology, topology("a", "absent"))
    assert kernel.link(None, "brh") is not None and ports(kernel, None, "brh") == []
