"""Persistent topologies through the role: the saved description, the standalone command, the
systemd unit (verified by systemd-analyze), a simulated reboot, two units at once, a corrupt or
missing file, an upgrade of the collection, and the clean-up once nothing is persistent.

The unit's ExecStart and ExecStop lines are run exactly as the installed unit file writes them
(with %i expanded, as systemd does). Everything is removed afterwards, pass or fail.
"""
import json
import os
import pathlib
import re
import shlex
import shutil
import subprocess
import tempfile
import threading

import pytest

from conftest import COLLECTION, netns_names, remove_prefixed, run_module

SAVED = pathlib.Path("/etc/linuxnet-netns/topologies")
COMMAND = pathlib.Path("/usr/local/sbin/linuxnet-netns")
LIB = pathlib.Path("/usr/local/lib/linuxnet-netns")
UNITS = pathlib.Path("/etc/systemd/system")
TEMPLATE = UNITS / "linuxnet-netns@.service"


def role(name, prefix, state="present", persistent=True, collections=None, subnet=250, check=False, **extra):
    """Run the topology role on localhost; returns ansible-playbook's output."""
    variables = {
        "topology_name": name, "topology_state": state, "topology_persistent": persistent, "topology_verify": True,
        "topology_preset": {"name": "star", "size": 2, "prefix": prefix, "ipv6": "2001:db8:7a::/48"},
        "topology_namespaces": [{"name": f"{prefix}-r", "forwarding": True}],
        "topology_links": [{"endpoints": [{"name": f"{prefix}h", "addresses": [f"198.18.{subnet}.1/30"]},
                                          {"netns": f"{prefix}-r", "name": "up0", "addresses": [f"198.18.{subnet}.2/30"]}]}],
        **extra,
    }
    with tempfile.TemporaryDirectory() as work:
        playbook, values = pathlib.Path(work, "play.yml"), pathlib.Path(work, "vars.json")
        playbook.write_text("- hosts: localhost\n  connection: local\n  gather_facts: false\n"
                            "  roles: [linuxnet.netns.topology]\n")
        values.write_text(json.dumps(variables))
        env = dict(os.environ)
        if collections is not None:
            env["ANSIBLE_COLLECTIONS_PATH"] = collections
        command = ["ansible-playbook", "-i", "localhost,", str(playbook), "-e", f"@{values}"] + (["--check"] * check)
        done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    return done.stdout


def changed(output):
    return int(re.search(r"localhost\s+: ok=\d+\s+changed=(\d+)", output).group(1))


def unit_line(key, name):
    """ExecStart or ExecStop of the installed unit, %i expanded, split as systemd splits it."""
    text = TEMPLATE.read_text()
    line = re.search(rf"^{key}=(.*)$", text, re.MULTILINE).group(1)
    return shlex.split(line.replace("%i", name))


def run(command):
    return subprocess.run(command, capture_output=True, text=True, check=False)


def reboot(prefix):
    """Remove the kernel objects as a reboot would: namespaces and the host's links."""
    for name in netns_names():
        if name.startswith(prefix):
            subprocess.run(["ip", "netns", "delete", name], check=True)
    subprocess.run(["ip", "link", "delete", f"{prefix}h"], check=False, capture_output=True)
    assert not [name for name in netns_names() if name.startswith(prefix)]


def host_link(name):
    return run(["ip", "link", "show", name]).returncode == 0


@pytest.fixture
def names(prefix):
    """Topology names for the test; their units, files and kernel objects go afterwards."""
    used = []

    def make(suffix=""):
        name = f"{prefix}{suffix}"
        used.append(name)
        return name

    yield make
    for name in used:
        (SAVED / f"{name}.json").unlink(missing_ok=True)
        (UNITS / "multi-user.target.wants" / f"linuxnet-netns@{name}.service").unlink(missing_ok=True)
        shutil.rmtree(UNITS / f"linuxnet-netns@{name}.service.d", ignore_errors=True)  # its order (network.conf)
    remove_prefixed(prefix)
    if not SAVED.exists() or not list(SAVED.glob("*.json")):
        for path in (TEMPLATE, COMMAND):
            path.unlink(missing_ok=True)
        shutil.rmtree(LIB, ignore_errors=True)
        shutil.rmtree(SAVED.parent, ignore_errors=True)


def test_check_mode_installs_nothing(prefix, names):
    name = names()
    assert changed(role(name, prefix, check=True)) > 0
    assert not (SAVED / f"{name}.json").exists() and not COMMAND.exists() and not TEMPLATE.exists()
    assert not [n for n in netns_names() if n.startswith(prefix)]


