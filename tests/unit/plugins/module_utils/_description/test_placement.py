import pytest

from ansible_collections.linuxnet.netns.plugins.module_utils._errors import ValidationError
from ansible_collections.linuxnet.netns.plugins.module_utils._verify.reachability import tunnel_probes
from ansible_collections.linuxnet.netns.plugins.module_utils._description.topology import Topology

FLEET = {"h1": {"address": "198.18.100.11"}, "h2": {"address": "198.18.100.12", "mtu": 9000},
         "h3": {"address": "2001:db8:100::13", "mtu": 1500}}


def spread(host="h1", fleet=None, **changes):
    params = {
        "name": "lab", "host": host, "fleet": FLEET if fleet is None else fleet,
        "namespaces": [{"name": "red", "host": "h1"}, {"name": "hub", "host": "h1"}, {"name": "blue", "host": "h2"},
                       {"name": "all"}],
        "bridges": [{"name": "br0", "netns": "hub"}],
        "links": [
            {"endpoints": [{"netns": "red", "name": "eth0", "addresses": ["198.18.60.1/24"]},
                           {"netns": "blue", "name": "eth0", "addresses": ["198.18.60.2/24"]}]},
            {"endpoints": [{"netns": "blue", "name": "lan"}, {"netns": "hub", "name": "p-blue", "bridge": "br0"}]},
            {"endpoints": [{"netns": "red", "name": "lan"}, {"netns": "hub", "name": "p-red", "bridge": "br0"}]},
            {"endpoints": [{"netns": "all", "name": "up0"}, {"name": "all-up", "host": "h2"}]},
        ],
    }
    params.update(changes)
    return Topology.from_params(params)


def test_each_host_builds_only_its_part():
    h1, h2 = spread("h1"), spread("h2")
    assert [n.name for n in h1.local.namespaces()] == ["red", "hub", "all"]
    assert [n.name for n in h2.local.namespaces()] == ["blue", "all"]
    assert [b.name for b in h1.local.bridges()] == ["br0"] and h2.local.bridges() == []
    assert [(v.name, v.netns) for v in h1.local.veths()] == [("lan", "red")]
    assert [(v.name, v.netns) for v in h2.local.veths()] == [("up0", "all")]  # an unpinned end goes with the pinned one
    assert [(x.name, x.netns) for x in h1.local.vxlans()] == [("eth0", "red"), ("p-blue", "hub")]
    assert [(x.name, x.netns) for x in h2.local.vxlans()] == [("eth0", "blue"), ("lan", "blue")]


def test_both_ends_of_a_tunnel_agree_on_vni_peers_and_mtu():
    [red] = [x for x in spread("h1").local.vxlans() if x.netns == "red"]
    [blue] = [x for x in spread("h2").local.vxlans() if x.netns == "blue" and x.name == "eth0"]
    assert red.vni == blue.vni and 1 <= red.vni < 2 ** 24
    assert (str(red.local), str(red.remotes[0])) == ("198.18.100.11", "198.18.100.12")
    assert (str(blue.local), str(blue.remotes[0])) == ("198.18.100.12", "198.18.100.11")
    assert red.mtu == blue.mtu == 1450  # the smaller underlay, less 50
    assert red.owner == "linuxnet.netns:lab"


def test_the_derived_vni_is_stable_and_unique_and_an_explicit_one_wins():
    first = {x.name: x.vni for x in spread("h1").local.vxlans()}
    assert first == {x.name: x.vni for x in spread("h1").local.vxlans()}
    assert len(set(first.values())) == 2
    links = spread("h1").description.links
    links[0] = {**links[0], "vni": 77}
    assert [x.vni for x in spread("h1", links=links).local.vxlans() if x.name == "eth0"] == [77]
    links[1] = {**links[1], "vni": 77}
    with pytest.raises(ValidationError, match=r"links\[1\]: VNI 77 is used by links\[0\] too"):
        spread("h1", links=links)


def test_a_local_port_on_a_bridge_with_tunnel_ports_takes_the_tunnel_mtu_and_no_more():
    assert [v.mtu for v in spread("h1").local.veths()] == [1450]
    links = spread("h1").description.links
    links[2] = {**links[2], "mtu": 1500}
    with pytest.raises(ValidationError, match=r"links\[2\]: mtu 1500 is larger than the MTU 1450 of a tunnel"):
        spread("h1", links=links)


