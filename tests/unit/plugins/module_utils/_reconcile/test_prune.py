"""prune removes every kind a topology makes once it is no longer described, and nothing else."""
import ipaddress

import pytest

from ansible_collections.linuxnet.netns.plugins.module_utils._description.topology import Topology
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.topology import plan_topology

from ansible_collections.linuxnet.netns.tests.unit.plugins.module_utils._reconcile.fake_kernel import (
    converged,
    planned,
    with_host_nics,
)

FLEET = {"h1": {"address": "198.18.100.11"}, "h2": {"address": "198.18.100.12"}}
EVERY_KIND = {
    "name": "lab", "host": "h1", "fleet": FLEET, "uplink_range": "198.19.0.0/24",
    "namespaces": [
        {"name": "red", "host": "h1", "interfaces": [{"name": "eth1", "kind": "moved"}, {"name": "mv0", "parent": "eth2"}]},
        {"name": "hub", "host": "h1"},
        {"name": "blue", "host": "h2"},
        {"name": "web", "host": "h1", "uplink": True},
    ],
    "bridges": [{"name": "br0", "netns": "hub"}],
    "links": [
        {"endpoints": [{"netns": "red", "name": "lan"}, {"netns": "hub", "name": "p-red", "bridge": "br0"}]},
        {"endpoints": [{"netns": "red", "name": "eth0", "addresses": ["198.18.60.1/24"]},
                       {"netns": "blue", "name": "eth0", "addresses": ["198.18.60.2/24"]}]},
        {"endpoints": [{"name": "lab0", "addresses": ["198.18.61.1/30"]},
                       {"netns": "red", "name": "host0", "addresses": ["198.18.61.2/30"]}]},
    ],
}
SMALLER = {**EVERY_KIND, "prune": True, "bridges": [], "links": [],
           "namespaces": [{"name": "red", "host": "h1"}, {"name": "blue", "host": "h2"}, {"name": "web", "host": "h1"}]}


@pytest.fixture
def kernel():
    return with_host_nics()


def kinds_of(kernel, netns):
    return {link["name"]: link["kind"] for link in kernel.namespaces[netns].links.values()}


def test_every_kind_no_longer_described_is_removed_and_a_second_run_changes_nothing(kernel):
    converged(kernel, plan_topology, Topology.from_params(EVERY_KIND))
    assert kinds_of(kernel, "red") == {"lo": "loopback", "lan": "veth", "eth0": "vxlan", "host0": "veth",
                                       "eth1": "device", "mv0": "macvlan"}
    assert {"lab0", "up-web"} <= set(kinds_of(kernel, None)) and kernel.nft_tables
    plan = converged(kernel, plan_topology, Topology.from_params(SMALLER))
    removed = plan.by_action()["removed"]
    assert "netns hub" in removed and "host interface eth1 in namespace 'red'" in removed
    assert {"macvlan mv0 in namespace 'red'", "vxlan eth0 in namespace 'red'"} <= set(removed)
    assert kinds_of(kernel, "red") == {"lo": "loopback"}
    host = kinds_of(kernel, None)
    assert "lab0" not in host and "up-web" not in host and host["eth1"] == "device"
    back = kernel.namespaces[None].by_name("eth1")["index"]
    assert (back, ipaddress.ip_interface("198.18.201.5/24")) in kernel.namespaces[None].addresses
    assert kernel.nft_tables == {} and kernel.records == {}
    assert kernel.namespaces[None].sysctls["net.ipv4.conf.eth0.forwarding"] == "0"
    assert sorted(kernel.namespace_names()) == ["red", "web"]
    assert not planned(kernel, plan_topology, Topology.from_params(SMALLER)).changed


def test_what_the_topology_did_not_make_is_left_where_it_is(kernel):
    converged(kernel, plan_topology, Topology.from_params(EVERY_KIND))
    red = kernel.namespaces["red"]
    red.add_link("vx-user", "vxlan", vxlan={"vni": 9, "local": None, "remote": None, "port": 4789, "learning": True})
    red.add_link("mv-user", "macvlan", parent=(None, kernel.namespaces[None].by_name("eth2")["index"]), mode=4)
    kernel.add_namespace("hub2", owner="linuxnet.netns:other")
    converged(kernel, plan_topology, Topology.from_params(SMALLER))
    assert set(kinds_of(kernel, "red")) == {"lo", "vx-user", "mv-user"} and "hub2" in kernel.namespaces
