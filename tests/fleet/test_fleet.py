"""The role over real SSH on a fleet of three fake hosts (see harness.py): interpreter discovery,
the same lab on every host, a re-run that changes nothing, a host that is down during a run, and
removal. The machine's root namespace sees none of it. Needs root, sshd and ssh-keygen.
"""
import re

from conftest import playbook, recap
from harness import ip

LAB = {"topology_name": "fleet", "topology_verify": True,
       "topology_preset": {"name": "star", "size": 2, "prefix": "lab", "ipv6": "2001:db8:f::/48"}}
ROLE = "- hosts: fleet\n  gather_facts: false\n  roles: [linuxnet.netns.topology]\n"


def play(fleet, tmp_path, **variables):
    return playbook(fleet, tmp_path, ROLE, {**LAB, **variables})


def lab_namespaces(fleet, host):
    listed = fleet.on_host(host, ["ip", "netns", "list"])
    assert listed.returncode == 0, listed.stderr
    return sorted(line.split()[0] for line in listed.stdout.splitlines() if line.startswith("lab-"))


def test_every_host_answers_over_ssh_with_its_own_name_and_discovered_python(fleet):
    done = fleet.controller_command(["ansible", "fleet", "-m", "ansible.builtin.command", "-a", "hostname"])
    assert done.returncode == 0, done.stdout + done.stderr
    for host in fleet.hosts:
        assert re.search(rf"^{host} \| CHANGED \| rc=0 >>\n{host}$", done.stdout, re.MULTILINE), done.stdout
    facts = fleet.controller_command(["ansible", "fleet", "-m", "ansible.builtin.setup", "-a",
                                      "gather_subset=min filter=ansible_python"])
    assert facts.returncode == 0 and facts.stdout.count('"executable": "/usr/bin/python3') == len(fleet.hosts)


def test_the_same_lab_on_every_host_builds_reruns_and_goes(fleet, tmp_path):
    try:
        built = play(fleet, tmp_path)
        assert built.returncode == 0, built.stdout[-3000:]
        assert all(recap(built.stdout)[host]["changed"] > 0 for host in fleet.hosts)
        assert built.stdout.count("0 failed") >= len(fleet.hosts)  # each host's verification
        for host in fleet.hosts:
            assert lab_namespaces(fleet, host) == ["lab-1", "lab-2", "lab-hub"]
        assert not [name for name in ip("netns", "list").stdout.split() if name.startswith("lab-")]  # not the machine's

        again = play(fleet, tmp_path)
        assert again.returncode == 0 and all(recap(again.stdout)[host]["changed"] == 0 for host in fleet.hosts)
    finally:
        gone = play(fleet, tmp_path, topology_state="absent")
    assert gone.returncode == 0, gone.stdout[-3000:]
    assert all(lab_namespaces(fleet, host) == [] for host in fleet.hosts)


def test_a_host_that_is_down_is_reported_and_a_rerun_converges_it_alone(fleet, tmp_path):
    down = fleet.hosts[-1]
    fleet.stop_host(down)
    try:
        partial = play(fleet, tmp_path)
        assert partial.returncode == 4, partial.stdout[-3000:]  # some hosts unreachable
        outcome = recap(partial.stdout)
        assert outcome[down]["unreachable"] == 1
        assert all(outcome[host]["changed"] > 0 and outcome[host]["failed"] == 0 for host in fleet.hosts[:-1])
    finally:
        fleet.start_host(down)
        fleet.wait_for_ssh([down])
    rerun = play(fleet, tmp_path)
    assert rerun.returncode == 0, rerun.stdout[-3000:]
    outcome = recap(rerun.stdout)
    assert outcome[down]["changed"] > 0
    assert all(outcome[host]["changed"] == 0 for host in fleet.hosts[:-1])
    assert play(fleet, tmp_path, topology_state="absent").returncode == 0
