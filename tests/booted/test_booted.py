"""The role on booted Debian machines (systemd as PID 1, their own dpkg, real reboots): host
preparation from a local repository, a persistent fleet topology that comes back at every boot
without Ansible, and the faults a real fleet meets (a machine powered off mid-run, a corrupted
saved description).

Figures (boot, reboot-to-restored and run times) are printed at the end (pytest -s, as
tests/run.sh runs it); docs/fleet.md shows a run's."""
import json
import subprocess
import time

import pytest

from conftest import playbook, recap
from machines import UNDERLAY, PORT

ROLE = "- hosts: booted\n  gather_facts: false\n  roles: [linuxnet.netns.topology]\n"
PIP = {"topology_install_with_pip": True,
       "topology_pip_extra_args": f"--index-url http://{UNDERLAY}.1:{PORT}/pypi/simple --trusted-host {UNDERLAY}.1"}
FIGURES = {}


@pytest.fixture(scope="module", autouse=True)
def figures(machines):
    FIGURES["boot_s"] = {machine.name: round(machine.boot_times[0], 1) for machine in machines}
    yield FIGURES
    print("\nbooted figures:", json.dumps(FIGURES, indent=1))


def timed(name, function, *args, **kwargs):
    started = time.monotonic()
    done = function(*args, **kwargs)
    FIGURES.setdefault("runs_s", {})[name] = round(time.monotonic() - started, 1)
    return done


def on(machine, command):
    """A shell command line on the machine: its output, or a line that says it failed."""
    done = machine.run(["sh", "-c", command])
    return done.stdout.strip() if done.returncode == 0 else f"FAILED {done.returncode}: {done.stderr.strip()}"


def netns_list(machine):
    return sorted(line.split()[0] for line in on(machine, "ip netns list").splitlines() if line)


def by_release(machines, release):
    return next(machine for machine in machines if machine.release == release)


# host preparation
def test_host_preparation_uses_each_releases_own_package_manager(machines, tmp_path):
    """pyroute2 and nftables from the local apt repository (the lists empty, as on a fresh image),
    for the interpreter discovery finds; Debian 11's pyroute2 is too old: named, then replaced by
    pip from the local index when allowed."""
    local = {"topology_name": "lntprep", "topology_uplink_range": "198.19.210.0/24",
             "topology_namespaces": [{"name": "prep", "uplink": {"nat": True}}]}
    old = by_release(machines, "11") if "11" in [machine.release for machine in machines] else None
    if old is not None:
        refused = playbook(machines, tmp_path, ROLE, local, limit=old.name)
        assert refused.returncode != 0
        assert "it has pyroute2 0.5.14, too old" in refused.stdout, refused.stdout[-3000:]
        assert "Set topology_install_with_pip: true" in refused.stdout
        assert netns_list(old) == []
    try:
        first = timed("prepare", playbook, machines, tmp_path, ROLE, {**local, **PIP}, verbose=True)
        assert first.returncode == 0, first.stdout[-4000:]
        for machine in machines:
            python = on(machine, "readlink -f /usr/bin/python3")  # discovery finds the release's own
            assert f'"discovered_interpreter_python": "{python}"' in first.stdout, python
            found = on(machine, "python3 -c 'import pyroute2; print(pyroute2.__file__)'")
            if machine.release == "11":  # pip, from the local index, into /usr/local
                assert found.startswith("/usr/local/lib/python3.9/dist-packages/pyroute2/"), found
            else:  # the release's own package
                assert found.startswith("/usr/lib/python3/dist-packages/pyroute2/"), found
                assert "install ok installed" in on(machine, "dpkg-query -W -f='${Status}' python3-pyroute2")
            assert "install ok installed" in on(machine, "dpkg-query -W -f='${Status}' nftables")
            assert "linuxnet-lntprep" in on(machine, "nft list tables")
            assert netns_list(machine) == ["prep"]
        again = timed("prepare_again", playbook, machines, tmp_path, ROLE, {**local, **PIP})
        assert again.returncode == 0 and all(recap(again.stdout)[m.name]["changed"] == 0 for m in machines), \
            again.stdout[-3000:]
    finally:
        gone = playbook(machines, tmp_path, ROLE, {**local, **PIP, "topology_state": "absent"})
    assert gone.returncode == 0, gone.stdout[-3000:]


