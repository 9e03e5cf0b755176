"""The runner, the one pipeline every module runs: against the fake kernel and a stand-in for
AnsibleModule that records what a module would return."""
import pytest

from ansible_collections.linuxnet.netns.plugins.module_utils import _runner
from ansible_collections.linuxnet.netns.plugins.module_utils._description.model import Namespace
from ansible_collections.linuxnet.netns.plugins.module_utils._description.topology import Topology
from ansible_collections.linuxnet.netns.plugins.module_utils._errors import KernelError
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.namespace import plan_namespace
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.topology import plan_topology

from ansible_collections.linuxnet.netns.tests.unit.plugins.module_utils._reconcile.fake_kernel import FakeKernel


class Exited(Exception):
    def __init__(self, failed, result):
        super().__init__(result.get("msg", ""))
        self.failed = failed
        self.result = result


class FakeModule:
    def __init__(self, params, check_mode=False, diff=False):
        self.params = params
        self.check_mode = check_mode
        self._diff = diff
        self.warnings, self.deprecations = [], []

    def exit_json(self, **result):
        raise Exited(False, result)

    def fail_json(self, **result):
        raise Exited(True, result)

    def warn(self, message):
        self.warnings.append(message)

    def deprecate(self, message, version=None, collection_name=None):
        self.deprecations.append((message, version, collection_name))


def refuse(error):
    raise error


@pytest.fixture
def kernel(monkeypatch):
    fake = FakeKernel()
    monkeypatch.setattr(_runner, "Kernel", lambda: fake)
    return fake


def run(params, parse=Namespace.from_params, plan_with=plan_namespace, **options):
    module = FakeModule(params, **{key: options.pop(key) for key in ("check_mode", "diff") if key in options})
    with pytest.raises(Exited) as exited:
        _runner.execute(module, parse, plan_with, **options)
    return module, exited.value


def test_a_real_run_applies_and_reports_then_a_second_changes_nothing(kernel):
    _module, first = run({"name": "lntr"})
    assert not first.failed and first.result["changed"]
    assert first.result["changes"] == [{"kind": "netns", "target": "netns lntr", "action": "create"}]
    assert "lntr" in kernel.namespaces
    _module, second = run({"name": "lntr"})
    assert second.result["changed"] is False and second.result["changes"] == []


def test_check_mode_predicts_the_change_and_makes_none(kernel):
    _module, exited = run({"name": "lntr"}, check_mode=True, diff=True)
    assert exited.result["changed"] and "lntr" not in kernel.namespaces and kernel.requests == []
    assert exited.result["diff"]


def test_a_refusal_fails_with_its_message_and_what_was_already_changed(kernel):
    def refuse_second(view, desired, plan):
        plan_namespace(view, desired, plan)
        plan.add("netns", "netns other", "create", None, {}, lambda: refuse(KernelError("no room")))

    _module, exited = run({"name": "lntr"}, plan_with=refuse_second)
    assert exited.failed and exited.result["msg"] == "no room"
    assert exited.result["changed"] and exited.result["changes"] == [
        {"kind": "netns", "target": "netns lntr", "action": "create"}]


def test_a_bug_fails_as_an_unexpected_error_with_its_traceback(kernel):
    def broken(view, desired, plan):
        raise ZeroDivisionError("division by zero")

    _module, exited = run({"name": "lntr"}, plan_with=broken)
    assert exited.failed and exited.result["msg"] == "unexpected error: division by zero"
    assert "ZeroDivisionError" in exited.result["exception"]


def test_bad_input_fails_before_the_kernel_is_asked_anything(kernel):
    _module, exited = run({"name": "../etc"})
    assert exited.failed and "'../etc'" in exited.result["msg"] and kernel.requests == []


def test_without_pyroute2_the_module_says_which_library_is_missing(kernel, monkeypatch):
    monkeypatch.setattr(_runner, "HAS_PYROUTE2", False)
    _module, exited = run({"name": "lntr"})
    assert exited.failed and "pyroute2" in exited.result["msg"] and kernel.requests == []


def test_with_rollback_a_failed_apply_is_undone_and_says_so(kernel):
    params = {"name": "lab", "namespaces": [{"name": "lntr1"}, {"name": "lntr2"}], "rollback": True}

    def fail_last(view, desired, plan):
        plan_topology(view, desired, plan)
        plan.add("route", "route nowhere", "create", None, {}, lambda: refuse(KernelError("refused")))

    _module, exited = run(params, parse=Topology.from_params, plan_with=fail_last)
    assert exited.failed and exited.result["msg"] == "refused"
    assert exited.result["rolled_back"] == ["netns lntr2", "netns lntr1"]
    assert set(kernel.namespaces) == {None} and kernel.records == {}


def test_force_past_the_guard_is_a_deprecation_of_this_collection(kernel, monkeypatch):
    def deprecated(view, desired, plan):
        plan.deprecate("force: true let the task do it")

    module, _exited = run({"name": "lntr"}, plan_with=deprecated)
    assert module.deprecations == [("force: true let the task do it", _runner.GUARD_FORCE_REMOVED_IN,
                                    "linuxnet.netns")]


def test_a_short_invocation_echoes_lists_as_their_length(kernel):
    params = {"name": "lab", "namespaces": [{"name": "lntr1"}, {"name": "lntr2"}]}
    _module, exited = run(params, parse=Topology.from_params, plan_with=plan_topology, short_invocation=True)
    assert exited.result["invocation"]["module_args"]["namespaces"] == "2 entries"


def test_a_report_changes_nothing(kernel):
    module = FakeModule({"name": "lntr"})
    with pytest.raises(Exited) as exited:
        _runner.report(module, lambda view, params: {"exists": view.namespace_exists(params["name"])})
    assert exited.value.result == {"changed": False, "exists": False}


@pytest.mark.parametrize("root, failure, message", [
    (True, OSError(28, "No space left on device", "/etc/linuxnet-netns/topologies/lab.json"),
     "No space left on device (/etc/linuxnet-netns/topologies/lab.json)"),
    (True, OSError(30, "Read-only file system", "/etc/linuxnet-netns/topologies"),
     "Read-only file system (/etc/linuxnet-netns/topologies)"),
    (False, PermissionError(13, "Permission denied", "/run/netns"),
     "permission denied (/run/netns): managing network namespaces needs root"),
])
def test_a_refused_system_call_names_its_file_and_reason(kernel, monkeypatch, root, failure, message):
    from ansible_collections.linuxnet.netns.plugins.module_utils import _errors

    monkeypatch.setattr(_errors.os, "geteuid", lambda: 0 if root else 1000)

    def refused(view, desired, plan):
        plan.add("saved", "saved description lab", "create", None, {}, lambda: refuse(failure))

    _module, exited = run({"name": "lntr"}, plan_with=refused)
    assert exited.failed and exited.result["msg"] == message and "exception" not in exited.result
