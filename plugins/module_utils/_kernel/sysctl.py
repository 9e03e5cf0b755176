# -*- coding: utf-8 -*-
# Copyright: linuxnet.netns contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Network sysctls under /proc/sys/net, which follow the namespace of the calling thread.
Private to linuxnet.netns.
"""

import os

from ansible_collections.linuxnet.netns.plugins.module_utils._errors import KernelError, NotFoundError


def _path(key):
    """A key in dotted form, or in slashed form when a part holds a dot (an interface eth0.100)."""
    return "/proc/sys/" + (key if "/" in key else key.replace(".", "/"))


def known(key):
    """Whether the host's tree has `key`: a namespace that is not made yet names the same keys."""
    return os.path.exists(_path(key))


def read(handle, key):
    """The value of `key` inside the namespace of `handle`, whitespace collapsed."""
    def inside():
        with open(_path(key), encoding="ascii") as file:
            return " ".join(file.read().split())

    try:
        return handle.run(inside)
    except FileNotFoundError:
        raise NotFoundError(f"sysctl {key} does not exist") from None


def write(handle, key, value):
    def inside():
        with open(_path(key), "w", encoding="ascii") as file:
            file.write(value)

    try:
        handle.run(inside)
    except OSError as exc:
        raise KernelError(f"set sysctl {key} to {value!r} failed: {exc.strerror}") from None
