# -*- coding: utf-8 -*-
# Copyright: linuxnet.netns contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Whether pyroute2 is there, and new enough, asked without importing it. Private to linuxnet.netns.
"""

import importlib.util
import os
import re

# pyroute2 is imported on first use, not here: importing it costs 0.1 to 0.25 s, which is most of
# a single `netns` task that needs no netlink at all (files in /run/netns, lo by ioctl, sysctls).
_PYROUTE2 = importlib.util.find_spec("pyroute2")
HAS_PYROUTE2 = _PYROUTE2 is not None
PYROUTE2_IMPORT_ERROR = None if HAS_PYROUTE2 else "ModuleNotFoundError: No module named 'pyroute2'"
MINIMUM_PYROUTE2 = (0, 7, 2)


def pyroute2_too_old():
    """The version of the pyroute2 found when it is older than MINIMUM_PYROUTE2, else None (also when
    its metadata cannot be found), read from the directory names beside it, without importing it."""
    if _PYROUTE2 is None or not _PYROUTE2.origin:
        return None
    site = os.path.dirname(os.path.dirname(_PYROUTE2.origin))
    try:
        entries = os.listdir(site)
    except OSError:
        return None
    for entry in entries:
        found = re.match(r"pyroute2-(\d+(?:\.\d+)*)[.-]", entry)
        if found:
            version = tuple(int(part) for part in found.group(1).split(".")[:3])
            return found.group(1) if version < MINIMUM_PYROUTE2 else None
    return None
