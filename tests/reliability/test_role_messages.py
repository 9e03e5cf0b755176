"""The role's failures in the role's words, on localhost: the first line names the role variable
and the path inside it, and the role's option names; tearing down a lab never built changes nothing."""
import json
import pathlib
import re
import subprocess
import tempfile


def role(variables):
    with tempfile.TemporaryDirectory() as work:
        playbook, values = pathlib.Path(work, "play.yml"), pathlib.Path(work, "vars.json")
        playbook.write_text("- hosts: localhost\n  connection: local\n  gather_facts: false\n"
                            "  roles: [linuxnet.netns.topology]\n")
        values.write_text(json.dumps(variables))
        return subprocess.run(["ansible-playbook", "-i", "localhost,", str(playbook), "-e", f"@{values}"],
                              capture_output=True, text=True, check=False)


def first_error(output):
    return next(line for line in output.splitlines() if line.startswith("[ERROR]: "))


def test_a_bad_value_is_named_by_its_role_variable_first(prefix):
    done = role({"topology_name": prefix, "topology_namespaces": [{"name": f"{prefix}a"}],
                 "topology_links": [{"endpoints": [{"netns": f"{prefix}a", "name": "a", "addresses": ["198.18.5.1/24"]},
                                                   {"netns": f"{prefix}b", "name": "a", "addresses": ["198.18.5.300/24"]}]}]})
    assert done.returncode != 0
    assert first_error(done.stdout).startswith(
        "[ERROR]: Task failed: Action failed: topology_links[0] endpoints[1]: address '198.18.5.300/24'"), done.stdout


def test_a_busy_namespace_names_topology_when_busy(prefix):
    name = f"{prefix}busy"
    variables = {"topology_name": prefix, "topology_namespaces": [{"name": name}]}
    assert role(variables).returncode == 0
    sleeper = subprocess.Popen(["ip", "netns", "exec", name, "sleep", "60"])
    try:
        done = role({**variables, "topology_state": "absent"})
        assert done.returncode != 0
        error = first_error(done.stdout)
        assert "set topology_when_busy to 'detach'" in error and "set when_busy" not in error, error
    finally:
        sleeper.kill()
        sleeper.wait()
    assert role({**variables, "topology_state": "absent"}).returncode == 0


def test_tearing_down_a_lab_never_built_changes_nothing(prefix):
    done = role({"topology_name": prefix, "topology_state": "absent", "topology_persistent": True,
                 "topology_namespaces": [{"name": f"{prefix}x", "uplink": True}], "topology_hosts": True,
                 "topology_uplink_range": "198.19.220.0/24"})
    assert done.returncode == 0, done.stdout[-3000:]
    assert re.search(r"localhost\s+: ok=\d+\s+changed=0\b", done.stdout), done.stdout[-3000:]
