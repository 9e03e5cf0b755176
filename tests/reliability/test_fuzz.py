"""Hostile input, generated: every input fails cleanly, with a msg and no traceback, and leaves the
host exactly as it was (namespace files, mounts, links, addresses, routes).

Each generated input is a valid base with at least one fault injected, so it must be refused.
LINUXNET_FUZZ_EXAMPLES sets the budget per module (default 300 in CI; the documented full run
uses 2000 per module, over 10,000 inputs in all).
"""
import io
import json
import os
from contextlib import redirect_stdout

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ansible.module_utils import basic

from conftest import host_snapshot

EXAMPLES = int(os.environ.get("LINUXNET_FUZZ_EXAMPLES", "300"))
TRIED = {"inputs": 0, "tracebacks": 0, "host changes": 0}
PREFIX = "lntfz"

# Values that break a rule, each by construction.
bad_netns = st.one_of(
    st.sampled_from(["", ".", "..", "/", "../etc", "a/b", "x\x00y", "é" * 128, "n" * 256]),
    st.text(max_size=20).map(lambda text: text + "/" + text),
    st.text(max_size=10).map(lambda text: text + "\x00"),
    st.text(min_size=256, max_size=300),
)
bad_ifname = st.one_of(
    st.sampled_from(["", ".", "..", "a b", "a:b", "a/b", "a\tb", "é" * 8, "x" * 16, "\x00"]),
    st.text(min_size=16, max_size=40).filter(lambda text: len(text.encode("utf-8", "surrogatepass")) > 15),
    st.tuples(st.text(max_size=6), st.sampled_from([" ", ":", "/", "\n"]), st.text(max_size=6)).map("".join),
)
bad_address = st.one_of(
    st.sampled_from(["198.18.0.1", "198.18.0.300/24", "198.18.0.1/33", "2001:db8::g/64", "2001:db8::1/129",
                     "/24", "198.18.0.1/", "x/24", "::/-1", "198.18.0.1/24/1", "1.2.3/8", ""]),
    st.text(max_size=20).filter(lambda text: "/" not in text),
    st.integers(min_value=33, max_value=10 ** 6).map(lambda bits: f"198.18.0.1/{bits}"),
)
bad_mtu = st.one_of(st.integers(max_value=67), st.integers(min_value=65536))
good_name = st.from_regex(r"\A[a-z][a-z0-9]{0,5}\Z")
bad_shape = st.one_of(
    st.fixed_dictionaries({"delay": st.sampled_from(["-1ms", "2min", "61s", "soon", True])}),
    st.fixed_dictionaries({"loss": st.sampled_from(["101%", "-1%", "much"])}),
    st.fixed_dictionaries({"rate": st.sampled_from(["0bit", "40gbit", "fast", 0])}),
    st.fixed_dictionaries({"jitter": st.just("2ms")}),  # jitter without a delay
    st.fixed_dictionaries({"burst": st.just("10kb")}),  # burst without a rate
    st.dictionaries(st.text(max_size=6).filter(lambda key: key not in (
        "delay", "jitter", "loss", "duplicate", "reorder", "corrupt", "rate", "burst", "limit")), st.just("1ms"),
        min_size=1, max_size=2),
    st.text(max_size=5),
)
bad_offloads = st.one_of(
    st.dictionaries(st.sampled_from(["lro", "tx", "x"]), st.booleans(), min_size=1),
    st.fixed_dictionaries({"gro": st.sampled_from(["yes", 1, None])}).filter(lambda value: value["gro"] is not None),
    st.just({"tso": True, "tx_checksum": False}),
    st.lists(st.booleans(), max_size=2),
)
# Every uplink, forward and host interface below is invalid by construction: none may reach the host.
bad_uplink = st.one_of(
    st.sampled_from(["yes", 5, ["nat"]]),
    st.fixed_dictionaries({"nat": st.sampled_from(["yes", 1, None, "true"])}).filter(lambda value: value["nat"] is not None),
    st.fixed_dictionaries({"egress": bad_ifname}),
    st.fixed_dictionaries({"router": bad_netns}),
    st.fixed_dictionaries({"addresses": st.one_of(
        st.sampled_from([["198.18.7.1/30"], ["198.18.7.1/30", "198.18.8.2/30"], ["198.18.7.1/30", "198.18.7.1/30"],
                         ["198.18.7.1/30", "2001:db8:7::2/64"], "198.18.7.1/30", [[], []]]),
        st.lists(bad_address, min_size=2, max_size=2))}),
    st.dictionaries(st.text(max_size=6).filter(lambda key: key not in ("nat", "egress", "addresses", "router")),
                    st.just(1), min_size=1, max_size=2),
)
bad_forward = st.one_of(  # the base has no uplink, so even a well-formed forward is refused
    st.fixed_dictionaries({"port": st.one_of(st.integers(max_value=0), st.integers(min_value=65536), st.just("http"))}),
    st.fixed_dictionaries({"port": st.just(80), "protocol": st.sampled_from(["icmp", "TCP", "", 6])}),
    st.fixed_dictionaries({"port": st.just(80), "to_port": st.sampled_from([0, 70000, "x"])}),
    st.fixed_dictionaries({"port": st.just(80), "address": st.sampled_from(["198.18.0.300", "x", ""])}),
    st.fixed_dictionaries({"port": st.just(80)}),
    st.fixed_dictionaries({}),
)
bad_interface = st.one_of(
    st.fixed_dictionaries({"name": bad_ifname, "parent": st.just("lo")}),
    st.fixed_dictionaries({"name": st.just("mv0"), "parent": bad_ifname}),
    st.fixed_dictionaries({"name": st.just("mv0"), "kind": st.sampled_from(["vlan", "bond", "", 3]), "parent": st.just("lo")}),
    st.fixed_dictionaries({"name": st.just("mv0"), "parent": st.just("lo"),
                           "mode": st.sampled_from(["l2", "source", "BRIDGE", ""])}),
    st.fixed_dictionaries({"name": st.just("mv0"), "kind": st.just("ipvlan"), "parent": st.just("lo"),
                           "mode": st.sampled_from(["bridge", "l4"])}),
    st.fixed_dictionaries({"name": st.just("lo"), "kind": st.just("moved"), "parent": st.just("lo")}),
    st.fixed_dictionaries({"name": st.just("mv0"), "parent": st.just("lo"), "addresses": st.lists(bad_address, min_size=1,
                                                                                                  max_size=2)}),
)
bad_queues = st.one_of(st.integers(max_value=0), st.integers(min_value=4097), st.just("many"))


