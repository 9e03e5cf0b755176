"""Link settings and shaping on the real kernel: each setting applied, read back with the kernel's
own tools (ip, ethtool, tc), re-applied with no change, predicted by check mode; drift corrected;
a rate-limited link measured with iperf3; netem measured where the kernel has it and refused
cleanly where it has not; bad values refused before anything changes."""
import json
import subprocess
import time

import pytest

from conftest import host_snapshot, is_clean_failure, run_module

NETEM = None


def kernel_has_netem():
    global NETEM
    if NETEM is None:
        from ansible_collections.linuxnet.netns.plugins.module_utils._kernel.netlink import qdisc_kind_known

        NETEM = qdisc_kind_known("netem")
    return NETEM


def run(*command):
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


def link_details(netns, name):
    return json.loads(run("ip", "-j", "-d", "-n", netns, "link", "show", name))[0]


def offloads(netns, name):
    """ethtool -k's on/off per feature (its own names: tcp-segmentation-offload and so on)."""
    lines = run("ip", "netns", "exec", netns, "ethtool", "-k", name).splitlines()[1:]
    return {key.strip(): value.split()[0] == "on" for key, value in (line.split(":", 1) for line in lines if ":" in line)}


def qdiscs(netns, name):
    return [(entry["kind"], entry.get("options", {})) for entry in
            json.loads(run("tc", "-j", "-n", netns, "qdisc", "show", "dev", name)) if entry["kind"] != "noqueue"]


def pair(prefix, **settings):
    return {"name": "a0", "netns": f"{prefix}-a", "peer": "b0", "peer_netns": f"{prefix}-b", **settings}


@pytest.fixture
def two(prefix):
    for side in "ab":
        assert not run_module("netns", {"name": f"{prefix}-{side}"}).get("failed")
    return prefix


def test_each_setting_is_applied_read_back_and_left_alone_on_a_second_run(two):
    args = pair(two, queues=3, peer_queues=1, mac="02:00:00:00:aa:01", txqueuelen=500, gso_max_size=32768,
                gro_max_size=100000, offloads={"gro": True, "tso": False}, peer_offloads={"tx_checksum": False},
                shape={"rate": "50mbit", "burst": "20kb"})
    predicted = run_module("veth", args, check_mode=True)
    assert predicted["changed"] and not predicted.get("failed"), predicted
    assert run("ip", "-n", f"{two}-a", "-o", "link") .count("a0") == 0, "check mode created the pair"

    applied = run_module("veth", args)
    assert not applied.get("failed"), applied.get("msg")
    assert [change["kind"] for change in applied["changes"]] == [change["kind"] for change in predicted["changes"]]

    a, b = link_details(f"{two}-a", "a0"), link_details(f"{two}-b", "b0")
    assert (a["address"], a["txqlen"], a["num_tx_queues"], a["num_rx_queues"]) == ("02:00:00:00:aa:01", 500, 3, 3)
    assert (a["gso_max_size"], a["gro_max_size"]) == (32768, 100000)
    assert (b["num_tx_queues"], b["num_rx_queues"]) == (1, 1)
    features_a, features_b = offloads(f"{two}-a", "a0"), offloads(f"{two}-b", "b0")
    assert features_a["generic-receive-offload"] and not features_a["tcp-segmentation-offload"]
    assert not features_b["tx-checksumming"] and not features_b["tx-tcp-segmentation"]  # the kernel drops TSO too
    [(kind, options)] = qdiscs(f"{two}-a", "a0")
    assert kind == "tbf" and options["rate"] == 50_000_000 // 8 and options["burst"] in range(20480 - 14, 20481)  # tc shows it from whole µs

    assert run_module("veth", args)["changed"] is False
    assert run_module("veth", args, check_mode=True)["changed"] is False


def test_a_default_build_leaves_the_fast_offloads_on(two):
    assert run_module("veth", pair(two))["changed"]
    for netns, name in ((f"{two}-a", "a0"), (f"{two}-b", "b0")):
        features = offloads(netns, name)
        assert features["tcp-segmentation-offload"] and features["generic-segmentation-offload"]
        assert features["tx-checksumming"]


def test_drift_is_corrected(two):
    args = pair(two, txqueuelen=700, offloads={"gro": True}, shape={"rate": "10mbit"})
    assert run_module("veth", args)["changed"]
    run("ip", "-n", f"{two}-a", "link", "set", "a0", "txqueuelen", "1000")
    run("ip", "netns", "exec", f"{two}-a", "ethtool", "-K", "a0", "gro", "off")
    run("tc", "-n", f"{two}-a", "qdisc", "replace", "dev", "a0", "root", "tbf", "rate", "20mbit", "burst", "10kb",
        "latency", "50ms")
    result = run_module("veth", args)
    assert sorted(change["kind"] for change in result["changes"]) == ["link settings", "offloads", "shaping"]
    assert link_details(f"{two}-a", "a0")["txqlen"] == 700 and offloads(f"{two}-a", "a0")["generic-receive-offload"]
    assert qdiscs(f"{two}-a", "a0")[0][1]["rate"] == 10_000_000 // 8
    assert run_module("veth", args)["changed"] is False


def test_an_empty_shape_removes_the_shaping(two):
    assert run_module("veth", pair(two, shape={"rate": "10mbit"}))["changed"]
    result = run_module("veth", pair(two, shape={}))
    assert [(change["kind"], change["action"]) for change in result["changes"]] == [("shaping", "delete")]
    assert qdiscs(f"{two}-a", "a0") == []


