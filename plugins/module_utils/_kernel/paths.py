# -*- coding: utf-8 -*-
# Copyright: linuxnet.netns contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The files the collection reads and writes as root, each a name inside one of its own
directories (/run/netns, /run/linuxnet-netns, /etc/linuxnet-netns). Private to linuxnet.netns.

Every such path is made here, by `inside`, which proves it inside its directory (resolved, then
compared) rather than trusting a join: a name given by a task cannot reach another file. A file
that root then acts on (a saved description, applied at boot) is opened by `open_trusted`, which
refuses a symbolic link and a file or directory that anyone but root could have written.
"""

import functools
import os
import stat

from ansible_collections.linuxnet.netns.plugins.module_utils._errors import ValidationError


def inside(directory, name):
    """`directory`/`name`, where `name` is one path component and the result cannot leave `directory`."""
    if not isinstance(name, str) or name in ("", ".", "..") or "/" in name or "\x00" in name:
        raise ValidationError(f"{name!r} cannot name a file in {directory}: it would point outside it")
    resolved, plain = _resolved(directory)
    if resolved != plain:
        raise ValidationError(f"{directory} is, or lies under, a symbolic link (to {resolved}): refused")
    candidate = os.path.join(directory, name)
    # One component that is no link stays in the directory; only a link needs resolving (a
    # teardown of a thousand namespaces asks for their paths thousands of times).
    if os.path.islink(candidate) and os.path.dirname(os.path.realpath(candidate)) != resolved:
        raise ValidationError(f"{candidate} is a symbolic link out of {directory}: refused")
    return candidate


@functools.lru_cache(maxsize=None)
def _resolved(directory):
    """(the directory resolved, as written): once per run, since only root may change the collection's
    directories and those above them."""
    return os.path.realpath(directory), os.path.abspath(directory)


def open_trusted(path):
    """The file at `path`, opened for reading, provided that neither it nor a directory above it is
    a symbolic link or writable by anyone but root (a sticky directory such as /tmp excepted);
    FileNotFoundError when there is no such file."""
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError as exc:
        if exc.errno == 40:  # ELOOP: the file is a symbolic link
            raise ValidationError(f"{path} is a symbolic link: refused (root applies this file)") from None
        raise
    try:
        _require_root_only(path, os.fstat(descriptor), "file")
        directory = os.path.dirname(os.path.abspath(path))
        while True:
            info = os.lstat(directory)
            if stat.S_ISLNK(info.st_mode):
                raise ValidationError(f"{directory} is a symbolic link: refused (root applies {path})")
            _require_root_only(directory, info, "directory")
            if directory == os.path.dirname(directory):
                break
            directory = os.path.dirname(directory)
    except BaseException:
        os.close(descriptor)
        raise
    return os.fdopen(descriptor, "rb")


def _require_root_only(path, info, what):
    if info.st_uid != 0:
        raise ValidationError(f"{what} {path} is owned by uid {info.st_uid}, not root: refused (root applies it)")
    sticky = stat.S_ISDIR(info.st_mode) and info.st_mode & stat.S_ISVTX
    if info.st_mode & 0o022 and not sticky:
        raise ValidationError(f"{what} {path} is writable by group or others (mode {stat.S_IMODE(info.st_mode):04o}): "
                              f"refused (root applies it); make it 0600 or 0700, owned by root")