def test_the_unit_passes_systemd_analyze_verify_without_a_word(prefix, names):
    name = names()
    role(name, prefix)
    verified = run(["systemd-analyze", "verify", str(UNITS / f"linuxnet-netns@{name}.service")])
    assert verified.returncode == 0 and verified.stdout + verified.stderr == "", verified.stdout + verified.stderr
    text = TEMPLATE.read_text()
    assert "Type=oneshot" in text and "RemainAfterExit=yes" in text and "network-" not in text.split("[Unit]")[1]
    dropin = (UNITS / f"linuxnet-netns@{name}.service.d" / "network.conf").read_text()
    assert "Before=network-pre.target" in dropin and "network-online" not in dropin  # a local topology
    assert "PrivateNetwork" not in text and "PrivateMounts" not in text
    assert (UNITS / "multi-user.target.wants" / f"linuxnet-netns@{name}.service").resolve() == TEMPLATE
    assert oct((SAVED / f"{name}.json").stat().st_mode & 0o777) == "0o600"


def ordering(*texts):
    """The Before=/After= targets of a unit with its drop-ins, as systemd merges them: an empty
    assignment does not reset a dependency, so every value adds up."""
    merged = {"Before": set(), "After": set()}
    for text in texts:
        for line in text.splitlines():
            key, _sep, value = line.partition("=")
            if key in merged:
                merged[key].update(value.split())
    return merged


@pytest.mark.parametrize("needs_network", [True, False], ids=["tunnels", "local"])
def test_the_network_drop_in_orders_the_unit_one_way_only(prefix, names, tmp_path, needs_network):
    """A part with tunnels or uplinks comes up after network-online.target, a local one before
    network-pre.target: never both, which is an ordering cycle that systemd breaks at boot by
    dropping the network's own start (seen on booted machines, tests/booted)."""
    import jinja2

    name = names()
    role(name, prefix)
    units = tmp_path / "units"
    (units / f"linuxnet-netns@{name}.service.d").mkdir(parents=True)
    shutil.copy(TEMPLATE, units / TEMPLATE.name)
    template = pathlib.Path(COLLECTION, "roles", "topology", "templates", "network.conf.j2").read_text()
    rendered = jinja2.Environment(trim_blocks=True, keep_trailing_newline=True).from_string(template).render(
        ansible_managed="test", topology_name=name, __topology_result={"saved": {"needs_network": needs_network}})
    (units / f"linuxnet-netns@{name}.service.d" / "network.conf").write_text(rendered)
    verified = run(["systemd-analyze", "verify", str(units / f"linuxnet-netns@{name}.service")])
    assert verified.returncode == 0 and verified.stdout + verified.stderr == "", verified.stdout + verified.stderr
    merged = ordering(TEMPLATE.read_text(), rendered)
    assert not ("network-online.target" in merged["After"] and "network-pre.target" in merged["Before"]), merged
    assert ("network-online.target" in merged["After"]) is needs_network
    assert ("network-pre.target" in merged["Before"]) is not needs_network


def test_a_simulated_reboot_brings_the_topology_back_by_the_units_own_lines(prefix, names):
    name = names()
    first = role(name, prefix)
    assert "enabled offline" in first  # no systemd as PID 1 on the test machines
    assert changed(role(name, prefix)) == 0
    reboot(prefix)

    started = run(unit_line("ExecStart", name))
    assert started.returncode == 0, started.stderr
    assert f"create netns {prefix}-1" in started.stdout.splitlines()
    assert re.search(r"^verified: \d+ probes answered$", started.stdout, re.MULTILINE)
    assert {f"{prefix}-hub", f"{prefix}-1", f"{prefix}-2", f"{prefix}-r"} <= set(netns_names())
    assert host_link(f"{prefix}h")
    assert run(["ip", "netns", "exec", f"{prefix}-r", "cat", "/proc/sys/net/ipv4/ip_forward"]).stdout.strip() == "1"

    again = run(unit_line("ExecStart", name))
    assert again.returncode == 0 and again.stdout.splitlines() == [again.stdout.splitlines()[-1]]  # only "verified"
    assert run([str(COMMAND), "check", name]).returncode == 0

    info = run_module("netns_info", {"names": [f"{prefix}-1"]})
    assert info["topologies"][name]["matches"] is True

    stopped = run(unit_line("ExecStop", name))
    assert stopped.returncode == 0, stopped.stderr
    assert not [n for n in netns_names() if n.startswith(prefix)] and not host_link(f"{prefix}h")
    checked = run([str(COMMAND), "check", name])
    assert checked.returncode == 1 and f"create netns {prefix}-1" in checked.stdout
    info = run_module("netns_info", {})
    assert info["topologies"][name]["matches"] is False and info["topologies"][name]["differences"]


