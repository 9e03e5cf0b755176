# -*- coding: utf-8 -*-
# Copyright: linuxnet.netns contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Saved topology descriptions: /etc/linuxnet-netns/topologies/NAME.json, readable by root only,
written atomically, read back by the standalone command at boot. Private to linuxnet.netns.
"""

import json
import os
import tempfile

from ansible_collections.linuxnet.netns.plugins.module_utils._errors import ValidationError
from ansible_collections.linuxnet.netns.plugins.module_utils._kernel.paths import inside, open_trusted

SAVED_DIR = "/etc/linuxnet-netns/topologies"
SUFFIX = ".json"


def path(name, directory=SAVED_DIR):
    return inside(directory, name + SUFFIX)


def names(directory=SAVED_DIR):
    """The names of the saved descriptions, sorted."""
    try:
        entries = os.listdir(directory)
    except FileNotFoundError:
        return []
    return sorted(entry[:-len(SUFFIX)] for entry in entries if entry.endswith(SUFFIX) and not entry.startswith("."))


def read(name, directory=SAVED_DIR):
    """The saved description of topology `name` as a dict, or None when there is none."""
    file_path = path(name, directory)
    try:
        with open_trusted(file_path) as file:
            text = file.read().decode("utf-8")
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise ValidationError(f"saved description {file_path} cannot be read: {exc.strerror}") from None
    except UnicodeDecodeError as exc:
        raise ValidationError(f"saved description {file_path} is not UTF-8 text (byte {exc.start})") from None
    try:
        content = json.loads(text)
    except ValueError as exc:
        raise ValidationError(f"saved description {file_path} is not valid JSON: {exc}") from None
    if not isinstance(content, dict):
        raise ValidationError(f"saved description {file_path} must hold a JSON object, not {type(content).__name__}")
    return content


def write(name, content, directory=SAVED_DIR):
    """Write the description so that a reader sees the old file or the new one, never a part."""
    path(name, directory)  # a bad name is refused before the directory is made
    os.makedirs(directory, mode=0o700, exist_ok=True)
    target = path(name, directory)  # and proven again now that the directory exists
    handle, temporary = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            json.dump(content, file, indent=2, sort_keys=True)
            file.write("\n")
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, 0o600)
        os.replace(temporary, target)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


def remove(name, directory=SAVED_DIR):
    """Remove the saved description; False when there was none."""
    try:
        os.unlink(path(name, directory))
    except FileNotFoundError:
        return False
    return True