def _invalid_route_destination(text):
    from ansible_collections.linuxnet.netns.plugins.module_utils._description import validate
    from ansible_collections.linuxnet.netns.plugins.module_utils._errors import ValidationError

    try:
        validate.route_destination(text)
    except ValidationError:
        return True
    return False


bad_destination = st.one_of(bad_address, st.text(max_size=12)).filter(_invalid_route_destination)


def run_in_process(module_name, args, check_mode=False):
    module = __import__(f"ansible_collections.linuxnet.netns.plugins.modules.{module_name}", fromlist=["main"])
    payload = dict(args, _ansible_check_mode=check_mode)
    basic._ANSIBLE_ARGS = json.dumps({"ANSIBLE_MODULE_ARGS": payload}, default=str).encode("ascii")
    if hasattr(basic, "_ANSIBLE_PROFILE"):  # ansible-core 2.19 and later
        basic._ANSIBLE_PROFILE = "legacy"
    output = io.StringIO()
    with redirect_stdout(output):
        try:
            module.main()
        except SystemExit:
            pass
    return json.loads(output.getvalue().strip().splitlines()[-1])


@pytest.fixture(scope="module")
def host_before():
    return host_snapshot()


def refused_cleanly(module_name, args, host_before, check_mode=False):
    TRIED["inputs"] += 1
    result = run_in_process(module_name, args, check_mode)
    message = str(result.get("msg", ""))
    if "Traceback" in message or "MODULE FAILURE" in message or message.startswith("unexpected error"):
        TRIED["tracebacks"] += 1
    assert result.get("failed") is True, f"{module_name} accepted {args!r}: {result}"
    assert message and "Traceback" not in message and not message.startswith("unexpected error"), message
    after = host_snapshot()
    if after != host_before:
        TRIED["host changes"] += 1
    assert after == host_before, f"{module_name} changed the host on {args!r}"