def test_two_units_started_at_once_both_converge(prefix, names):
    first, second = names("a"), names("b")
    role(first, f"{first}x")
    role(second, f"{second}x", subnet=251)
    reboot(first)
    reboot(second)
    outcomes = {}

    def start(name):
        outcomes[name] = run(unit_line("ExecStart", name))

    threads = [threading.Thread(target=start, args=(name,)) for name in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for name in (first, second):
        assert outcomes[name].returncode == 0, outcomes[name].stderr
        assert run([str(COMMAND), "check", name]).returncode == 0


def test_a_corrupt_or_missing_saved_file_fails_clearly_and_changes_nothing(prefix, names):
    name = names()
    role(name, prefix)
    reboot(prefix)
    (SAVED / f"{name}.json").write_text('{"format": 1, "name": ')
    before = netns_names()
    failed = run(unit_line("ExecStart", name))
    assert failed.returncode == 2 and failed.stdout == ""
    assert f"linuxnet-netns apply {name}: saved description {SAVED}/{name}.json is not valid JSON" in failed.stderr
    assert "Traceback" not in failed.stderr
    assert netns_names() == before and not host_link(f"{prefix}h")

    missing = run([str(COMMAND), "apply", f"{name}none"])
    assert missing.returncode == 2 and f"no saved description at {SAVED}/{name}none.json" in missing.stderr

    info = run_module("netns_info", {})
    assert info["topologies"][name]["matches"] is False and "not valid JSON" in info["topologies"][name]["error"]


def test_a_saved_file_that_root_alone_does_not_control_is_not_applied(prefix, names, tmp_path):
    """Issue 22, item 7 and 10: a file others may write, a symbolic link, a file that is not UTF-8,
    and a name that leaves the directory are each refused with exit 2 and a message, and nothing
    is built."""
    name = names()
    role(name, prefix)
    reboot(prefix)
    saved = SAVED / f"{name}.json"
    good = saved.read_bytes()
    before = netns_names()

    def refused(expected, command=None):
        done = run(command or unit_line("ExecStart", name))
        assert done.returncode == 2 and expected in done.stderr and "Traceback" not in done.stderr, done
        assert netns_names() == before and not host_link(f"{prefix}h")

    saved.chmod(0o666)
    refused("is writable by group or others (mode 0666): refused")
    saved.chmod(0o600)
    SAVED.chmod(0o777)
    refused(f"directory {SAVED} is writable by group or others")
    SAVED.chmod(0o700)
    elsewhere = tmp_path / "elsewhere.json"
    elsewhere.write_bytes(good)
    saved.unlink()
    saved.symlink_to(elsewhere)
    refused("is a symbolic link")
    saved.unlink()
    saved.write_bytes(b'{"format": 1, "name": "\xff"}')
    saved.chmod(0o600)
    refused("is not UTF-8 text")
    refused("topology name", [str(COMMAND), "apply", f"../../../tmp/{name}"])
    saved.write_bytes(good)
    assert run(unit_line("ExecStart", name)).returncode == 0 and host_link(f"{prefix}h")


def test_an_upgraded_collection_replaces_the_command_and_the_unit_keeps_working(prefix, names):
    name = names()
    role(name, prefix)
    old_version = run([str(COMMAND), "--version"]).stdout.split()[-1]
    with tempfile.TemporaryDirectory() as root:
        newer = pathlib.Path(root, "ansible_collections", "linuxnet", "netns")
        shutil.copytree(COLLECTION, newer, ignore=shutil.ignore_patterns("__pycache__", "output", ".git"))
        version_file = newer / "plugins" / "module_utils" / "_version.py"
        version_file.write_text(version_file.read_text().replace(f'"{old_version}"', '"99.0.0"'))
        galaxy = newer / "galaxy.yml"
        galaxy.write_text(galaxy.read_text().replace(f"version: {old_version}", "version: 99.0.0"))
        role(name, prefix, collections=root)
    assert run([str(COMMAND), "--version"]).stdout.split()[-1] == "99.0.0"
    assert sorted(path.name for path in LIB.iterdir()) == ["99.0.0"]
    reboot(prefix)
    started = run(unit_line("ExecStart", name))
    assert started.returncode == 0, started.stderr
    assert run([str(COMMAND), "check", name]).returncode == 0


def test_not_persistent_any_more_removes_unit_file_and_command_and_keeps_the_lab(prefix, names):
    name = names()
    role(name, prefix)
    role(name, prefix, persistent=False)
    assert not (SAVED / f"{name}.json").exists()
    assert not (UNITS / "multi-user.target.wants" / f"linuxnet-netns@{name}.service").exists()
    assert not TEMPLATE.exists() and not COMMAND.exists() and not LIB.exists()
    assert f"{prefix}-1" in netns_names()  # the lab itself stays up
    role(name, prefix, persistent=True)
    role(name, prefix, state="absent")
    assert not (SAVED / f"{name}.json").exists() and not COMMAND.exists()
    assert not [n for n in netns_names() if n.startswith(prefix)]
