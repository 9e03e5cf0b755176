"""The fleet the tests share (three fake hosts, see harness.py), and helpers to run Ansible on it."""
import json

import pytest

from harness import Fleet, recap  # noqa: F401  pylint: disable=unused-import


@pytest.fixture(scope="session")
def fleet():
    with Fleet(3) as started:
        yield started


def playbook(fleet, tmp_path, text, variables=None, check=False):
    """Run a playbook (YAML text) from the controller namespace against the fleet's inventory."""
    path = tmp_path / "play.yml"
    path.write_text(text)
    values = tmp_path / "vars.json"
    values.write_text(json.dumps(variables or {}))
    return fleet.controller_command(["ansible-playbook", str(path), "-e", f"@{values}"] + ["--check"] * check)
