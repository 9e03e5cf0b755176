"""The booted machines the tests share (one per Debian release, see machines.py), and helpers to run
the role on them."""
import json
import os
import re

import pytest

from machines import Machines

RELEASES = tuple(os.environ.get("LINUXNET_BOOTED_RELEASES", "11 12 13").split())


@pytest.fixture(scope="session")
def machines():
    with Machines(RELEASES) as started:
        yield started


def playbook(machines, tmp_path, text, variables=None, check=False, limit=None):
    """Run a playbook (YAML text) against the machines; the CompletedProcess."""
    path = tmp_path / "play.yml"
    path.write_text(text)
    values = tmp_path / "vars.json"
    values.write_text(json.dumps(variables or {}))
    return machines.playbook(path, "-e", f"@{values}", *["--check"] * check, *(["--limit", limit] if limit else []))


def recap(output):
    """{host: {'changed': n, 'unreachable': n, 'failed': n}} from the play recap."""
    found = {}
    for host, changed, unreachable, failed in re.findall(
            r"^(\S+)\s+: ok=\d+\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)", output, re.MULTILINE):
        found[host] = {"changed": int(changed), "unreachable": int(unreachable), "failed": int(failed)}
    return found
