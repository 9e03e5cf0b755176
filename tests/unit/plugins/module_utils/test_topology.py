import pytest

from ansible_collections.linuxnet.netns.plugins.module_utils._errors import ValidationError
from ansible_collections.linuxnet.netns.plugins.module_utils._topology import Topology


def link(a, b, **extra):
    return {"endpoints": [a, b], **extra}


def test_namespaces_named_only_by_endpoints_are_created_too():
    topology = Topology(
        namespaces=[{"name": "red"}],
        bridges=[{"name": "br0", "netns": "hub"}],
        links=[link({"netns": "red", "name": "eth0"}, {"netns": "hub", "name": "p1", "bridge": "br0"})],
    )
    assert list(topology.namespaces) == ["red", "hub"]


def test_forwarding_sets_both_families():
    topology = Topology(namespaces=[{"name": "r", "forwarding": True}])
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
        Topology(**kwargs)
