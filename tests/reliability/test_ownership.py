"""A topology removes what it made, and never a user's own objects with the same or similar names."""
import subprocess
import time

from conftest import netns_names, run_module, star


def ip(*args):
    subprocess.run(["ip", *args], check=True, capture_output=True)


def link_exists(name, netns=None):
    command = ["ip"] + (["-n", netns] if netns else []) + ["link", "show", name]
    return subprocess.run(command, capture_output=True, check=False).returncode == 0


def test_absent_leaves_the_users_own_objects(prefix):
    ip("netns", "add", f"{prefix}-1")            # the user's, under a name the topology describes
    ip("netns", "add", f"{prefix}-hubx")         # a look-alike name
    ip("link", "add", f"{prefix}u", "type", "veth", "peer", "name", f"{prefix}v")  # a look-alike host veth
    args = star(prefix, 3, name="own")
    args["links"].append({"endpoints": [{"name": f"{prefix}h"}, {"netns": f"{prefix}-2", "name": "host0"}]})
    assert run_module("netns_topology", args)["changed"]

    removed = run_module("netns_topology", {**args, "state": "absent"})
    assert not removed.get("failed")
    assert {"target": f"netns {prefix}-1", "reason": "not marked as made by linuxnet.netns:own"} in removed["kept"]
    left = [name for name in netns_names() if name.startswith(prefix)]
    assert sorted(left) == [f"{prefix}-1", f"{prefix}-hubx"]
    assert link_exists(f"{prefix}u") and link_exists(f"{prefix}v")
    assert not link_exists(f"{prefix}h")
    assert run_module("netns_topology", {**args, "state": "absent"})["changed"] is False


def test_prune_removes_only_what_this_topology_made(prefix):
    ip("netns", "add", f"{prefix}-9")            # the user's, named like a leaf
    mine = star(prefix, 3, name="mine")
    other = {"name": "other", "namespaces": [{"name": f"{prefix}-o1"}, {"name": f"{prefix}-o2"}],
             "links": [{"endpoints": [{"netns": f"{prefix}-o1", "name": "eth0"}, {"netns": f"{prefix}-o2", "name": "eth0"}]}]}
    assert run_module("netns_topology", mine)["changed"]
    assert run_module("netns_topology", other)["changed"]

    smaller = star(prefix, 2, name="mine", prune=True)
    check = run_module("netns_topology", smaller, check_mode=True)
    assert f"netns {prefix}-3" in check["removed"]
    assert f"{prefix}-3" in netns_names()
    pruned = run_module("netns_topology", smaller)
    assert f"netns {prefix}-3" in pruned["removed"]
    assert f"{prefix}-3" not in netns_names()
    for survivor in (f"{prefix}-9", f"{prefix}-o1", f"{prefix}-o2", f"{prefix}-1", f"{prefix}-2", f"{prefix}-hub"):
        assert survivor in netns_names()
    time.sleep(0.5)  # the kernel removes the dead namespace's veth peers asynchronously
    assert run_module("netns_topology", smaller)["changed"] is False


def test_a_namespace_and_bridges_two_topologies_share_stay_until_the_last_goes(prefix):
    """Issue 22, item 8, on the real kernel: both markers on the shared hub, its bridge and a host
    bridge; absent of one removes its own veths and marker only."""
    def topology(name, state="present"):
        return {"name": name, "state": state,
                "namespaces": [{"name": f"{prefix}-hub"}, {"name": f"{prefix}-{name}"}],
                "bridges": [{"name": "br0", "netns": f"{prefix}-hub"}, {"name": f"{prefix}br"}],
                "links": [{"endpoints": [{"netns": f"{prefix}-{name}", "name": "eth0"},
                                         {"netns": f"{prefix}-hub", "name": f"p{name}", "bridge": "br0"}]},
                          {"endpoints": [{"name": f"{prefix}{name}", "bridge": f"{prefix}br"},
                                         {"netns": f"{prefix}-{name}", "name": "up0"}]}]}

    def alias(name, netns=None):
        command = ["ip"] + (["-n", netns] if netns else []) + ["-d", "-o", "link", "show", name]
        shown = subprocess.run(command, capture_output=True, text=True, check=True).stdout
        return shown.split(" alias ", 1)[1].split("\\")[0].strip() if " alias " in shown else None

    assert run_module("netns_topology", topology("a"))["changed"]
    assert run_module("netns_topology", topology("b"))["changed"]
    both = "linuxnet.netns:a linuxnet.netns:b"
    assert alias("lo", f"{prefix}-hub") == both and alias("br0", f"{prefix}-hub") == both and alias(f"{prefix}br") == both
    assert run_module("netns_topology", topology("a"))["changed"] is False

    gone = run_module("netns_topology", topology("a", "absent"))
    assert not gone.get("failed"), gone
    assert sorted(name for name in netns_names() if name.startswith(prefix)) == [f"{prefix}-b", f"{prefix}-hub"]
    assert alias("br0", f"{prefix}-hub") == "linuxnet.netns:b" and alias(f"{prefix}br") == "linuxnet.netns:b"
    assert not link_exists("pa", f"{prefix}-hub") and link_exists("pb", f"{prefix}-hub")
    assert not link_exists(f"{prefix}a") and link_exists(f"{prefix}b")
    assert run_module("netns_topology", topology("a", "absent"))["changed"] is False

    assert run_module("netns_topology", topology("b", "absent"))["changed"]
    assert not [name for name in netns_names() if name.startswith(prefix)] and not link_exists(f"{prefix}br")
