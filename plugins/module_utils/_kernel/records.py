# -*- coding: utf-8 -*-
# Copyright: linuxnet.netns contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Small JSON records under /run that outlive one run but not a reboot, like the state they
describe: what a topology changed in a namespace it does not own, to be put back later.
Private to linuxnet.netns.
"""

import hashlib
import json
import os

from ansible_collections.linuxnet.netns.plugins.module_utils._errors import ValidationError
from ansible_collections.linuxnet.netns.plugins.module_utils._kernel import paths

RECORDS_DIR = "/run/linuxnet-netns"


def _path(kind, key):
    digest = hashlib.sha256(json.dumps(key).encode()).hexdigest()[:32]
    return paths.inside(paths.inside(RECORDS_DIR, kind), digest + ".json")


def path_of(kind, key):
    """The file of the record of `key` (beside which a kind may keep files of its own)."""
    return _path(kind, key)


def read(kind, key):
    """The record of `key` (any JSON value naming it), or None when there is none."""
    try:
        with open(_path(kind, key), encoding="utf-8") as file:
            content = json.load(file)
    except (FileNotFoundError, ValueError):
        return None
    return content.get("record") if content.get("key") == key else None


def write(kind, key, record):
    """Write the record whole, or not at all (a run killed midway leaves the previous one)."""
    path = _path(kind, key)
    os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
    temporary = f"{path}.{os.getpid()}.tmp"
    with open(temporary, "w", encoding="utf-8") as file:
        json.dump({"key": key, "record": record}, file, sort_keys=True)
        file.flush()
        os.fsync(file.fileno())
    os.replace(temporary, path)


def keys(kind):
    """The keys of every record of `kind`, as written."""
    directory = paths.inside(RECORDS_DIR, kind)
    found = []
    for entry in sorted(os.listdir(directory)) if os.path.isdir(directory) else []:
        if not entry.endswith(".json"):
            continue
        try:
            with open(paths.inside(directory, entry), encoding="utf-8") as file:
                found.append(json.load(file)["key"])
        except (FileNotFoundError, ValueError, KeyError, TypeError, ValidationError):
            continue  # gone meanwhile, cut short, or a link out of the directory: not a record
    return found


def read_lines(kind, key):
    """The entries appended to the record of `key`, in order; a last line cut short by a killed
    run is left out."""
    entries = []
    try:
        with open(_path(kind, key), encoding="utf-8") as file:
            for line in file:
                try:
                    entries.append(json.loads(line))
                except ValueError:
                    break
    except FileNotFoundError:
        pass
    return entries


def append_line(kind, key, entry):
    """Append one entry, on disk before this returns (a journal: a killed run must leave it)."""
    path = _path(kind, key)
    os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
    with open(path, "a", encoding="utf-8") as file:
        file.write(json.dumps(entry, sort_keys=True) + "\n")
        file.flush()
        os.fsync(file.fileno())


def remove(kind, key):
    """Remove the record, and what a run killed while writing it left."""
    directory, name = os.path.split(_path(kind, key))
    unlink_with_leftovers(directory, name, lambda entry: entry.startswith(f"{name}.") and entry.endswith(".tmp"))


def unlink_with_leftovers(directory, name, is_leftover):
    """Remove file `name` of `directory`, and the files of it that a writer killed midway left
    (the entries is_leftover accepts)."""
    unlink(paths.inside(directory, name))
    unlink_leftovers(directory, is_leftover)


def unlink_leftovers(directory, is_leftover):
    for entry in filter(is_leftover, os.listdir(directory) if os.path.isdir(directory) else []):
        unlink(paths.inside(directory, entry))


def unlink(path):
    """Remove a file that may already be gone."""
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
