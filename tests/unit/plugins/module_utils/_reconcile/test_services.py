"""Services planned against a fake kernel: started after their namespace's links, addresses and
/etc files; kept while unchanged; restarted on a change of command, environment or restart, or
when found not running; stopped when no longer described and first when the topology goes, never
counted as processes that keep a namespace busy. Bad descriptions are refused with their path."""
import pytest

from ansible_collections.linuxnet.netns.plugins.module_utils._description.topology import Topology
from ansible_collections.linuxnet.netns.plugins.module_utils._errors import ConflictError, NotFoundError, ValidationError
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile import services as services_planner
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.topology import plan_topology

from ansible_collections.linuxnet.netns.tests.unit.plugins.module_utils._reconcile.fake_kernel import (
    FakeKernel,
    converged,
    planned,
)

BIRD = {"name": "bird", "command": ["bird", "-f", "-c", "/etc/bird/r1.conf"], "environment": {"LANG": "C"}}


def lab(services=(BIRD,), state="present", r2_services=(), hosts=True):
    return Topology.from_params({
        "name": "svc", "state": state, "hosts": hosts,
        "namespaces": [{"name": "r1", "services": list(services)}, {"name": "r2", "services": list(r2_services)}],
        "links": [{"endpoints": [{"netns": "r1", "name": "eth0", "addresses": ["198.18.1.1/30"]},
                                 {"netns": "r2", "name": "eth0", "addresses": ["198.18.1.2/30"]}]}],
    })


@pytest.fixture
def kernel(monkeypatch):
    monkeypatch.setattr(services_planner, "SETTLE", 0)
    return FakeKernel()


def started(kernel):
    return [request for request in kernel.requests if request[0] in ("start service", "stop service")]


def test_a_service_starts_after_its_namespace_is_built_and_is_kept(kernel):
    plan = converged(kernel, plan_topology, lab())
    kinds = [change.kind for change in plan.changes]
    assert kinds[-1] == "service" and kinds.index("service") > max(kinds.index("address"), kinds.index("file"))
    record = kernel.service_record(["svc", "r1", "bird"])
    assert record["command"] == ["/usr/sbin/bird", "-f", "-c", "/etc/bird/r1.conf"]  # the program's full path
    assert record["etc_files"] == ["hosts"]
    again = planned(kernel, plan_topology, lab())
    assert not again.changed


@pytest.mark.parametrize("changed", [
    {**BIRD, "command": ["bird", "-f", "-c", "/etc/bird/other.conf"]},
    {**BIRD, "environment": {"LANG": "C.UTF-8"}},
    {**BIRD, "restart": "always"},
])
def test_a_changed_service_is_restarted_with_a_diff(kernel, changed):
    converged(kernel, plan_topology, lab())
    kernel.requests.clear()
    plan = converged(kernel, plan_topology, lab([changed]))
    assert [(change.kind, change.action) for change in plan.changes] == [("service", "update")]
    assert plan.diff()["before"]["service bird in namespace 'r1'"]["state"] == "running"
    assert started(kernel) == [("stop service", "r1", "bird"), ("start service", "r1", "bird")]


def test_a_change_of_which_etc_files_it_sees_restarts_it_too(kernel):
    converged(kernel, plan_topology, lab())
    plan = converged(kernel, plan_topology, lab(hosts=False))
    assert ("service", "update") in [(change.kind, change.action) for change in plan.changes]


def test_a_service_found_not_running_is_started_again(kernel):
    converged(kernel, plan_topology, lab())
    kernel.service_states['["svc", "r1", "bird"]'] = "failed"
    plan = converged(kernel, plan_topology, lab())
    assert [(change.kind, change.action) for change in plan.changes] == [("service", "update")]


