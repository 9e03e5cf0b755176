"""Rollback on the real kernel: a run with rollback killed at several points, then a run whose
verification fails, leaves the host exactly as before the first; a killed run followed by a good
run converges, reporting the rollback it finished first. Everything is made in namespaces of the
test's own, plus one host-namespace veth end with the test's prefix."""
import os
import subprocess
import time

from conftest import host_snapshot, module_command, run_module, star, write_args

KILL_POINTS = 6
JOURNALS = "/run/linuxnet-netns/journal"


def described(prefix, deaf=False):
    args = star(prefix, 12, name=prefix, rollback=True)
    args["links"].append({"endpoints": [{"name": f"{prefix}h", "addresses": ["198.18.251.1/30"]},
                                        {"netns": f"{prefix}-1", "name": "host0", "addresses": ["198.18.251.2/30"]}]})
    if deaf:  # one leaf answers no ping, so verification, the last step, fails
        args["verify"] = True
        leaf = next(entry for entry in args["namespaces"] if entry["name"] == f"{prefix}-3")
        leaf["sysctls"] = {"net.ipv4.icmp_echo_ignore_all": 1, "net.ipv6.icmp.echo_ignore_all": 1}
    return args


def journals():
    return sorted(os.listdir(JOURNALS)) if os.path.isdir(JOURNALS) else []


def journal_of(args):
    from ansible_collections.linuxnet.netns.plugins.module_utils._kernel import records
    from ansible_collections.linuxnet.netns.plugins.module_utils._description.vocabulary import marker

    return records._path("journal", [marker(args["name"])])  # pylint: disable=protected-access


def kill_midway(args, changes):
    """SIGKILL the run once its journal holds `changes` entries: in the middle of applying."""
    path, journal = write_args(args), journal_of(args)
    try:
        process = subprocess.Popen(module_command("netns_topology", path), stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while process.poll() is None and time.monotonic() < deadline:
            if os.path.exists(journal) and sum(1 for _line in open(journal, encoding="utf-8")) >= changes:
                break
            time.sleep(0.002)
        process.kill()
        process.wait()
    finally:
        os.unlink(path)
    return os.path.exists(journal)


def planned_changes(args):
    check = run_module("netns_topology", args, check_mode=True)
    return len(check["changes"])


def test_a_failed_verification_rolls_back_what_the_run_made(prefix):
    before, journals_before = host_snapshot(), journals()
    failed = run_module("netns_topology", described(prefix, deaf=True))
    assert failed.get("failed") and "verification" in failed["msg"].lower() or "no answer" in failed["msg"], failed
    assert f"netns {prefix}-3" in failed["rolled_back"] and failed["rollback_errors"] == []
    assert failed["rolled_back"][0].startswith("addresses") or failed["rolled_back"][0].startswith("route")
    assert host_snapshot() == before and journals() == journals_before


def test_killed_midway_then_a_failing_run_leaves_the_host_as_before(prefix):
    args = described(prefix)
    total = planned_changes(args)
    before, journals_before = host_snapshot(), journals()
    for point in range(KILL_POINTS):
        changes = 1 + (total * 2 // 3) * point // KILL_POINTS  # the last changes can end before the kill lands
        assert kill_midway(args, changes), f"the run ended before its change {changes} of {total}"
        failed = run_module("netns_topology", described(prefix, deaf=True))
        assert failed.get("failed"), f"killed at change {changes}: {failed}"
        assert failed["finished_rollback"]["rolled_back"], failed
        assert failed["rollback_errors"] == [] and failed["finished_rollback"]["rollback_errors"] == []
        assert host_snapshot() == before, f"killed at change {changes}, the host was left changed"
        assert journals() == journals_before


def test_killed_midway_then_a_good_run_converges(prefix):
    args = described(prefix)
    total = planned_changes(args)
    for changes in (2, total // 3, total * 2 // 3):
        assert kill_midway(args, changes), f"the run ended before its change {changes} of {total}"
        converged = run_module("netns_topology", args)
        assert not converged.get("failed"), converged.get("msg")
        assert converged["finished_rollback"]["rolled_back"], converged
        again = run_module("netns_topology", args)
        assert again["changed"] is False, again["changes"]
        assert not run_module("netns_topology", {**args, "state": "absent"}).get("failed")
