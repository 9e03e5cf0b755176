"""Paths the collection makes stay inside its directories, and a file root applies is root's alone."""
import os

import pytest

from ansible_collections.linuxnet.netns.plugins.module_utils._errors import ValidationError
from ansible_collections.linuxnet.netns.plugins.module_utils._kernel import saved
from ansible_collections.linuxnet.netns.plugins.module_utils._kernel.paths import inside, open_trusted

ROOT = os.geteuid() == 0


@pytest.fixture
def directory(tmp_path):
    made = tmp_path / "topologies"
    made.mkdir(mode=0o700)
    return made


@pytest.mark.parametrize("name", ["../victim.json", "/tmp/x/victim.json", "a/b.json", "..", ".", "", "x\x00.json"])
def test_a_name_that_would_leave_the_directory_is_refused(directory, name):
    with pytest.raises(ValidationError, match="cannot name a file in"):
        inside(str(directory), name)


def test_a_link_out_of_the_directory_is_refused(directory, tmp_path):
    (tmp_path / "victim.json").write_text("{}")
    (directory / "lab.json").symlink_to(tmp_path / "victim.json")
    with pytest.raises(ValidationError, match="is a symbolic link out of"):
        inside(str(directory), "lab.json")


def test_a_directory_reached_through_a_link_is_refused(directory, tmp_path):
    (tmp_path / "linked").symlink_to(directory)
    with pytest.raises(ValidationError, match="is, or lies under, a symbolic link"):
        inside(str(tmp_path / "linked"), "lab.json")
    assert inside(str(directory), "lab.json") == str(directory / "lab.json")


def test_a_saved_description_is_written_and_removed_only_by_its_own_name(directory, tmp_path):
    victim = tmp_path / "victim.json"
    victim.write_text("not json")
    for name in ("../victim", str(tmp_path / "victim")):
        with pytest.raises(ValidationError):
            saved.remove(name, str(directory))
        with pytest.raises(ValidationError):
            saved.write(name, {"x": 1}, str(directory))
        with pytest.raises(ValidationError):
            saved.read(name, str(directory))
    assert victim.read_text() == "not json"


def test_a_symbolic_link_is_not_opened(directory, tmp_path):
    (tmp_path / "elsewhere.json").write_text("{}")
    (directory / "lab.json").symlink_to(tmp_path / "elsewhere.json")
    with pytest.raises(ValidationError, match="is a symbolic link: refused"):
        open_trusted(str(directory / "lab.json"))


@pytest.mark.parametrize("file_mode, directory_mode, refusal", [
    (0o666, 0o700, "file .* is writable by group or others"),
    (0o600, 0o777, "directory .* is writable by group or others"),
])
def test_a_file_or_directory_others_may_write_is_not_trusted(directory, file_mode, directory_mode, refusal):
    file = directory / "lab.json"
    file.write_text("{}")
    file.chmod(file_mode)
    directory.chmod(directory_mode)
    with pytest.raises(ValidationError, match=f"({refusal}|not root)"):
        open_trusted(str(file))


def test_a_file_of_roots_alone_is_opened_and_anyone_elses_is_refused(directory):
    file = directory / "lab.json"
    file.write_text("{}")
    file.chmod(0o600)
    if ROOT:
        with open_trusted(str(file)) as opened:
            assert opened.read() == b"{}"
    else:
        with pytest.raises(ValidationError, match=f"is owned by uid {os.geteuid()}, not root"):
            open_trusted(str(file))


def test_a_saved_description_that_is_not_utf8_is_refused_by_name(directory):
    file = directory / "lab.json"
    file.write_bytes(b'{"name": "\xff"}')
    file.chmod(0o600)
    with pytest.raises(ValidationError, match="(is not UTF-8 text|not root)"):
        saved.read("lab", str(directory))