def test_other_queue_counts_need_force_and_then_recreate_the_pair(two):
    assert run_module("veth", pair(two, queues=2))["changed"]
    refused = run_module("veth", pair(two, queues=4))
    assert is_clean_failure(refused) and "has 2 queues, asked for 4" in refused["msg"]
    assert run_module("veth", pair(two, queues=4, force=True))["changes"][0]["action"] == "recreate"
    assert link_details(f"{two}-a", "a0")["num_tx_queues"] == 4


@pytest.mark.parametrize("bad, named", [
    ({"queues": 5000}, "5000"),
    ({"queues": 0}, "queues 0"),
    ({"shape": {"delay": "-5ms"}}, "-5ms"),
    ({"shape": {"loss": "150%"}}, "over 100%"),
    ({"shape": {"rate": "fast"}}, "'fast'"),
    ({"shape": {"jitter": "2ms"}}, "needs a delay"),
    ({"shape": {"burst": "10kb"}}, "needs a rate"),
    ({"offloads": {"lro": True}}, "lro"),
    ({"offloads": {"tso": True, "tx_checksum": False}}, "tx_checksum"),
    ({"mac": "01:00:5e:00:00:01"}, "multicast"),
    ({"peer_gso_max_size": 10 ** 7}, "10000000"),
], ids=lambda value: json.dumps(value) if isinstance(value, dict) else value)
def test_bad_values_are_refused_before_anything_changes(two, bad, named):
    assert run_module("veth", pair(two))["changed"]
    before = (host_snapshot(), link_details(f"{two}-a", "a0"), qdiscs(f"{two}-a", "a0"), offloads(f"{two}-a", "a0"))
    result = run_module("veth", pair(two, **bad))
    assert is_clean_failure(result) and named in result["msg"], result
    assert (host_snapshot(), link_details(f"{two}-a", "a0"), qdiscs(f"{two}-a", "a0"),
            offloads(f"{two}-a", "a0")) == before


def iperf(client_netns, server_netns, server_address, seconds=3, streams=1):
    """Received bits per second of one iperf3 run between two namespaces."""
    server = subprocess.Popen(["ip", "netns", "exec", server_netns, "iperf3", "-s", "-1", "-B", server_address],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _attempt in range(50):
            report = subprocess.run(["ip", "netns", "exec", client_netns, "iperf3", "-c", server_address, "-t",
                                     str(seconds), "-P", str(streams), "-J"], capture_output=True, text=True,
                                    check=False)
            data = json.loads(report.stdout or "{}")
            if report.returncode == 0 and "error" not in data:
                return data["end"]["sum_received"]["bits_per_second"]
            time.sleep(0.1)  # the server is not listening yet
        raise AssertionError(f"iperf3 failed: {report.stdout[-500:]} {report.stderr[-500:]}")
    finally:
        server.kill()
        server.wait()


def ping_rtts(netns, address, count=20):
    out = run("ip", "netns", "exec", netns, "ping", "-c", str(count), "-i", "0.05", "-q", address)
    return float(out.rsplit("=", 1)[1].split("/")[1])  # the average of rtt min/avg/max/mdev


def shaped_pair(prefix, shape):
    return {"name": prefix, "links": [{"endpoints": [
        {"netns": f"{prefix}-a", "name": "a0", "addresses": ["198.18.40.1/24"]},
        {"netns": f"{prefix}-b", "name": "b0", "addresses": ["198.18.40.2/24"]}], "shape": shape}]}


def test_a_rate_limited_link_measures_close_to_its_rate(prefix):
    built = run_module("netns_topology", {**shaped_pair(prefix, {"rate": "100mbit"}), "verify": True})
    assert not built.get("failed") and all(isinstance(outcome["rtt_ms"], float)
                                           for outcome in built["verification"]["outcomes"])
    measured = iperf(f"{prefix}-a", f"{prefix}-b", "198.18.40.2")
    # TCP goodput through tbf counts no headers: 1448 bytes of payload in each 1514-byte frame at most.
    assert 0.88 * 100e6 <= measured <= 1.01 * 100e6, f"{measured / 1e6:.1f} Mbit/s through a 100mbit link"


@pytest.mark.skipif("not kernel_has_netem()", reason="this kernel has no netem qdisc: the refusal is tested instead")
def test_a_delayed_link_measures_close_to_its_delay(prefix):
    built = run_module("netns_topology", {**shaped_pair(prefix, {"delay": "20ms"}), "verify": True})
    assert not built.get("failed")
    assert all(outcome["rtt_ms"] >= 36 for outcome in built["verification"]["outcomes"])  # the verification shows it
    rtt = ping_rtts(f"{prefix}-a", "198.18.40.2")
    assert 2 * 20 * 0.9 <= rtt <= 2 * 20 * 1.1 + 0.4, f"rtt {rtt} ms through 20 ms each way"


@pytest.mark.skipif("kernel_has_netem()", reason="this kernel has the netem qdisc: the delay is measured instead")
def test_without_netem_a_delay_is_refused_before_anything_changes(prefix):
    assert not run_module("netns_topology", shaped_pair(prefix, {})).get("failed")
    before = (host_snapshot(), link_details(f"{prefix}-a", "a0"), qdiscs(f"{prefix}-a", "a0"))
    result = run_module("netns_topology", shaped_pair(prefix, {"delay": "20ms", "loss": "1%", "rate": "100mbit"}))
    assert is_clean_failure(result) and "'netem' qdisc" in result["msg"] and "delay, loss need" in result["msg"]
    assert (host_snapshot(), link_details(f"{prefix}-a", "a0"), qdiscs(f"{prefix}-a", "a0")) == before
