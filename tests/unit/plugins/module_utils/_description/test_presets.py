import pytest

from ansible_collections.linuxnet.netns.plugins.module_utils._errors import ValidationError
from ansible_collections.linuxnet.netns.plugins.module_utils._description.presets import expand, merge
from ansible_collections.linuxnet.netns.plugins.module_utils._verify.reachability import probes_for
from ansible_collections.linuxnet.netns.plugins.module_utils._description.description import Description
from ansible_collections.linuxnet.netns.plugins.module_utils._description.topology import Topology
from ansible_collections.linuxnet.netns.plugins.module_utils._description.checks import segments


def build(preset):
    description = expand(preset)
    return description, Topology(Description(description["namespaces"], description["bridges"], description["links"]))


def routed_pairs(topology):
    return {(p.source, p.target, p.address.version) for p in probes_for(topology)}


def every_pair(names, versions):
    return {(a, b, v) for a in names for b in names for v in versions if a != b}


def test_pair():
    description, topology = build({"name": "pair", "prefix": "t"})
    assert [n["name"] for n in description["namespaces"]] == ["t-1", "t-2"]
    assert description["links"][0]["endpoints"][0]["addresses"] == ["198.18.0.1/24"]
    assert routed_pairs(topology) == every_pair(["t-1", "t-2"], [4])


def test_star_puts_every_leaf_on_the_hub_bridge():
    description, topology = build({"name": "star", "size": 10, "ipv6": "2001:db8:5::/48"})
    assert len(description["links"]) == 10
    assert {link["endpoints"][1]["bridge"] for link in description["links"]} == {"br0"}
    assert description["bridges"][0]["addresses"] == ["198.18.0.1/16", "2001:db8:5::1/64"]
    leaves = [f"lab-{i}" for i in range(1, 11)]
    assert len(segments(topology)) == 1
    # a big segment is probed member <-> first address, in both families
    assert {(p.source, p.target) for p in probes_for(topology) if p.kind == "segment"} >= {
        (leaf, "lab-hub") for leaf in leaves}


@pytest.mark.parametrize("size", [2, 3, 4, 9])
def test_linear_routes_every_pair_both_ways(size):
    description, topology = build({"name": "linear", "size": size, "ipv6": "2001:db8::/48"})
    names = [f"lab-{i}" for i in range(1, size + 1)]
    assert routed_pairs(topology) == every_pair(names, [4, 6])
    middles = [n for n in description["namespaces"] if n.get("forwarding")]
    assert len(middles) == size - 2


def test_linear_routes_stay_few():
    description, _topology = build({"name": "linear", "size": 100})
    routes = sum(len(n.get("routes", [])) for n in description["namespaces"])
    assert routes < 100 * 8


@pytest.mark.parametrize("size, fanout", [(7, 2), (10, 3), (2, 2)])
def test_tree_routes_every_pair_both_ways(size, fanout):
    description, topology = build({"name": "tree", "size": size, "fanout": fanout})
    names = [f"lab-{i}" for i in range(1, size + 1)]
    assert routed_pairs(topology) == every_pair(names, [4])


@pytest.mark.parametrize(
    "preset, message",
    [
        ({"name": "ring"}, "not one of"),
        ({"name": "star", "size": 1}, "at least 2"),
        ({"name": "star", "size": "many"}, "must be an integer"),
        ({"name": "star", "size": 300, "ipv4": "198.18.0.0/24"}, "room for"),
        ({"name": "linear", "ipv4": "2001:db8::/64"}, "must be an IPv4 network"),
        ({"name": "pair", "colour": "red"}, "unknown key"),
        ({"name": "pair", "prefix": "a/b"}, "must not contain '/'"),
    ],
)
def test_bad_presets(preset, message):
    with pytest.raises(ValidationError, match=message):
        expand(preset)


def test_merge_puts_the_preset_first_and_the_declared_lists_after():
    merged = merge({"name": "pair", "prefix": "m"}, [{"name": "extra"}], None, [])
    assert [n["name"] for n in merged["namespaces"]] == ["m-1", "m-2", "extra"]
    assert merged["bridges"] == [] and len(merged["links"]) == 1
    assert merge({}, [{"name": "only"}]) == {"namespaces": [{"name": "only"}], "bridges": [], "links": []}


def test_merge_refuses_a_list_that_is_not_one():
    with pytest.raises(ValidationError, match="bridges must be a list, got dict"):
        merge(None, [], {"name": "br0"}, [])
