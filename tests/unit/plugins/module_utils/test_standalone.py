import io

from ansible_collections.linuxnet.netns.plugins.module_utils._errors import ValidationError
from ansible_collections.linuxnet.netns.plugins.module_utils._standalone import main
from ansible_collections.linuxnet.netns.plugins.module_utils._description.topology import Topology
from ansible_collections.linuxnet.netns.tests.unit.plugins.module_utils._reconcile.fake_kernel import FakeKernel


def saved_kernel():
    kernel = FakeKernel()
    description = Topology.from_params({"preset": {"name": "pair", "prefix": "s"}, "name": "lab", "persistent": True})
    kernel.saved["lab"] = description.saved_form()
    return kernel


def run(kernel, *argv):
    out, err = io.StringIO(), io.StringIO()
    status = main(list(argv), out=out, err=err, kernel=lambda: kernel)
    return status, out.getvalue().splitlines(), err.getvalue()


def test_apply_prints_one_line_per_change_then_nothing():
    kernel = saved_kernel()
    status, lines, err = run(kernel, "apply", "lab")
    assert status == 0 and err == ""
    assert lines[0] == "create netns s-1" and "create veth eth0 in namespace 's-1'" in lines
    assert kernel.namespace_names() == ["s-1", "s-2"]
    assert run(kernel, "apply", "lab") == (0, [], "")


def test_check_says_by_its_status_whether_the_kernel_matches():
    kernel = saved_kernel()
    status, lines, _err = run(kernel, "check", "lab")
    assert status == 1 and "create netns s-1" in lines
    assert kernel.requests == []
    run(kernel, "apply", "lab")
    assert run(kernel, "check", "lab") == (0, [], "")


def test_destroy_removes_what_the_topology_made_and_keeps_the_saved_file():
    kernel = saved_kernel()
    run(kernel, "apply", "lab")
    status, lines, _err = run(kernel, "destroy", "lab")
    assert status == 0 and lines == ["delete netns s-1", "delete netns s-2"]
    assert kernel.namespace_names() == [] and "lab" in kernel.saved
    assert run(kernel, "check", "lab")[0] == 1


def test_a_missing_or_corrupt_saved_file_fails_clearly_and_changes_nothing():
    kernel = FakeKernel()
    status, lines, err = run(kernel, "apply", "nothing")
    assert status == 2 and lines == []
    assert err == "linuxnet-netns apply nothing: no saved description at /etc/linuxnet-netns/topologies/nothing.json\n"

    def corrupt(name):
        raise ValidationError(f"saved description /etc/linuxnet-netns/topologies/{name}.json is not valid JSON")

    kernel.saved_description = corrupt
    status, lines, err = run(kernel, "apply", "lab")
    assert status == 2 and "is not valid JSON" in err and kernel.requests == []


def test_a_name_that_is_not_file_safe_is_refused():
    status, _lines, err = run(FakeKernel(), "check", "../etc/passwd")
    assert status == 2 and "topology name '../etc/passwd' must be 1 to 64 letters" in err


def test_a_refused_system_call_fails_with_exit_2_and_the_file_it_was_about(monkeypatch):
    kernel = saved_kernel()

    def full(self, netns, loopback_alias=None):
        raise OSError(28, "No space left on device", "/run/netns/s-1")

    monkeypatch.setattr(FakeKernel, "create_namespace", full)
    status, _lines, err = run(kernel, "apply", "lab")
    assert status == 2 and err == "linuxnet-netns apply lab: No space left on device (/run/netns/s-1)\n"


def test_a_name_that_leaves_the_directory_fails_with_exit_2():
    status, _lines, err = run(saved_kernel(), "apply", "../../tmp/x")
    assert status == 2 and "topology name '../../tmp/x' must be 1 to 64 letters" in err


def test_at_boot_the_interfaces_guarded_when_saved_stay_guarded_before_the_network_is_up():
    import ipaddress

    from ansible_collections.linuxnet.netns.plugins.module_utils._kernel.messages import RouteRecord
    from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.plan import Plan
    from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.saved import plan_saved
    from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.view import KernelView

    kernel = FakeKernel()
    host = kernel.namespaces[None]
    eth0 = host.add_link("eth0", "device", up=True)
    host.routes.append(RouteRecord(family=2, dst=ipaddress.ip_network("0.0.0.0/0"), oif=eth0, metric=0, proto=3,
                                   gateway=ipaddress.ip_address("198.18.200.1")))
    lab = Topology.from_params({"name": "lab", "persistent": True, "namespaces": [{"name": "s-1"}]})
    plan = Plan()
    plan_saved(KernelView(kernel), lab, plan)
    plan.apply()
    assert kernel.saved["lab"]["guarded"] == ["eth0"]

    host.routes.clear()  # at boot, before the network is up
    kernel.saved["lab"]["namespaces"] = [{"name": "s-1", "interfaces": [{"name": "eth0", "kind": "moved"}]}]
    status, _lines, err = run(kernel, "apply", "lab")
    assert status == 2 and "refusing to move into a namespace interface 'eth0': it carries the host's default " \
                           "route when the topology was saved" in err
    assert kernel.link(None, "eth0") is not None and kernel.namespace_names() == []


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds


def probed(monkeypatch, answers):
    """_verified with verify() answering from `answers` (True: verified, False: a probe failed)."""
    from ansible_collections.linuxnet.netns.plugins.module_utils import _standalone
    from ansible_collections.linuxnet.netns.plugins.module_utils._verify.verify import VerificationFailed

    calls = []

    def verify(_view, _topology):
        calls.append(1)
        if answers.pop(0):
            return {"verification": {"probes": 2}}
        raise VerificationFailed({"failed": 1, "probes": 2, "unreachable": [{"from": "a", "to": "b", "address": "x"}]})

    monkeypatch.setattr(_standalone, "verify", verify)
    return _standalone, calls


class View:
    def fresh(self):
        return self


def needs_network(value):
    topology = Topology.from_params({"namespaces": [{"name": "a"}], "name": "lab"})
    topology.local.needs_network = lambda: value
    return topology


def test_at_boot_probes_that_need_the_network_are_retried_until_it_is_up(monkeypatch):
    standalone, calls = probed(monkeypatch, [False, False, True])
    clock = Clock()
    assert standalone._verified(View(), needs_network(True), clock=clock, sleep=clock.sleep) == {"probes": 2}
    assert len(calls) == 3 and clock.now == 2 * standalone.RETRY_EVERY


def test_at_boot_the_retries_end_with_the_failure_once_the_patience_is_spent(monkeypatch):
    import pytest

    from ansible_collections.linuxnet.netns.plugins.module_utils._verify.verify import VerificationFailed

    standalone, calls = probed(monkeypatch, [False] * 100)
    clock = Clock()
    with pytest.raises(VerificationFailed, match="1 of 2 probes got no answer"):
        standalone._verified(View(), needs_network(True), clock=clock, sleep=clock.sleep)
    assert clock.now >= standalone.NETWORK_PATIENCE and len(calls) == standalone.NETWORK_PATIENCE // 2 + 1


def test_a_local_topology_fails_its_verification_at_once(monkeypatch):
    import pytest

    from ansible_collections.linuxnet.netns.plugins.module_utils._verify.verify import VerificationFailed

    standalone, calls = probed(monkeypatch, [False, True])
    clock = Clock()
    with pytest.raises(VerificationFailed):
        standalone._verified(View(), needs_network(False), clock=clock, sleep=clock.sleep)
    assert len(calls) == 1 and clock.now == 0