def test_an_ipv6_underlay_takes_70_bytes():
    namespaces = [{"name": "a", "host": "h2"}, {"name": "b", "host": "h3"}]
    links = [{"endpoints": [{"netns": "a", "name": "e"}, {"netns": "b", "name": "e"}]}]
    fleet = {"h2": {"address": "2001:db8:100::12", "mtu": 9000}, "h3": {"address": "2001:db8:100::13"}}
    [end] = spread("h3", fleet=fleet, namespaces=namespaces, links=links, bridges=[]).local.vxlans()
    assert end.mtu == 1430


def test_every_host_refuses_the_same_mistakes_in_the_same_words():
    for host in ("h1", "h2"):
        with pytest.raises(ValidationError, match="namespace 'red' is pinned to host 'h9', which is not a host"):
            spread(host, namespaces=[{"name": "red", "host": "h9"}, {"name": "blue", "host": "h2"}])
    with pytest.raises(ValidationError, match="needs the underlay address of h2"):
        spread("h1", fleet={**FLEET, "h2": {"address": None}})
    with pytest.raises(ValidationError, match="give host"):
        spread(None)
    with pytest.raises(ValidationError, match="host 'h1' goes on namespace 'red', not on an endpoint inside it"):
        spread("h1", links=[{"endpoints": [{"netns": "red", "name": "x", "host": "h1"}, {"name": "y"}]}])
    with pytest.raises(ValidationError, match="bridge 'br0' is pinned to host 'h1' but its namespace 'blue' is on 'h2'"):
        spread("h2", bridges=[{"name": "br0", "netns": "blue", "host": "h1"}], links=[])
    with pytest.raises(ValidationError, match="endpoint host/x is on 'h2' but its bridge 'br9' is on 'h1'"):
        spread("h2", bridges=[{"name": "br9", "host": "h1"}],
               links=[{"endpoints": [{"name": "x", "host": "h2", "bridge": "br9"}, {"netns": "blue", "name": "y"}]}])
    with pytest.raises(ValidationError, match="fleet: underlay address 'nowhere' of host 'h1'"):
        spread("h1", fleet={**FLEET, "h1": {"address": "nowhere"}})


def test_without_pins_every_host_builds_everything_as_before():
    plain = Topology.from_params({"preset": {"name": "pair"}, "host": "h1", "fleet": FLEET})
    assert len(plain.local.namespaces()) == 2 and len(plain.local.veths()) == 1 and plain.local.vxlans() == []


def test_one_full_size_probe_per_tunnel_end_with_an_address_on_both_sides():
    probes = tunnel_probes(spread("h1"))
    assert [(probe.source, str(probe.address), size) for probe, size in probes] == [("red", "198.18.60.2", 1450)]


def test_a_persistent_host_part_saves_its_host_and_underlay_and_reads_back_alike():
    part = spread("h2", persistent=True)
    saved = part.saved_form()
    assert saved["host"] == "h2" and saved["fleet"] == FLEET
    again = Topology.from_saved(saved, "lab")
    assert [(x.name, x.netns, x.vni) for x in again.local.vxlans()] == [(x.name, x.netns, x.vni) for x in part.local.vxlans()]


def test_a_part_with_tunnels_needs_the_network_at_boot_and_a_local_one_does_not():
    from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.plan import Plan
    from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.topology import plan_topology
    from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.view import KernelView
    from ansible_collections.linuxnet.netns.tests.unit.plugins.module_utils._reconcile.fake_kernel import FakeKernel

    def saved(topology):
        return plan_topology(KernelView(FakeKernel()), topology, Plan())["saved"]

    assert saved(spread("h2", persistent=True))["needs_network"] is True
    local = Topology.from_params({"preset": {"name": "pair"}, "name": "lab", "persistent": True})
    assert saved(local)["needs_network"] is False


def test_a_profiles_mtu_stays_off_tunnels_and_their_bridges():
    h1 = spread("h1", profile="throughput")
    tunnel_mtu = {tunnel.link.a.name: tunnel.mtu for tunnel in h1.placement.tunnels}
    assert tunnel_mtu["eth0"] == 1450
    assert {veth.name: veth.mtu for veth in h1.local.veths()} == {"lan": 1450}
    settings = {(end.netns, end.interface): end for end in h1.local.end_settings()}
    assert settings[("red", "eth0")].mtu == 1450 and settings[("red", "eth0")].offloads["gro"] is True
