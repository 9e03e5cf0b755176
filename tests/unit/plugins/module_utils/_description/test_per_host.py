"""Names unique per host: the same namespace name pinned to several hosts of a fleet is one
namespace per host; what refers to one of them names its host; a real clash names both places."""
import pytest

from ansible_collections.linuxnet.netns.plugins.module_utils._errors import ValidationError
from ansible_collections.linuxnet.netns.plugins.module_utils._description.topology import Topology

FLEET = {"h1": {"address": "198.18.100.11"}, "h2": {"address": "198.18.100.12"}}


def twins(host, **changes):
    """A namespace `lab` with a bridge br0 on each host, the two joined by a tunnel whose ends are
    both called eth0, and a forward into h2's copy."""
    params = {
        "name": "twins", "host": host, "fleet": FLEET, "hosts": True,
        "namespaces": [{"name": "lab", "host": "h1", "loopback": ["198.18.255.1/32"]},
                       {"name": "lab", "host": "h2", "loopback": ["198.18.255.2/32"], "uplink": True}],
        "bridges": [{"name": "br0", "netns": "lab", "host": "h1"}, {"name": "br0", "netns": "lab", "host": "h2"}],
        "links": [{"endpoints": [{"netns": "lab", "host": "h1", "name": "eth0", "bridge": "br0"},
                                 {"netns": "lab", "host": "h2", "name": "eth0", "bridge": "br0"}]}],
        "forwards": [{"port": 8080, "namespace": "lab", "host": "h2", "to_port": 80}],
    }
    params.update(changes)
    return Topology.from_params(params)


def test_each_host_builds_its_own_copy_under_the_plain_name():
    for host in ("h1", "h2"):
        local = twins(host).local
        assert [namespace.name for namespace in local.namespaces()] == ["lab"]
        assert [(bridge.netns, bridge.name) for bridge in local.bridges()] == [("lab", "br0")]
        assert [(end.netns, end.name, end.bridge) for end in local.vxlans()] == [("lab", "eth0", "br0")]
    assert twins("h1").local.vxlans()[0].vni == twins("h2").local.vxlans()[0].vni  # the hosts agree
    assert [uplink.netns for uplink in twins("h2").local.uplinks()] == ["lab"] and twins("h1").local.uplinks() == []
    assert [forward.netns for forward in twins("h2").forwards] == ["lab"]


def test_labels_and_hosts_files_show_the_plain_name_with_its_host():
    h1 = twins("h1")
    assert [h1.placement.label(name) for name in h1.namespaces] == ["h1/lab", "h2/lab"]
    hosts = next(file for file in h1.local.etc_files() if file.name == "hosts").content
    assert "198.18.255.1\tlab\n" in hosts and "198.18.255.2\tlab.h2\n" in hosts


@pytest.mark.parametrize("changes, message", [
    ({"namespaces": [{"name": "lab", "host": "h1"}, {"name": "lab"}]},
     r"namespaces\[1\]: namespace 'lab' is listed twice \(also namespaces\[0\]\); a name may be used once per host"),
    ({"namespaces": [{"name": "lab", "host": "h1"}, {"name": "lab", "host": "h1"}]},
     r"namespaces\[0\] and namespaces\[1\]: namespace 'lab' is listed twice on host 'h1'"),
    ({"bridges": [{"name": "br0", "netns": "lab"}]},
     r"bridges\[0\]: namespace 'lab' is on hosts h1, h2: give the host it is on"),
    ({"links": [{"endpoints": [{"netns": "lab", "name": "eth0"}, {"netns": "lab", "host": "h2", "name": "eth0"}]}]},
     r"links\[0\] endpoints\[0\]: namespace 'lab' is on hosts h1, h2: give the host"),
    ({"links": [{"endpoints": [{"netns": "lab", "host": "h3", "name": "eth0"}, {"netns": "lab", "host": "h2", "name": "x"}]}]},
     r"links\[0\] endpoints\[0\]: namespace 'lab' is not on host 'h3'"),
    ({"forwards": [{"port": 8080, "namespace": "lab", "to_port": 80}]},
     r"forwards\[0\]: namespace 'lab' is on hosts h1, h2: give the host"),
])
def test_a_real_clash_or_an_ambiguous_reference_is_refused_naming_both(changes, message):
    with pytest.raises(ValidationError, match=message):
        twins("h1", **changes)


def test_a_name_once_per_host_needs_no_host_on_what_refers_to_it():
    plain = Topology.from_params({"name": "plain", "namespaces": [{"name": "a"}, {"name": "b"}],
                                  "links": [{"endpoints": [{"netns": "a", "name": "x"}, {"netns": "b", "name": "x"}]}]})
    assert sorted(plain.namespaces) == ["a", "b"]


def lan_bridges(host, **changes):
    """A bridge br0 in each host's own namespace, each with a namespace of that host on it."""
    params = {
        "name": "lans", "host": host, "fleet": FLEET,
        "namespaces": [{"name": "a", "host": "h1"}, {"name": "b", "host": "h2"}],
        "bridges": [{"name": "br0", "host": "h1", "addresses": ["198.18.80.1/24"]},
                    {"name": "br0", "host": "h2", "addresses": ["198.18.81.1/24"]}],
        "links": [{"endpoints": [{"netns": "a", "name": "eth0", "addresses": ["198.18.80.2/24"]},
                                 {"name": "p-a", "host": "h1", "bridge": "br0"}]},
                  {"endpoints": [{"netns": "b", "name": "eth0", "addresses": ["198.18.81.2/24"]},
                                 {"name": "p-b", "host": "h2", "bridge": "br0"}]}],
    }
    params.update(changes)
    return Topology.from_params(params)


def test_a_bridge_of_the_hosts_own_namespace_may_have_the_same_name_on_each_host():
    for host, port in (("h1", "p-a"), ("h2", "p-b")):
        local = lan_bridges(host).local
        assert [(bridge.netns, bridge.name) for bridge in local.bridges()] == [(None, "br0")]
        assert [(veth.peer, veth.peer_bridge) for veth in local.veths()] == [(port, "br0")]


@pytest.mark.parametrize("changes, message", [
    ({"bridges": [{"name": "br0", "host": "h1"}, {"name": "br0"}]}, r"bridges\[1\]: bridge 'br0' is listed twice"),
    ({"bridges": [{"name": "br0", "host": "h1"}, {"name": "br0", "host": "h1"}]},
     r"bridges\[0\] and bridges\[1\]: bridge 'br0' is listed twice on host 'h1'"),
    ({"links": [{"endpoints": [{"netns": "a", "name": "eth0"}, {"name": "p-a", "bridge": "br0"}]}]},
     r"links\[0\] endpoints\[1\]: bridge 'br0' of the hosts' own namespace is on hosts h1, h2: give the endpoint's host"),
])
def test_host_bridges_of_one_name_need_their_hosts(changes, message):
    with pytest.raises(ValidationError, match=message):
        lan_bridges("h1", **changes)