# a persistent fleet topology through reboots
def fleet_description(machines, name="lntfleet"):
    """Namespaces on every machine; a bridge on the first joined by tunnels from the others; a direct
    tunnel between the last two; a routed namespace; an uplink with NAT and a forward."""
    hub, *others = [machine.name for machine in machines]
    namespaces = [{"name": "hub", "host": hub, "forwarding": True},
                  {"name": "web", "host": hub, "routes": [{"to": "198.18.50.0/24", "via": "198.18.51.1"}],
                   "uplink": {"nat": True, "probe": f"{UNDERLAY}.1"},
                   "services": [{"name": "http", "command": ["python3", "-m", "http.server", "80"],
                                 "ready": {"tcp_port": 80}}]}]
    links = [{"endpoints": [{"netns": "web", "name": "lan", "addresses": ["198.18.51.2/24"]},
                            {"netns": "hub", "name": "web", "addresses": ["198.18.51.1/24"]}]}]
    for index, host in enumerate(others, start=2):
        namespaces.append({"name": f"n{index}", "host": host, "sysctls": {"net.ipv4.conf.all.rp_filter": 2},
                           "routes": [{"to": "198.18.51.0/24", "via": "198.18.50.1"}]})
        links.append({"endpoints": [{"netns": f"n{index}", "name": "lan", "addresses": [f"198.18.50.{index}/24"]},
                                    {"netns": "hub", "name": f"p{index}", "bridge": "br0"}]})
    if len(others) >= 2:
        links.append({"endpoints": [{"netns": "n2", "name": "direct", "addresses": ["198.18.60.2/24"]},
                                    {"netns": "n3", "name": "direct", "addresses": ["198.18.60.3/24"]}]})
    return {
        "topology_name": name, "topology_persistent": True, "topology_verify": True,
        "topology_uplink_range": "198.19.200.0/24", "topology_namespaces": namespaces,
        "topology_bridges": [{"name": "br0", "netns": "hub", "addresses": ["198.18.50.1/24"]}],
        "topology_links": links,
        "topology_forwards": [{"protocol": "tcp", "port": 8080, "namespace": "web", "to_port": 80, "address": "any"}],
        **PIP,
    }


STATE = r"""
for ns in $(ip netns list | cut -d' ' -f1 | sort); do
  echo "== $ns"
  ip -n $ns -br link | sed 's/@[^ ]*//' | awk '{print $1, $2}' | sort
  ip -n $ns -br address | sed 's/@[^ ]*//; s/ fe80::[^ ]*//g' | awk '{$2=""; print}' | sort
  ip -n $ns route show table all | grep -v '^local\|^broadcast\|fe80::\|^multicast\|^anycast' | sort
  ip netns exec $ns sysctl -n net.ipv4.ip_forward net.ipv4.conf.all.rp_filter
done
echo "== host"
ip -br link | sed 's/@[^ ]*//' | awk '$1 != "eth0" {print $1, $2}' | sort
ip -br address | sed 's/@[^ ]*//; s/ fe80::[^ ]*//g' | awk '$1 != "eth0" {$2=""; print}' | sort
sysctl net.ipv4.conf.eth0.forwarding net.ipv4.conf.all.forwarding
nft list ruleset
ls /etc/linuxnet-netns/topologies
"""


def state(machine):
    """What must come back identically after a boot, without Ansible."""
    return on(machine, STATE)


def unit_outcome(machine, name):
    """(Result, what the unit printed this boot) of linuxnet-netns@NAME."""
    result = on(machine, f"systemctl show -p Result --value linuxnet-netns@{name}")
    journal = on(machine, f"journalctl -b -o cat --no-pager -u linuxnet-netns@{name}")
    return result, journal


def ping(machine, netns, address):
    return machine.run(["ip", "netns", "exec", netns, "ping", "-c", "1", "-W", "2", address]).returncode == 0


