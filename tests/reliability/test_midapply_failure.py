"""A failure in the middle of an apply keeps what was done, reports it, and a re-run converges.

The policy is roll-forward, not rollback: every step is idempotent, so the next run picks up
where the failed one stopped. Here the kernel refuses an IPv6 address on an interface whose
namespace has IPv6 disabled, after the namespaces and the veth pair are made.
"""
import subprocess

from conftest import is_clean_failure, netns_names, run_module


def test_failure_mid_apply_then_a_rerun_converges(prefix):
    a, b = f"{prefix}-a", f"{prefix}-b"
    broken = {
        "namespaces": [{"name": a, "sysctls": {"net.ipv6.conf.default.disable_ipv6": 1}}, {"name": b}],
        "links": [{"endpoints": [{"netns": a, "name": "eth0", "addresses": ["198.18.5.1/24", "2001:db8:5::1/64"]},
                                 {"netns": b, "name": "eth0", "addresses": ["198.18.5.2/24"]}]}],
    }
    failed = run_module("netns_topology", broken)
    assert is_clean_failure(failed), failed
    assert "2001:db8:5::1/64" in failed["msg"]
    applied = [change["target"] for change in failed["changes"]]
    assert f"netns {a}" in applied and any(target.startswith("veth eth0") for target in applied)
    assert {a, b} <= set(netns_names())

    fixed = {**broken, "links": [{"endpoints": [
        {"netns": a, "name": "eth0", "addresses": ["198.18.5.1/24"]},
        {"netns": b, "name": "eth0", "addresses": ["198.18.5.2/24"]}]}]}
    converged = run_module("netns_topology", fixed)
    assert not converged.get("failed") and converged["changed"]
    assert run_module("netns_topology", fixed)["changed"] is False
    assert subprocess.run(["ip", "netns", "exec", a, "ping", "-c", "1", "-W", "2", "198.18.5.2"],
                          capture_output=True, check=False).returncode == 0
