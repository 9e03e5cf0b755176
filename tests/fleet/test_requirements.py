"""A fake host whose Python lacks pyroute2: the role says so, naming the host, and with the pip
fallback gets it (from a package index the test serves in the controller namespace) and converges.
The other hosts converge either way."""
import subprocess
import sys
import time

import pytest

from conftest import playbook, recap
from harness import UNDERLAY

ROLE = "- hosts: fleet\n  gather_facts: false\n  roles: [linuxnet.netns.topology]\n"
LAB = {"topology_name": "needs", "topology_preset": {"name": "pair", "prefix": "req"}}


@pytest.fixture
def bare_host(fleet):
    host = fleet.hosts[-1]
    fleet.stop_host(host)
    fleet.start_host(host, hide_pyroute2=True)
    fleet.wait_for_ssh([host])
    yield host
    fleet.stop_host(host)
    fleet.start_host(host)
    fleet.wait_for_ssh([host])


@pytest.fixture
def index(fleet, tmp_path):
    """A directory of pyroute2 wheels, served over HTTP from the controller namespace."""
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:",
                    "--dest", str(wheels), "pyroute2>=0.7.2"], check=True)
    server = fleet.controller_server([sys.executable, "-m", "http.server", "8000", "--bind", f"{UNDERLAY}.1",
                                      "--directory", str(wheels)])
    time.sleep(1)
    yield f"--no-index --find-links http://{UNDERLAY}.1:8000/ --trusted-host {UNDERLAY}.1"
    server.kill()
    server.wait()


def test_the_role_names_the_host_without_pyroute2_then_installs_it_with_pip(fleet, bare_host, index, tmp_path):
    lacking = fleet.on_host(bare_host, ["/usr/bin/python3", "-c", "import pyroute2"])
    assert lacking.returncode != 0
    others = [host for host in fleet.hosts if host != bare_host]
    try:
        refused = playbook(fleet, tmp_path, ROLE, LAB)
        assert refused.returncode != 0
        assert f"{bare_host}: the linuxnet.netns modules need pyroute2" in refused.stdout
        assert "Set topology_install_with_pip: true" in refused.stdout
        outcome = recap(refused.stdout)
        assert outcome[bare_host]["failed"] == 1 and all(outcome[h]["failed"] == 0 for h in others)

        installed = playbook(fleet, tmp_path, ROLE, {**LAB, "topology_install_with_pip": True,
                                                     "topology_pip_extra_args": index})
        assert installed.returncode == 0, installed.stdout[-3000:]
        assert recap(installed.stdout)[bare_host]["changed"] > 0
        found = fleet.on_host(bare_host, ["/usr/bin/python3", "-c", "import pyroute2; print(pyroute2.__file__)"])
        assert found.returncode == 0 and found.stdout.startswith("/usr/local/lib/")  # its own, private copy
        assert "req-1" in fleet.on_host(bare_host, ["ip", "netns", "list"]).stdout
    finally:
        assert playbook(fleet, tmp_path, ROLE, {**LAB, "topology_state": "absent", "topology_install_with_pip": True,
                                                "topology_pip_extra_args": index}).returncode == 0
