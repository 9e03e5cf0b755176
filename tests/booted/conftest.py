"""The booted machines the tests share (one per Debian release, see machines.py), and helpers to run
the role on them."""
import json
import os

import pytest

from machines import Machines  # it puts tests/fleet, with harness, on the path
from harness import recap  # noqa: F401  pylint: disable=unused-import,wrong-import-order

RELEASES = tuple(os.environ.get("LINUXNET_BOOTED_RELEASES", "11 12 13").split())


@pytest.fixture(scope="session")
def machines():
    with Machines(RELEASES) as started:
        yield started


def playbook(machines, tmp_path, text, variables=None, check=False, limit=None, verbose=False):
    """Run a playbook (YAML text) against the machines; the CompletedProcess (verbose: with every
    task's result, such as the interpreter each machine's first task discovered)."""
    path = tmp_path / "play.yml"
    path.write_text(text)
    values = tmp_path / "vars.json"
    values.write_text(json.dumps(variables or {}))
    return machines.playbook(path, "-e", f"@{values}", *["--check"] * check, *(["--limit", limit] if limit else []),
                             *["-v"] * verbose)
