import pytest

from ansible_collections.linuxnet.netns.plugins.module_utils._errors import KernelError, ValidationError
from ansible_collections.linuxnet.netns.plugins.module_utils._kernel.traffic import FIRST_CLASS, request_of
from ansible_collections.linuxnet.netns.plugins.module_utils._description.link_settings import EndSettings, Shape, veth_end_settings
from ansible_collections.linuxnet.netns.plugins.module_utils._description.model import Veth
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.veth import plan_veth_and_ends

from ansible_collections.linuxnet.netns.tests.unit.plugins.module_utils._reconcile.fake_kernel import (
    actions,
    converged,
    planned,
    with_namespaces,
)


def request(**params):
    params = {"name": "a0", "netns": "red", "peer": "b0", "peer_netns": "blue", **params}
    veth = Veth.from_params(params)
    return veth, veth_end_settings(veth, params)


@pytest.fixture
def kernel():
    return with_namespaces("red", "blue")


def test_settings_of_a_new_pair_are_planned_applied_and_then_left_alone(kernel):
    wanted = request(queues=4, mac="02:00:00:00:aa:01", txqueuelen=500, offloads={"gro": True},
                     peer_shape={"rate": "100mbit"})
    assert actions(planned(kernel, plan_veth_and_ends, wanted)) == [
        ("veth", "create"), ("link settings", "update"), ("offloads", "update"), ("shaping", "create")]
    converged(kernel, plan_veth_and_ends, wanted)
    red, blue = kernel.link("red", "a0"), kernel.link("blue", "b0")
    assert (red["mac"], red["txqueuelen"], red["tx_queues"]) == ("02:00:00:00:aa:01", 500, 4)
    assert "rx-gro" in red["features"]
    [tbf] = blue["qdiscs"]
    assert (tbf.kind, tbf.options) == ("tbf", {"rate": 100_000_000, "burst": 50_000, "limit": 675_000})
    assert not planned(kernel, plan_veth_and_ends, wanted).changed


def test_drift_is_planned_as_an_update_with_before_and_after(kernel):
    wanted = request(txqueuelen=500, offloads={"tso": False})
    converged(kernel, plan_veth_and_ends, wanted)
    kernel.link("red", "a0")["txqueuelen"] = 1000
    kernel.link("red", "a0")["features"].add("tx-tcp-segmentation")
    plan = planned(kernel, plan_veth_and_ends, wanted)
    assert plan.diff()["before"] == {"settings of a0 in namespace 'red'": {"txqueuelen": 1000},
                                     "offloads of a0 in namespace 'red'": {"tso": "mixed"}}
    plan.apply()
    assert not planned(kernel, plan_veth_and_ends, wanted).changed


def test_an_offload_the_kernel_keeps_is_an_error_not_a_silent_success(kernel):
    converged(kernel, plan_veth_and_ends, request())
    kernel.link("red", "a0")["features"].difference_update({"tx-checksum-ip-generic", "tx-tcp-segmentation"})
    kernel.link("red", "a0")["changeable"] = kernel.link("red", "a0")["changeable"] - {"tx-checksum-ip-generic"}
    with pytest.raises(KernelError, match="kept tso"):
        converged(kernel, plan_veth_and_ends, request(offloads={"tso": True}))


def test_an_offload_the_device_cannot_change_is_refused_before_any_change(kernel):
    converged(kernel, plan_veth_and_ends, request())
    kernel.link("red", "a0")["changeable"] = frozenset()
    kernel.requests.clear()
    with pytest.raises(ValidationError, match="does not let gro be changed"):
        planned(kernel, plan_veth_and_ends, request(offloads={"gro": True}))


def test_without_netem_a_delay_is_refused_at_planning_naming_the_keys(kernel):
    converged(kernel, plan_veth_and_ends, request())
    kernel.requests.clear()
    with pytest.raises(ValidationError, match=r"delay, loss need the 'netem' qdisc"):
        planned(kernel, plan_veth_and_ends, request(shape={"delay": "20ms", "loss": "1%"}))
    assert kernel.requests == []


