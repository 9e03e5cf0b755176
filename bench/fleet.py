"""The fleet case of the control-plane benchmark: HOSTS fake hosts (tests/fleet/harness.py: each a
namespace with its own sshd) converging SIZE namespaces each through the role over SSH at once,
against one fake host converging HOSTS x SIZE, in the same run. Called by bench.py (--fleet)."""
import json
import pathlib
import sys
import tempfile
import time

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests" / "fleet"))

from harness import Fleet  # noqa: E402  pylint: disable=wrong-import-position

PLAY = "- hosts: {hosts}\n  gather_facts: false\n  roles: [linuxnet.netns.topology]\n"


def converge(fleet, hosts, size, state, work):
    """Seconds one ansible-playbook run of the role takes to converge a star of `size` on `hosts`."""
    play, variables = work / "play.yml", work / "vars.json"
    play.write_text(PLAY.format(hosts=",".join(hosts)))
    variables.write_text(json.dumps({"topology_name": "bench", "topology_state": state,
                                     "topology_preset": {"name": "star", "size": size, "prefix": "lnbf"}}))
    started = time.perf_counter()
    done = fleet.controller_command(["ansible-playbook", str(play), "-e", f"@{variables}"])
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"the fleet case failed ({state}, {len(hosts)} x {size}):\n{done.stdout[-3000:]}")
    return seconds


def fleet_case(hosts, size, repeat, record):
    """record(what, seconds) for the fleet's build and teardown and the one host's, `repeat` times."""
    with Fleet(hosts, prefix="lntfbench") as fleet, tempfile.TemporaryDirectory() as directory:
        fleet.wait_for_ssh(fleet.hosts)
        work = pathlib.Path(directory)
        converge(fleet, fleet.hosts, 2, "present", work)  # SSH masters and the like: not part of the figures
        converge(fleet, fleet.hosts, 2, "absent", work)
        for _round in range(repeat):
            for label, targets, per_host in (("fleet", fleet.hosts, size), ("one host", fleet.hosts[:1], hosts * size)):
                record(f"{label} build", converge(fleet, targets, per_host, "present", work))
                record(f"{label} teardown", converge(fleet, targets, per_host, "absent", work))