def fuzz(test):
    return settings(max_examples=EXAMPLES, deadline=None, derandomize=False,
                    suppress_health_check=list(HealthCheck))(test)


@fuzz
@given(name=bad_netns, check=st.booleans(), sysctls=st.one_of(st.just({}), st.just({"kernel.x": 1})))
def test_netns(host_before, name, check, sysctls):
    refused_cleanly("netns", {"name": name, "sysctls": sysctls}, host_before, check)


@fuzz
@given(data=st.data(), check=st.booleans())
def test_veth(host_before, data, check):
    args = {"name": "lntfz0", "peer": "lntfz1", "netns": None, "peer_netns": None}
    fault = data.draw(st.sampled_from(["name", "peer", "netns", "peer_netns", "mtu", "missing", "same"]))
    if fault in ("name", "peer"):
        args[fault] = data.draw(bad_ifname)
    elif fault in ("netns", "peer_netns"):
        args[fault] = data.draw(bad_netns)
    elif fault == "mtu":
        args["mtu"] = data.draw(bad_mtu)
    elif fault == "missing":
        args["peer_netns"] = f"{PREFIX}missing{data.draw(good_name)}"
    else:
        args["peer"] = args["name"]
    refused_cleanly("veth", args, host_before, check)


@fuzz
@given(data=st.data(), check=st.booleans())
def test_netns_addr(host_before, data, check):
    good = data.draw(st.lists(st.sampled_from(["198.18.3.1/24", "2001:db8:3::1/64"]), max_size=2))
    fault = data.draw(st.sampled_from(["address", "interface", "netns", "missing"]))
    args = {"interface": "lo", "addresses": good + [data.draw(bad_address)] if fault == "address" else good or ["198.18.3.1/24"]}
    if fault == "interface":
        args["interface"] = data.draw(bad_ifname)
    elif fault == "netns":
        args["netns"] = data.draw(bad_netns)
    elif fault == "missing":
        args["netns"] = f"{PREFIX}missing{data.draw(good_name)}"
    refused_cleanly("netns_addr", args, host_before, check)


@fuzz
@given(data=st.data(), check=st.booleans())
def test_netns_route(host_before, data, check):
    args = {"netns": f"{PREFIX}missing", "to": "198.18.4.0/24", "via": "198.18.3.1"}
    fault = data.draw(st.sampled_from(["to", "via", "metric", "family", "nothing", "netns"]))
    if fault == "to":
        args["to"] = data.draw(st.one_of(bad_destination, st.just("198.18.4.1/24")))
    elif fault == "via":
        args["via"] = data.draw(st.sampled_from(["198.18.3.300", "x", "", "2001:db8::g"]))
    elif fault == "metric":
        args["metric"] = data.draw(st.one_of(st.integers(max_value=-1), st.integers(min_value=2 ** 32)))
    elif fault == "family":
        args["via"] = "2001:db8::1"
    elif fault == "nothing":
        del args["via"]
    else:
        args["netns"] = data.draw(bad_netns)
    refused_cleanly("netns_route", args, host_before, check)


