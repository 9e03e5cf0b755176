"""VLAN-aware bridges and VLAN sub-interfaces on the real kernel: where the kernel has 802.1Q a
port's VLANs are what the description gives; where it has not (this project's machines), the task
fails naming VLAN and the kernel, and nothing is made."""
import subprocess

import pytest

from conftest import host_snapshot, is_clean_failure, run_module


def kernel_has_vlan_filtering():
    probe = "lntvlanprobe"
    subprocess.run(["ip", "netns", "add", probe], check=True)
    try:
        made = subprocess.run(["ip", "-n", probe, "link", "add", "br0", "type", "bridge", "vlan_filtering", "1"],
                              capture_output=True, check=False)
        return made.returncode == 0
    finally:
        subprocess.run(["ip", "netns", "delete", probe], check=True)


def lab(prefix):
    return {"name": prefix,
            "bridges": [{"name": "br0", "netns": f"{prefix}sw", "vlan_filtering": True}],
            "links": [{"endpoints": [{"netns": f"{prefix}a", "name": "eth0", "addresses": ["198.18.40.1/24"]},
                                     {"netns": f"{prefix}sw", "name": "pa", "bridge": "br0", "pvid": 10}]},
                      {"endpoints": [{"netns": f"{prefix}b", "name": "eth0", "addresses": ["198.18.40.2/24"]},
                                     {"netns": f"{prefix}sw", "name": "pb", "bridge": "br0", "vlans": [20], "pvid": 10}]}]}


def test_a_kernel_without_8021q_refuses_vlans_and_makes_nothing(prefix):
    if kernel_has_vlan_filtering():
        pytest.skip("this kernel has 802.1Q: test_vlans_on_a_kernel_that_has_them covers it")
    before = host_snapshot()
    for params in (lab(prefix), {"name": prefix, "namespaces": [
            {"name": f"{prefix}a", "interfaces": [{"name": "v10", "kind": "vlan", "parent": "lo", "id": 10}]}]}):
        for check_mode in (True, False):
            result = run_module("netns_topology", params, check_mode=check_mode)
            assert is_clean_failure(result), result
            assert "802.1Q" in result["msg"] and "this kernel (" in result["msg"], result["msg"]
            assert host_snapshot() == before
    accepted = run_module("netns_topology", {"name": prefix, "bridges": [
        {"name": "br0", "netns": f"{prefix}sw", "vlan_filtering": False}]})
    assert accepted.get("changed") and not accepted.get("failed"), accepted
    assert run_module("netns_topology", {"name": prefix, "state": "absent", "bridges": [
        {"name": "br0", "netns": f"{prefix}sw"}]}).get("failed") is not True


def test_vlans_on_a_kernel_that_has_them(prefix):
    if not kernel_has_vlan_filtering():
        pytest.skip("this kernel has no 802.1Q VLAN support (refused above, as it should be)")
    try:
        built = run_module("netns_topology", lab(prefix))
        assert built.get("changed") and not built.get("failed"), built
        shown = subprocess.run(["bridge", "-n", f"{prefix}sw", "vlan", "show"], capture_output=True, text=True,
                               check=True).stdout
        assert "10 PVID Egress Untagged" in shown and "20" in shown
        assert subprocess.run(["ip", "netns", "exec", f"{prefix}a", "ping", "-c", "1", "-W", "2", "198.18.40.2"],
                              check=False).returncode == 0  # both untagged in VLAN 10
        assert run_module("netns_topology", lab(prefix)).get("changed") is False
    finally:
        run_module("netns_topology", {**lab(prefix), "state": "absent"})
