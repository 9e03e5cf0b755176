"""The modules refuse a pyroute2 older than 0.7.2 (Debian 11 packages 0.5.14) by its metadata's
directory name beside the package, without importing it."""
import importlib.machinery

import pytest

from ansible_collections.linuxnet.netns.plugins.module_utils._kernel import pyroute2_found as netlink


def found_in(monkeypatch, tmp_path, *entries):
    (tmp_path / "pyroute2").mkdir()
    (tmp_path / "pyroute2" / "__init__.py").write_text("")
    for entry in entries:
        (tmp_path / entry).mkdir()
    spec = importlib.machinery.ModuleSpec("pyroute2", None, origin=str(tmp_path / "pyroute2" / "__init__.py"))
    monkeypatch.setattr(netlink, "_PYROUTE2", spec)


@pytest.mark.parametrize("entry, too_old", [
    ("pyroute2-0.5.14.egg-info", "0.5.14"),  # Debian 11's package
    ("pyroute2-0.7.1.dist-info", "0.7.1"),
    ("pyroute2-0.7.2.egg-info", None),
    ("pyroute2-0.7.7.egg-info", None),  # Debian 13's
    ("pyroute2-0.9.7.dist-info", None),  # pip's
    ("pyroute2-0.5.14-py3.9.egg-info", "0.5.14"),
])
def test_the_version_is_read_from_the_metadata_beside_the_package(monkeypatch, tmp_path, entry, too_old):
    found_in(monkeypatch, tmp_path, entry, "pyroute2_helpers-0.1.dist-info")
    assert netlink.pyroute2_too_old() == too_old


def test_without_metadata_nothing_is_refused(monkeypatch, tmp_path):
    found_in(monkeypatch, tmp_path)
    assert netlink.pyroute2_too_old() is None
    monkeypatch.setattr(netlink, "_PYROUTE2", None)
    assert netlink.pyroute2_too_old() is None
