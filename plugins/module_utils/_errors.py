# -*- coding: utf-8 -*-
# Copyright: linuxnet.netns contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Errors raised by the collection's helpers. Private to linuxnet.netns.

Every message is meant for the user as it stands: the module turns it into ``msg``.
"""

import errno
import os


class NetnsError(Exception):
    """Base class: a failure the user can act on."""


class ValidationError(NetnsError):
    """The input breaks a rule; nothing has been changed."""


class NotFoundError(NetnsError):
    """A namespace or interface that the request refers to does not exist."""


class ConflictError(NetnsError):
    """An object exists under the requested name but is not what was asked for."""


class KernelError(NetnsError):
    """The kernel refused a netlink request."""


class AlreadyExists(KernelError):
    """The object appeared between our look and our create, typically made by a concurrent run."""


def os_error_message(exc):
    """What a refused system call means, naming the file it was about (no space left, read-only)."""
    about = f" ({exc.filename})" if exc.filename else ""
    if exc.errno in (errno.EPERM, errno.EACCES) and os.geteuid() != 0:
        return f"permission denied{about}: managing network namespaces needs root"
    return f"{exc.strerror or exc}{about}"
