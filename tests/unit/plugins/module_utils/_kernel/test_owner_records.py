import os

import pytest

from ansible_collections.linuxnet.netns.plugins.module_utils._kernel import namespaces


@pytest.fixture
def run_dirs(tmp_path, monkeypatch):
    """/run/netns and the owner records in a temporary directory; a plain file stands for a namespace."""
    monkeypatch.setattr(namespaces, "NETNS_RUN_DIR", str(tmp_path / "netns"))
    monkeypatch.setattr(namespaces, "OWNERS_DIR", str(tmp_path / "owners"))
    monkeypatch.setattr(namespaces, "UNFINISHED_OWNERS_DIR", str(tmp_path / "owners-unfinished"))
    os.makedirs(tmp_path / "netns")
    for name in ("lnt-a", "lnt-b"):
        (tmp_path / "netns" / name).touch()
    return tmp_path


def test_a_record_names_its_owner_until_forgotten(run_dirs):
    namespaces.record_owner("lnt-a", "topology one")
    assert namespaces.recorded_owner("lnt-a") == "topology one"
    assert namespaces.recorded_owner("lnt-b") is namespaces.UNRECORDED
    assert os.listdir(run_dirs / "owners-unfinished") == []
    namespaces.forget_owners(["lnt-a"])
    assert namespaces.recorded_owner("lnt-a") is namespaces.UNRECORDED
    assert os.listdir(run_dirs / "owners") == []


def test_forgetting_removes_what_a_killed_writer_left_of_that_name_only(run_dirs):
    namespaces.record_owner("lnt-a", "topology one")
    namespaces.record_owner("lnt-b", "topology one")
    unfinished = run_dirs / "owners-unfinished"
    (unfinished / f"{namespaces._unfinished('lnt-a')}123-456").write_text("{")
    (unfinished / f"{namespaces._unfinished('lnt-b')}123-456").write_text("{")
    namespaces.forget_owners(["lnt-a"])
    assert os.listdir(unfinished) == [f"{namespaces._unfinished('lnt-b')}123-456"]
    assert os.listdir(run_dirs / "owners") == ["lnt-b"]


def test_a_record_of_an_earlier_namespace_of_the_same_name_is_not_believed(run_dirs):
    namespaces.record_owner("lnt-a", "topology one")
    os.unlink(run_dirs / "netns" / "lnt-a")
    (run_dirs / "netns" / "lnt-b").rename(run_dirs / "netns" / "lnt-a")  # another inode under the name
    assert namespaces.recorded_owner("lnt-a") is namespaces.UNRECORDED
