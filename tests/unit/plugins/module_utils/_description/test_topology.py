import pytest

from ansible_collections.linuxnet.netns.plugins.module_utils._errors import ValidationError
from ansible_collections.linuxnet.netns.plugins.module_utils._description.link_settings import Shape
from ansible_collections.linuxnet.netns.plugins.module_utils._description.description import Description
from ansible_collections.linuxnet.netns.plugins.module_utils._description.topology import Topology


def link(a, b, **extra):
    return {"endpoints": [a, b], **extra}


def test_namespaces_named_only_by_endpoints_are_created_too():
    topology = Topology(Description(
        namespaces=[{"name": "red"}],
        bridges=[{"name": "br0", "netns": "hub"}],
        links=[link({"netns": "red", "name": "eth0"}, {"netns": "hub", "name": "p1", "bridge": "br0"})],
    ))
    assert list(topology.namespaces) == ["red", "hub"]


def test_forwarding_sets_both_families():
    topology = Topology(Description(namespaces=[{"name": "r", "forwarding": True}]))
    assert topology.namespaces["r"].sysctls == {"net.ipv4.ip_forward": "1", "net.ipv6.conf.all.forwarding": "1"}


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"namespaces": [{"name": "a", "colour": 1}]}, r"namespaces\[0\]: unknown key\(s\) colour"),
        ({"links": [{"endpoints": [{"name": "a"}]}]}, "exactly two endpoints"),
        ({"links": [link({"name": "a", "netns": "x"}, {"name": "b", "netns": "y", "bridge": "br9"})]},
         "bridge 'br9' is not declared in namespace 'y'"),
        ({"links": [link({"name": "a", "netns": "x"}, {"name": "b", "netns": "y"}),
                    link({"name": "a", "netns": "x"}, {"name": "c", "netns": "y"})]},
         "interface name 'a' is used twice in namespace 'x'"),
        ({"links": [link({"name": "a" * 16, "netns": "x"}, {"name": "b"})]}, "16 bytes long"),
        ({"links": [link({"name": "a", "netns": "x", "addresses": ["198.18.0.1/24"]},
                         {"name": "b", "netns": "y", "addresses": ["198.18.0.1/24"]})]},
         "address 198.18.0.1 is used twice on one segment"),
        ({"links": [link({"name": "a", "netns": "x", "addresses": ["198.18.0.1/24"]}, {"name": "b", "netns": "y"}),
                    link({"name": "c", "netns": "x", "addresses": ["198.18.0.1/24"]}, {"name": "d", "netns": "z"})]},
         "used twice in one namespace"),
        ({"namespaces": [{"name": "a"}, {"name": "a"}]}, "listed twice"),
        ({"namespaces": [{"name": "a", "routes": [{"to": "default"}]}]}, "give a gateway"),
        ({"links": [link({"name": "a", "netns": ".."}, {"name": "b"})]}, "outside /run/netns"),
        ({"links": [link({"name": "a"}, {"name": "b"}, mtu=10)]}, "mtu 10 is out of range"),
    ],
)
def test_bad_descriptions_name_the_object(kwargs, message):
    with pytest.raises(ValidationError, match=message):
        Topology(Description(**kwargs))


def settings_of(topology):
    return {(end.netns, end.interface): end for end in topology.local.end_settings()}


def test_link_settings_layer_profile_defaults_link_then_endpoint():
    topology = Topology(Description(
        links=[link({"netns": "a", "name": "a0", "mac": "02:00:00:00:00:0a", "shape": {"delay": "5ms"}},
                    {"netns": "b", "name": "b0", "offloads": {"gro": False}, "txqueuelen": 10},
                    shape={"rate": "100mbit"}, queues=2)],
        link_defaults={"txqueuelen": 500, "shape": {"loss": "1%"}}, profile="throughput",
    ))
    a, b = settings_of(topology)[("a", "a0")], settings_of(topology)[("b", "b0")]
    assert a.mac == "02:00:00:00:00:0a" and b.mac is None
    assert (a.txqueuelen, b.txqueuelen) == (500, 10)
    assert a.shape == Shape.from_params({"loss": "1%", "rate": "100mbit", "delay": "5ms"})
    assert b.shape == Shape.from_params({"loss": "1%", "rate": "100mbit"})
    assert a.offloads == {"tso": True, "gso": True, "gro": True, "tx_checksum": True}
    assert b.offloads["gro"] is False
    [veth] = topology.local.veths()
    assert (veth.mtu, veth.queues, veth.peer_queues) == (65535, 2, 2) and a.mtu == 65535


def test_a_links_own_mtu_wins_over_the_profiles():
    [veth] = Topology(Description(links=[link({"netns": "a", "name": "a0"}, {"netns": "b", "name": "b0"}, mtu=1500)],
                      profile="throughput")).local.veths()
    assert veth.mtu == 1500


def test_without_settings_no_end_is_planned():
    assert Topology(Description(links=[link({"netns": "a", "name": "a0"}, {"netns": "b", "name": "b0"})])).local.end_settings() == []


@pytest.mark.parametrize("kwargs, message", [
    ({"profile": "fastest"}, "profile 'fastest' must be one of"),
    ({"link_defaults": {"addresses": []}}, r"link_defaults: unknown key\(s\) addresses"),
    ({"link_defaults": {"mtu": 10}}, "link_defaults: mtu 10 is out of range"),
    ({"link_defaults": {"shape": {"loss": "200%"}}}, "link_defaults shape loss '200%' is over 100%"),
    ({"links": [link({"netns": "a", "name": "a0", "queues": 0}, {"netns": "b", "name": "b0"})]}, "queues 0"),
    ({"links": [link({"netns": "a", "name": "a0"}, {"netns": "b", "name": "b0", "mac": "x"})]},
     r"links\[0\] endpoints\[1\]: interface 'b0' mac 'x'"),
])
def test_bad_link_settings_name_where_they_are(kwargs, message):
    with pytest.raises(ValidationError, match=message):
        Topology(Description(**kwargs))


def test_the_saved_form_keeps_the_profile_and_link_defaults():
    topology = Topology(Description(links=[link({"netns": "a", "name": "a0"}, {"netns": "b", "name": "b0"})],
                        name="t", persistent=True, profile="throughput", link_defaults={"txqueuelen": 5}))
    again = Topology.from_saved(topology.saved_form(), "t")
    assert again.local.veths() == topology.local.veths() and again.local.end_settings() == topology.local.end_settings()


def test_a_fleet_hosts_two_calls_save_the_same_description_whatever_they_verify_now():
    """The role's per-host call verifies nothing yet and its fleet-wide call verifies: both save
    verify_at_boot, so a re-run of an unchanged fleet writes nothing."""
    common = {"namespaces": [{"name": "a"}], "name": "lab", "persistent": True, "verify_at_boot": True}
    first = Topology.from_params({**common, "verify": False}).saved_form()
    second = Topology.from_params({**common, "verify": True}).saved_form()
    assert first == second and first["verify"] is True
    assert Topology.from_params({**common, "verify_at_boot": None, "verify": True}).saved_form()["verify"] is True
    assert Topology.from_params({**common, "verify_at_boot": None}).saved_form()["verify"] is False