def _topology(data):
    """A valid three-namespace description with lnt names, then one or more faults injected."""
    a, b, hub = f"{PREFIX}a", f"{PREFIX}b", f"{PREFIX}hub"
    description = {
        "namespaces": [{"name": a, "routes": [{"to": "default", "via": "198.18.9.1"}]}, {"name": hub, "forwarding": True}],
        "bridges": [{"name": "br0", "netns": hub, "addresses": ["198.18.9.1/24"]}],
        "links": [
            {"endpoints": [{"netns": a, "name": "eth0", "addresses": ["198.18.9.2/24"]}, {"netns": hub, "name": "pa", "bridge": "br0"}]},
            {"endpoints": [{"netns": b, "name": "eth0", "addresses": ["198.18.9.3/24"]}, {"netns": hub, "name": "pb", "bridge": "br0"}]},
        ],
    }
    for _fault in range(data.draw(st.integers(min_value=1, max_value=3))):
        fault = data.draw(st.sampled_from([
            "ns name", "endpoint ns", "ifname", "address", "mtu", "dangling bridge", "duplicate ifname",
            "overlap", "unknown key", "route off-link", "route bad", "one endpoint", "bridge name", "not a list",
            "shape", "offloads", "queues", "mac", "uplink", "forward", "interface", "uplink range"]))
        link = data.draw(st.sampled_from(description["links"]))
        end = data.draw(st.sampled_from(link["endpoints"])) if isinstance(link.get("endpoints"), list) else {}
        if fault == "ns name":
            description["namespaces"][0]["name"] = data.draw(bad_netns)
        elif fault == "endpoint ns":
            end["netns"] = data.draw(bad_netns)
        elif fault == "ifname":
            end["name"] = data.draw(bad_ifname)
        elif fault == "address":
            end["addresses"] = list(end.get("addresses", [])) + [data.draw(bad_address)]
        elif fault == "mtu":
            link["mtu"] = data.draw(bad_mtu)
        elif fault == "dangling bridge":
            end["bridge"] = "nobr" + data.draw(good_name)[:4]
        elif fault == "duplicate ifname":
            description["links"].append({"endpoints": [dict(description["links"][0]["endpoints"][0], addresses=[]),
                                                       {"netns": b, "name": "dup0"}]})
        elif fault == "overlap":
            description["links"][1]["endpoints"][0]["addresses"] = ["198.18.9.2/24"]
        elif fault == "unknown key":
            targets = [description["namespaces"][1], link, end, description["bridges"][0]]
            data.draw(st.sampled_from([target for target in targets if isinstance(target, dict)]))[
                "x" + data.draw(good_name)] = 1  # an entry already made "not a list" takes no key
        elif fault == "route off-link":
            description["namespaces"][0]["routes"] = [{"to": "198.18.50.0/24", "via": "198.18.51.1"}]
        elif fault == "route bad":
            description["namespaces"][0]["routes"] = [{"to": data.draw(bad_destination), "via": "198.18.9.1"}]
        elif fault == "one endpoint":
            link["endpoints"] = link["endpoints"][:1]
        elif fault == "bridge name":
            description["bridges"][0]["name"] = data.draw(bad_ifname)
        elif fault == "shape":
            data.draw(st.sampled_from([link, end]))["shape"] = data.draw(bad_shape)
        elif fault == "offloads":
            data.draw(st.sampled_from([link, end]))["offloads"] = data.draw(bad_offloads)
        elif fault == "queues":
            data.draw(st.sampled_from([link, end]))["queues"] = data.draw(bad_queues)
        elif fault == "mac":
            end["mac"] = data.draw(st.sampled_from(["01:00:5e:00:00:01", "00:00:00:00:00:00", "02:00", 42]))
        elif fault == "uplink":
            description["namespaces"][0]["uplink"] = data.draw(bad_uplink)
        elif fault == "forward":
            description.setdefault("forwards", []).append({**data.draw(bad_forward), "namespace": f"{PREFIX}b"})
        elif fault == "interface":
            description["namespaces"][0]["interfaces"] = [data.draw(bad_interface)]
        elif fault == "uplink range":  # with an uplink that takes its subnet from it
            description["namespaces"][0]["uplink"] = {"nat": True}
            description["uplink_range"] = data.draw(st.sampled_from(["198.18.0.0/31", "2001:db8::/64", "x", "198.18.0.1/24"]))
        else:
            description["namespaces"][1] = data.draw(st.sampled_from(["hub", 7, None, ["x"]]))
    return description


@fuzz
@given(data=st.data(), check=st.booleans())
def test_topology(host_before, data, check):
    refused_cleanly("netns_topology", _topology(data), host_before, check)


def test_report(capsys):
    with capsys.disabled():
        print(f"\nfuzz: {TRIED['inputs']} inputs tried, {TRIED['tracebacks']} tracebacks, "
              f"{TRIED['host changes']} host changes")
    assert TRIED["tracebacks"] == 0 and TRIED["host changes"] == 0
