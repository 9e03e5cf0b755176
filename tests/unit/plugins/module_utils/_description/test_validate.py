import ipaddress

import pytest

from ansible_collections.linuxnet.netns.plugins.module_utils._description import validate
from ansible_collections.linuxnet.netns.plugins.module_utils._errors import ValidationError


@pytest.mark.parametrize("name", ["red", "lab-1", "a" * 255, "r\u00e9d", "with space", "x.y"])
def test_netns_name_accepts(name):
    assert validate.netns_name(name) == name


@pytest.mark.parametrize(
    "name, message",
    [
        ("", "must not be empty"),
        (".", "outside /run/netns"),
        ("..", "outside /run/netns"),
        ("a/b", "must not contain '/'"),
        ("../etc", "must not contain '/'"),
        ("a\x00b", "NUL"),
        ("a" * 256, "256 bytes long"),
        ("\u00e9" * 128, "256 bytes long"),
        (None, "must be a string"),
        (5, "must be a string"),
    ],
)
def test_netns_name_refuses(name, message):
    with pytest.raises(ValidationError, match=message.replace(".", r"\.").replace("(", r"\(")):
        validate.netns_name(name)


@pytest.mark.parametrize("name", ["eth0", "a", "a" * 15, "veth-red.10", "br_lab"])
def test_interface_name_accepts(name):
    assert validate.interface_name(name) == name


@pytest.mark.parametrize(
    "name, message",
    [
        ("a" * 16, "16 bytes long"),
        ("\u00e9" * 8, "16 bytes long"),
        ("a b", "must not contain ' '"),
        ("a\tb", "must not contain"),
        ("a:1", "must not contain ':'"),
        ("a/b", "must not contain '/'"),
        (".", "not allowed"),
        ("..", "not allowed"),
        ("", "must not be empty"),
    ],
)
def test_interface_name_refuses(name, message):
    with pytest.raises(ValidationError, match=message):
        validate.interface_name(name)


def test_long_values_are_cut_in_messages():
    with pytest.raises(ValidationError) as caught:
        validate.netns_name("n" * 400)
    assert len(str(caught.value)) < 200


@pytest.mark.parametrize(
    "text, expected",
    [
        ("198.18.0.1/24", "198.18.0.1/24"),
        ("2001:DB8::1/64", "2001:db8::1/64"),
        ("2001:db8:0:0::1/64", "2001:db8::1/64"),
        (" 198.18.0.1/32 ", "198.18.0.1/32"),
    ],
)
def test_interface_address_normalises(text, expected):
    assert str(validate.interface_address(text)) == expected


@pytest.mark.parametrize("text", ["198.18.0.1", "198.18.0.300/24", "198.18.0.1/33", "2001:db8::g/64", "x/24", 7])
def test_interface_address_refuses(text):
    with pytest.raises(ValidationError, match="address"):
        validate.interface_address(text)


def test_address_list_accepts_one_string_and_drops_duplicates():
    assert validate.address_list("198.18.0.1/24") == [ipaddress.ip_interface("198.18.0.1/24")]
    assert validate.address_list(["2001:db8::1/64", "2001:DB8::1/64"]) == [ipaddress.ip_interface("2001:db8::1/64")]
    assert validate.address_list(None) == []


@pytest.mark.parametrize("value, expected", [(None, None), (68, 68), ("1500", 1500), (65535, 65535)])
def test_mtu_accepts(value, expected):
    assert validate.mtu(value) == expected


@pytest.mark.parametrize("value", [0, 67, 65536, -1, "big", True])
def test_mtu_refuses(value):
    with pytest.raises(ValidationError, match="mtu"):
        validate.mtu(value)


@pytest.mark.parametrize(
    "value, expected",
    [("default", "default"), ("198.18.1.0/24", "198.18.1.0/24"), ("198.18.1.7", "198.18.1.7/32"),
     ("2001:db8:1::/48", "2001:db8:1::/48")],
)
def test_route_destination(value, expected):
    assert str(validate.route_destination(value)) == expected


@pytest.mark.parametrize("value", ["198.18.1.5/24", "nowhere", "198.18.1.0/40"])
def test_route_destination_refuses(value):
    with pytest.raises(ValidationError, match="route destination"):
        validate.route_destination(value)


@pytest.mark.parametrize(
    "key, expected",
    [("net.ipv4.ip_forward", "net.ipv4.ip_forward"), ("net/ipv6/conf/all/forwarding", "net.ipv6.conf.all.forwarding")],
)
def test_sysctl_key(key, expected):
    assert validate.sysctl_key(key) == expected


@pytest.mark.parametrize("key", ["kernel.hostname", "net..x", "net.ipv4.../x", "net", "", 3])
def test_sysctl_key_refuses(key):
    with pytest.raises(ValidationError, match="sysctl"):
        validate.sysctl_key(key)


@pytest.mark.parametrize("value, expected", [(1, "1"), (True, "1"), (False, "0"), ("4096 87380", "4096 87380")])
def test_sysctl_value(value, expected):
    assert validate.sysctl_value("net.x", value) == expected


@pytest.mark.parametrize("check", [validate.netns_name, validate.interface_name])
@pytest.mark.parametrize("name, message", [
    ("hx\na", "control or formatting characters (U+000A)"),
    ("a\tb", "(U+0009)"),
    ("ab\u202e", "(U+202E)"),  # right-to-left override: shows as another name
    ("a\u2066b", "(U+2066)"),
    ("\u200fa", "(U+200F)"),
    ("-x", "must not start with '-'"),
])
def test_names_that_would_show_or_parse_as_something_else_are_refused(check, name, message):
    with pytest.raises(ValidationError, match=message.replace("(", r"\(").replace(")", r"\)").replace("+", r"\+")):
        check(name)


@pytest.mark.parametrize("name", ["/tmp/x/victim", "../../../tmp/x/victim", "a b", "-lab", "lab\n"])
def test_every_topology_name_is_file_safe_persistent_or_not(name):
    from ansible_collections.linuxnet.netns.plugins.module_utils._description.topology import Topology

    with pytest.raises(ValidationError, match="topology name"):
        Topology.from_params({"name": name, "namespaces": [{"name": "red"}]})


@pytest.mark.parametrize("value", [float("inf"), float("-inf"), float("nan"), 1500.5, "1e400", True])
def test_an_mtu_that_is_no_whole_number_is_refused_by_value(value):
    with pytest.raises(ValidationError, match="mtu .* must be an integer"):
        validate.mtu(value)


def test_a_whole_float_is_an_integer():
    assert validate.mtu(1500.0) == 1500