def test_a_service_no_longer_described_is_stopped_and_absent_stops_all_first(kernel):
    converged(kernel, plan_topology, lab(r2_services=[{"name": "web", "command": ["sleep", "1000"]}]))
    plan = converged(kernel, plan_topology, lab())
    assert [change.target for change in plan.changes if change.kind == "service"] == ["service web in namespace 'r2'"]
    assert kernel.service_record(["svc", "r2", "web"]) is None
    kernel.processes["r1"] = [(kernel.service_record(["svc", "r1", "bird"])["pid"], "bird")]
    gone = converged(kernel, plan_topology, lab(state="absent"))  # when_busy fail: its own service is no process of others
    assert gone.changes[0].kind == "service" and gone.changes[0].action == "delete"
    assert kernel.services == {}


def test_someone_elses_process_still_keeps_the_namespace_busy(kernel):
    converged(kernel, plan_topology, lab())
    kernel.processes["r1"] = [(kernel.service_record(["svc", "r1", "bird"])["pid"], "bird"), (99, "tcpdump")]
    with pytest.raises(ConflictError, match=r"in use by 1 process\(es\): 99 \(tcpdump\)"):
        planned(kernel, plan_topology, lab(state="absent"))


def test_a_missing_program_is_refused_before_any_change(kernel):
    with pytest.raises(NotFoundError, match="service ghost in namespace 'r1': program 'ghost' is not on this host"):
        planned(kernel, plan_topology, lab([{"name": "ghost", "command": ["ghost"]}]))
    assert kernel.requests == []


def _view_and_plan(kernel):
    from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.plan import Plan
    from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.view import KernelView
    return KernelView(kernel), lab(), Plan()


def test_check_mode_predicts_the_report_and_a_run_gives_the_pid(kernel):
    view, topology, plan = _view_and_plan(kernel)
    result = plan_topology(view, topology, plan)
    assert result["services"] == [{"netns": "r1", "name": "bird", "state": "running", "pid": None,
                                   "manager": "supervisor"}]
    plan.apply()
    report = services_planner.services_report(view, topology)
    assert report[0]["state"] == "running" and report[0]["pid"] == kernel.service_record(["svc", "r1", "bird"])["pid"]


@pytest.mark.parametrize("service, message", [
    ({"command": ["bird"]}, r"namespaces\[0\] \(r1\): services\[0\]: service name None must be"),
    ({"name": "bird"}, r"services\[0\] \(bird\): command must be a non-empty list"),
    ({"name": "bird", "command": "bird -f"}, r"command must be a list of arguments \(argv\), not the string"),
    ({"name": "bird", "command": ["bird"], "restart": "sometimes"}, r"restart 'sometimes' must be one of"),
    ({"name": "bird", "command": ["bird"], "ready": {"timeout": 5}}, r"ready: give the tcp_port"),
    ({"name": "bird", "command": ["bird"], "ready": {"tcp_port": 70000}}, r"tcp_port 70000 is out of range"),
    ({"name": "bird", "command": ["bird"], "environment": {"1X": "y"}}, r"environment: '1X' is not a variable name"),
    ({"name": "bird", "command": ["bird"], "colour": "red"}, r"unknown key\(s\) colour"),
    ({"name": "../x", "command": ["bird"]}, r"service name '../x' must be"),
])
def test_bad_services_are_refused_with_their_path(service, message):
    with pytest.raises(ValidationError, match=message):
        lab([service])


def test_a_service_listed_twice_is_refused():
    with pytest.raises(ValidationError, match=r"services\[1\]: service 'bird' is listed twice in namespace 'r1'"):
        lab([BIRD, BIRD])


def test_restart_no_unquoted_in_yaml_reads_as_no():
    assert lab([{**BIRD, "restart": False}]).services[0].restart == "no"


def test_a_service_whose_namespace_is_made_anew_is_restarted_in_it(kernel):
    converged(kernel, plan_topology, lab())
    del kernel.namespaces["r1"], kernel.namespaces["r2"]  # removed behind the topology's back; the record says it runs
    plan = converged(kernel, plan_topology, lab())
    assert ("service", "update") in [(change.kind, change.action) for change in plan.changes]