def pings_across(machines):
    """The cross-host paths: each machine's namespace to the hub's bridge, to the routed web namespace,
    through the direct tunnel, and web out through its NAT to the controller."""
    hub, *others = list(machines)
    found = {"web -> controller (NAT)": ping(hub, "web", f"{UNDERLAY}.1")}
    for index, machine in enumerate(others, start=2):
        found[f"n{index} -> hub"] = ping(machine, f"n{index}", "198.18.50.1")
        found[f"n{index} -> web"] = ping(machine, f"n{index}", "198.18.51.2")
    if len(others) >= 2:
        found["n2 -> n3 direct"] = ping(others[0], "n2", "198.18.60.3")
    return found


WEB_UNIT = "linuxnet-netns-lntfleet-web-http.service"


def serves(machine, netns, url):
    """Whether a web page comes from `url`, fetched inside `netns` of `machine`."""
    code = f"import urllib.request; print(urllib.request.urlopen('{url}', timeout=5).status)"
    return machine.run(["ip", "netns", "exec", netns, "python3", "-c", code]).stdout.strip() == "200"


def web_service(machines):
    """The web namespace's service: a systemd unit in that namespace, serving the others."""
    hub, *others = list(machines)
    main_pid = on(hub, f"systemctl show -p MainPID --value {WEB_UNIT}")
    return {"active": on(hub, f"systemctl is-active {WEB_UNIT}"),
            "netns": on(hub, f"ip netns identify {main_pid}"),
            "served": all(serves(machine, f"n{index}", "http://198.18.51.2/")
                          for index, machine in enumerate(others, start=2))}


def restored(machines, reboot, name):
    """Reboot (the machines together), then the seconds from the reboot to the unit's success, per machine."""
    since = time.monotonic()
    booted = machines.reboot(reboot)
    figures = {}
    for machine in reboot:
        while on(machine, f"systemctl is-active linuxnet-netns@{name}") == "activating":
            time.sleep(0.2)
        figures[machine.name] = {"booted_s": booted[machine.name], "restored_s": round(time.monotonic() - since, 1)}
    return figures


def test_a_persistent_fleet_topology_comes_back_at_every_boot_without_ansible(machines, tmp_path):
    variables = fleet_description(machines)
    name = variables["topology_name"]
    try:
        built = timed("fleet_build", playbook, machines, tmp_path, ROLE, variables)
        assert built.returncode == 0, built.stdout[-5000:]
        again = timed("fleet_rerun", playbook, machines, tmp_path, ROLE, variables)
        assert again.returncode == 0 and all(recap(again.stdout)[m.name]["changed"] == 0 for m in machines), \
            again.stdout[-5000:]
        before = {machine.name: state(machine) for machine in machines}
        assert all(pings_across(machines).values()), pings_across(machines)
        assert web_service(machines) == {"active": "active", "netns": "web", "served": True}, web_service(machines)

        FIGURES["reboot_all"] = restored(machines, list(machines), name)
        for machine in machines:
            assert state(machine) == before[machine.name], machine.name
            result, journal = unit_outcome(machine, name)
            assert result == "success" and "verified:" in journal, journal
            cycle = on(machine, "systemd-analyze verify --man=no default.target 2>&1")
            assert "cycle" not in cycle.lower() and not cycle.startswith("FAILED"), cycle
        assert all(pings_across(machines).values()), pings_across(machines)
        assert web_service(machines) == {"active": "active", "netns": "web", "served": True}, web_service(machines)

        alone = machines.machines[-1]  # one machine rebooted alone rejoins its tunnels
        FIGURES["reboot_one"] = restored(machines, [alone], name)
        assert state(alone) == before[alone.name]
        assert all(pings_across(machines).values()), pings_across(machines)

        rerun = timed("fleet_rerun_after_reboot", playbook, machines, tmp_path, ROLE, variables)
        assert rerun.returncode == 0 and all(recap(rerun.stdout)[m.name]["changed"] == 0 for m in machines), \
            rerun.stdout[-5000:]
    finally:
        gone = timed("fleet_absent", playbook, machines, tmp_path, ROLE, {**variables, "topology_state": "absent"})
    assert gone.returncode == 0, gone.stdout[-5000:]
    for machine in machines:
        assert netns_list(machine) == []
        assert on(machine, f"systemctl is-enabled linuxnet-netns@{name}") != "enabled"
        assert on(machine, "ls /etc/linuxnet-netns /usr/local/sbin/linuxnet-netns").startswith("FAILED")
    machines.reboot(list(machines))  # and the next boot brings nothing back
    for machine in machines:
        assert netns_list(machine) == [] and "linuxnet" not in on(machine, "nft list ruleset")
        assert "linuxnet-netns@" not in on(machine, "systemctl list-units --all --no-legend 'linuxnet-netns@*'")
        assert "linuxnet-netns-" not in on(machine, "systemctl list-units --all --no-legend 'linuxnet-netns-*'")