def test_with_netem_delay_and_rate_make_netem_with_tbf_under_it(kernel):
    kernel.qdisc_kinds.add("netem")
    wanted = request(shape={"delay": "20ms", "jitter": "2ms", "loss": "1%", "rate": "100mbit"})
    converged(kernel, plan_veth_and_ends, wanted)
    netem, tbf = kernel.link("red", "a0")["qdiscs"]
    assert netem.kind == "netem" and netem.options == {
        "delay": 20_000, "jitter": 2_000, "loss": 1.0, "duplicate": 0.0, "reorder": 0.0, "corrupt": 0.0, "limit": 1000}
    assert tbf.kind == "tbf" and tbf.parent == FIRST_CLASS
    assert tbf.options["limit"] == 50_000 + 12_500_000 * 72 // 1000  # burst + (delay + jitter + 50 ms) at the rate
    assert not planned(kernel, plan_veth_and_ends, wanted).changed


def test_an_empty_shape_deletes_the_shaping_and_nothing_else(kernel):
    converged(kernel, plan_veth_and_ends, request(shape={"rate": "10mbit"}))
    plan = planned(kernel, plan_veth_and_ends, request(shape={}))
    assert actions(plan) == [("shaping", "delete")]
    plan.apply()
    assert kernel.link("red", "a0")["qdiscs"] == []


def test_the_netem_request_is_what_pyroute2_turns_into_tc_netem_options():
    [(kind, options)] = Shape.from_params({"delay": "20ms", "loss": "0.5%", "reorder": "25%", "corrupt": "0.1%"}).qdiscs(1500)
    assert kind == "netem"
    assert request_of(kind, options) == {"delay": 20_000, "jitter": 0, "limit": 1000, "loss": 0.5, "duplicate": 0.0,
                                         "prob_reorder": 25.0, "prob_corrupt": 0.1}


def test_a_long_delay_at_a_high_rate_gets_a_netem_queue_for_the_bandwidth_delay_product():
    netem, _tbf = Shape.from_params({"delay": "100ms", "rate": "10gbit"}).qdiscs(1500)
    in_flight = 10 ** 10 // 8 // 10  # bytes in 100 ms
    assert netem[1]["limit"] == 2 * -(-in_flight // 1514)


def test_the_burst_covers_a_full_frame_of_the_link():
    [(_kind, options)] = Shape.from_params({"rate": "1mbit"}).qdiscs(9000)
    assert options["burst"] == 9014


@pytest.mark.parametrize("shape, message", [
    ({"delay": "-1ms"}, "not understood"),
    ({"delay": "2min"}, "not understood"),
    ({"delay": "61s"}, "longer than a minute"),
    ({"loss": "101%"}, "over 100%"),
    ({"rate": "0bit"}, "out of range"),
    ({"rate": "40gbit"}, "out of range"),
    ({"rate": True}, "must be a number"),
    ({"reorder": "5%"}, "needs a delay"),
    ({"limit": "1mb"}, "needs a rate or a delay"),
    ({"speed": "1gbit"}, "unknown key"),
])
def test_bad_shapes_name_the_value_and_why(shape, message):
    with pytest.raises(ValidationError, match=message):
        Shape.from_params(shape)


@pytest.mark.parametrize("settings, message", [
    ({"offloads": {"lro": True}}, "unknown name"),
    ({"offloads": {"gro": "yes"}}, "must be true or false"),
    ({"offloads": {"tso": True, "tx_checksum": False}}, "tso true needs tx_checksum"),
    ({"mac": "01:00:00:00:00:01"}, "multicast"),
    ({"mac": "02:00:00:00:00"}, "six hexadecimal bytes"),
    ({"txqueuelen": -1}, "out of range"),
    ({"gso_max_size": 524281}, "out of range"),
])
def test_bad_settings_name_the_value_and_why(settings, message):
    with pytest.raises(ValidationError, match=message):
        EndSettings.from_params(settings, "a0")


@pytest.mark.parametrize("queues", [0, 4097, "many"])
def test_queue_counts_outside_the_kernels_range_are_refused(queues):
    with pytest.raises(ValidationError, match="queues"):
        request(queues=queues)
