"""Attacks of the security review (issue 22) that need root and real files: each is refused before
anything changes, with a message, and leaves the host as it was. The guard's attacks run on fake
hosts (tests/fleet/test_outside.py), never against this machine's own interfaces."""
import os
import pathlib
import tempfile

import pytest

from conftest import host_snapshot, is_clean_failure, netns_names, run_module


@pytest.fixture
def victim():
    """A root-only file outside the collection's directories, with content a diff must not show."""
    directory = tempfile.mkdtemp(prefix="lnt-victim-")
    path = pathlib.Path(directory, "victim.json")
    path.write_text("secret, not json\n")
    path.chmod(0o600)
    yield path
    path.unlink(missing_ok=True)
    os.rmdir(directory)


@pytest.mark.parametrize("persistent", [False, True])
@pytest.mark.parametrize("check_mode", [False, True])
def test_a_topology_name_cannot_reach_a_file_outside_its_directory(victim, prefix, persistent, check_mode):
    before = host_snapshot()
    for name in (str(victim.with_suffix("")), f"../../../..{victim.with_suffix('')}"):
        args = {"name": name, "namespaces": [{"name": f"{prefix}-a"}], "persistent": persistent,
                "_ansible_diff": True}
        result = run_module("netns_topology", args, check_mode=check_mode)
        assert is_clean_failure(result), result
        assert "topology name" in result["msg"] and "must be 1 to 64 letters" in result["msg"]
        assert "secret" not in str(result)
    assert victim.read_text() == "secret, not json\n"
    assert host_snapshot() == before and not [name for name in netns_names() if name.startswith(prefix)]
