"""The Clos example (examples/clos.yml) on the real kernel: 2 spines and 4 leaves, each running
BIRD 2 as a service of the topology, converge under OSPF to one multipath route per remote host
subnet (a nexthop through each spine) and full reachability between the hosts; a re-run changes
nothing (BIRD keeps running, its routes are not the topology's); absent stops every BIRD and
leaves nothing behind. Figures (build, convergence, re-run, teardown) are printed (pytest -s)."""
import json
import os
import re
import subprocess
import time

from conftest import COLLECTION, netns_names

EXAMPLE = os.path.join(COLLECTION, "examples", "clos.yml")
SPINES, LEAVES = 2, 4


def play(prefix, *extra):
    started = time.monotonic()
    done = subprocess.run(["ansible-playbook", "-i", "localhost,", EXAMPLE, "-e", f"clos_prefix={prefix}", *extra],
                          capture_output=True, text=True, check=False)
    return done, round(time.monotonic() - started, 1)


def changed(output):
    return int(re.search(r"localhost\s+: ok=\d+\s+changed=(\d+)", output).group(1))


def nexthops(prefix, leaf, other):
    shown = subprocess.run(["ip", "-n", f"{prefix}leaf{leaf}", "-4", "route", "show", f"198.19.{100 + other}.0/24"],
                           capture_output=True, text=True, check=False).stdout
    return sorted(re.findall(r"nexthop via (\S+) dev (\S+)", shown))


def spine_route(prefix, spine, leaf):
    return subprocess.run(["ip", "-n", f"{prefix}spine{spine}", "-4", "route", "show", f"198.19.{100 + leaf}.0/24"],
                          capture_output=True, text=True, check=False).stdout


def converged(prefix):
    """Every leaf has a path through every spine to every other leaf's hosts, and every spine a path
    to each leaf's hosts (each router runs its own shortest-path computation: the leaves may be first)."""
    return (all(len(nexthops(prefix, leaf, other)) == SPINES
                for leaf in range(1, LEAVES + 1) for other in range(1, LEAVES + 1) if leaf != other)
            and all(f"dev leaf{leaf}" in spine_route(prefix, spine, leaf)
                    for spine in range(1, SPINES + 1) for leaf in range(1, LEAVES + 1)))


def bird_pids(prefix):
    found = []
    for entry in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as file:
                argv = file.read().split(b"\0")
        except FileNotFoundError:
            continue
        if argv and argv[0].endswith(b"bird") and any(f"/{prefix}clos/".encode() in arg for arg in argv):
            found.append(int(entry))
    return found


def test_the_clos_fabric_converges_under_bird_to_multipath_routes(prefix):
    figures = {}
    try:
        built, figures["build_s"] = play(prefix, "-e", "clos_wait=false")
        assert built.returncode == 0, built.stdout[-4000:]
        assert len(bird_pids(prefix)) == SPINES + LEAVES  # one BIRD per router, started by the role
        started = time.monotonic()
        while not converged(prefix) and time.monotonic() < started + 60:
            time.sleep(0.1)
        figures["convergence_s"] = round(time.monotonic() - started, 1)
        assert converged(prefix), nexthops(prefix, 1, 2)
        assert nexthops(prefix, 1, 4) == [("198.19.1.1", "spine1"), ("198.19.2.1", "spine2")]
        for source in range(1, LEAVES + 1):
            for target in range(1, LEAVES + 1):
                if source != target:  # by name: the topology's hosts files
                    ping = subprocess.run(["ip", "netns", "exec", f"{prefix}host{source}", "ping", "-c", "1", "-W", "2",
                                           f"{prefix}host{target}"], capture_output=True, text=True, check=False)
                    assert ping.returncode == 0, (source, target, ping.stdout, ping.stderr)
        pids = sorted(bird_pids(prefix))
        again, figures["rerun_s"] = play(prefix)  # waits for convergence and pings, as a user runs it
        assert again.returncode == 0 and changed(again.stdout) == 0, again.stdout[-4000:]
        assert sorted(bird_pids(prefix)) == pids
    finally:
        gone, figures["teardown_s"] = play(prefix, "-e", "topology_state=absent")
        print("\nclos figures:", json.dumps(figures))
    assert gone.returncode == 0, gone.stdout[-4000:]
    assert not [name for name in netns_names() if name.startswith(prefix)]
    assert bird_pids(prefix) == [] and not os.path.exists(f"/run/linuxnet-netns-lab/{prefix}clos")
