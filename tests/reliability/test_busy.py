"""Removing a namespace that processes still run in follows when_busy: fail, detach or kill."""
import os
import subprocess
import time

import pytest

from conftest import is_clean_failure, netns_names, run_module


def start_inside(netns):
    process = subprocess.Popen(["ip", "netns", "exec", netns, "sleep", "60"])
    target = os.stat(f"/run/netns/{netns}").st_ino
    for _attempt in range(100):
        try:
            if os.stat(f"/proc/{process.pid}/ns/net").st_ino == target:
                return process
        except FileNotFoundError:
            pass
        time.sleep(0.02)
    process.kill()
    raise AssertionError("the process did not enter the namespace")


@pytest.mark.parametrize("policy", ["fail", "detach", "kill"])
def test_busy_namespace_policy(prefix, policy):
    netns = f"{prefix}busy"
    assert run_module("netns", {"name": netns})["changed"]
    process = start_inside(netns)
    try:
        result = run_module("netns", {"name": netns, "state": "absent", "when_busy": policy})
        if policy == "fail":
            assert is_clean_failure(result)
            assert str(process.pid) in result["msg"] and "sleep" in result["msg"]
            assert netns in netns_names()
            assert process.poll() is None
        elif policy == "detach":
            assert result["changed"] and netns not in netns_names()
            assert process.poll() is None, "detach must leave the processes running"
        else:
            assert result["changed"] and netns not in netns_names()
            assert process.wait(timeout=5) == -9
    finally:
        process.kill()
        process.wait()


def test_check_mode_reports_a_busy_namespace_too(prefix):
    netns = f"{prefix}busy"
    run_module("netns", {"name": netns})
    process = start_inside(netns)
    try:
        result = run_module("netns", {"name": netns, "state": "absent"}, check_mode=True)
        assert is_clean_failure(result) and str(process.pid) in result["msg"]
    finally:
        process.kill()
        process.wait()