# faults
def test_a_machine_powered_off_mid_run_leaves_the_others_converged_and_a_rerun_converges_it(machines, tmp_path):
    variables = {**fleet_description(machines, "lntpower"), "topology_verify": False}
    victim = machines.machines[-1]
    others = [machine for machine in machines if machine is not victim]
    path = tmp_path / "play.yml"
    path.write_text(ROLE)
    (tmp_path / "vars.json").write_text(json.dumps(variables))
    try:
        running = subprocess.Popen(["ip", "netns", "exec", machines.controller, "ansible-playbook", str(path),
                                    "-e", f"@{tmp_path / 'vars.json'}"], env=machines.environment(),
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        output = []
        for line in running.stdout:  # power goes as the fleet starts to build
            output.append(line)
            if "Build, remove or verify the whole topology in one call" in line:
                victim.power_off()
                break
        output += running.stdout.readlines()
        assert running.wait() != 0
        counts = recap("".join(output))
        assert counts[victim.name]["unreachable"] + counts[victim.name]["failed"] > 0, "".join(output)[-3000:]
        for machine in others:  # their parts are built as described: the check changes nothing
            checked = machine.run(["/usr/local/sbin/linuxnet-netns", "check", "lntpower"])
            assert checked.returncode == 0, checked.stdout + checked.stderr
        machines.boot([victim])
        converged = playbook(machines, tmp_path, ROLE, {**variables, "topology_verify": True})
        assert converged.returncode == 0, converged.stdout[-5000:]
        assert all(pings_across(machines).values()), pings_across(machines)
    finally:
        if not victim.wanted:
            machines.boot([victim])
        gone = playbook(machines, tmp_path, ROLE, {**variables, "topology_state": "absent"})
    assert gone.returncode == 0, gone.stdout[-5000:]
    assert all(netns_list(machine) == [] for machine in machines)


def test_a_corrupted_saved_description_fails_its_unit_at_boot_and_the_others_come_back(machines, tmp_path):
    machine = machines.machines[0]
    play = f"- hosts: {machine.name}\n  gather_facts: false\n  roles: [linuxnet.netns.topology]\n"

    def local(name):
        return {"topology_name": name, "topology_persistent": True, "topology_verify": True, **PIP,
                "topology_namespaces": [{"name": f"{name}-a"}, {"name": f"{name}-b"}],
                "topology_links": [{"endpoints": [{"netns": f"{name}-a", "name": "eth0", "addresses": ["198.18.70.1/24"]},
                                                  {"netns": f"{name}-b", "name": "eth0", "addresses": ["198.18.70.2/24"]}]}]}

    try:
        for name in ("lntgood", "lntbad"):
            built = playbook(machines, tmp_path, play, local(name))
            assert built.returncode == 0, built.stdout[-3000:]
        on(machine, "printf '{\"format\": 1, \"name\": \"lntbad\", \"links\": [' > /etc/linuxnet-netns/topologies/lntbad.json")
        machines.reboot([machine])
        while "activating" in (on(machine, "systemctl is-active linuxnet-netns@lntgood linuxnet-netns@lntbad")):
            time.sleep(0.2)
        assert netns_list(machine) == ["lntgood-a", "lntgood-b"]
        assert unit_outcome(machine, "lntgood")[0] == "success"
        result, journal = unit_outcome(machine, "lntbad")
        assert result == "exit-code", journal
        assert "linuxnet-netns apply lntbad: " in journal and "lntbad.json" in journal, journal
    finally:
        for name in ("lntbad", "lntgood"):
            gone = playbook(machines, tmp_path, play, {**local(name), "topology_state": "absent"})
            assert gone.returncode == 0, gone.stdout[-3000:]
    assert netns_list(machine) == []
    assert on(machine, "ls /etc/linuxnet-netns").startswith("FAILED")
