import ipaddress

from ansible_collections.linuxnet.netns.plugins.module_utils._verify.reachability import _Network, matrix, probes_for
from ansible_collections.linuxnet.netns.plugins.module_utils._description.description import Description
from ansible_collections.linuxnet.netns.plugins.module_utils._description.topology import Topology


def chain(forwarding=True, back_route=True, middle_routes=None):
    """a - r - b: a and b reach each other only through r."""
    b_routes = [{"to": "default", "via": "198.18.2.1"}] if back_route else []
    return Topology(Description(
        namespaces=[
            {"name": "a", "routes": [{"to": "default", "via": "198.18.1.1"}]},
            {"name": "r", "forwarding": forwarding, "routes": middle_routes or []},
            {"name": "b", "routes": b_routes},
        ],
        links=[
            {"endpoints": [{"netns": "a", "name": "e0", "addresses": ["198.18.1.2/24"]},
                           {"netns": "r", "name": "e1", "addresses": ["198.18.1.1/24"]}]},
            {"endpoints": [{"netns": "r", "name": "e2", "addresses": ["198.18.2.1/24"]},
                           {"netns": "b", "name": "e0", "addresses": ["198.18.2.2/24"]}]},
        ],
    ))


def routed(topology):
    return {(p.source, p.target) for p in probes_for(topology) if p.kind == "routed"}


def test_a_routed_chain_is_probed_end_to_end_both_ways():
    assert {("a", "b"), ("b", "a")} <= routed(chain())


def test_no_routed_probe_without_forwarding_in_the_middle():
    assert not {("a", "b"), ("b", "a")} & routed(chain(forwarding=False))


def test_no_routed_probe_when_the_answer_has_no_way_back():
    assert not {("a", "b"), ("b", "a")} & routed(chain(back_route=False))


def test_a_routing_loop_drops_the_packet_instead_of_hanging():
    looping = Topology(Description(
        namespaces=[{"name": "a", "forwarding": True, "routes": [{"to": "default", "via": "198.18.1.1"}]},
                    {"name": "r", "forwarding": True, "routes": [{"to": "default", "via": "198.18.1.2"}]}],
        links=[{"endpoints": [{"netns": "a", "name": "e0", "addresses": ["198.18.1.2/24"]},
                              {"netns": "r", "name": "e1", "addresses": ["198.18.1.1/24"]}]}],
    ))
    assert _Network(looping).deliver("a", ipaddress.ip_address("198.18.7.7")) is None
    assert _Network(looping).deliver("a", ipaddress.ip_address("198.18.1.1")) == "r"


def test_families_are_never_mixed_on_a_segment():
    links = [{"endpoints": [{"netns": "x", "name": "e", "addresses": ["198.18.1.1/24"]},
                            {"netns": "y", "name": "e", "addresses": ["2001:db8::2/64"]}]}]
    topology = Topology(Description(links=links))
    assert probes_for(topology) == []


def test_the_matrix_marks_a_pair_failed_when_any_of_its_probes_failed():
    probes = [p for p in probes_for(chain()) if {p.source, p.target} == {"a", "b"}]
    answered = [True] * len(probes)
    answered[0] = False
    lines = matrix(probes, answered)
    first = probes[0]
    row = next(line for line in lines[1:] if line.split("|")[0].strip() == first.source)
    assert "FAIL" in row
    assert lines[0].split("|")[1].split() == ["a", "b"]


def test_no_matrix_beyond_its_limit():
    links = [{"endpoints": [{"netns": f"n{i}", "name": "e", "addresses": [f"198.18.{i}.1/24"]},
                            {"netns": f"m{i}", "name": "e", "addresses": [f"198.18.{i}.2/24"]}]}
             for i in range(9)]
    topology = Topology(Description(links=links))
    probes = probes_for(topology)
    assert matrix(probes, [True] * len(probes)) == []
