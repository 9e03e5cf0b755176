# -*- coding: utf-8 -*-
# Copyright: linuxnet.netns contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A namespace's own /etc files, /etc/netns/NS/{resolv.conf,hosts}, which `ip netns exec` and the
collection's services see as /etc/resolv.conf and /etc/hosts. Private to linuxnet.netns.
"""

import os
import tempfile

from ansible_collections.linuxnet.netns.plugins.module_utils._errors import ValidationError
from ansible_collections.linuxnet.netns.plugins.module_utils._kernel.paths import inside
from ansible_collections.linuxnet.netns.plugins.module_utils._description.vocabulary import ETC_FILES

ETC_NETNS = "/etc/netns"


def directories(directory=ETC_NETNS):
    """The namespaces that have a directory of files here."""
    try:
        return set(os.listdir(directory))
    except FileNotFoundError:
        return set()


def host_has(name, etc="/etc"):
    """Whether the host has /etc/NAME, over which `ip netns exec` binds a namespace's own."""
    return os.path.lexists(os.path.join(etc, name))


def path(netns, name, directory=ETC_NETNS):
    if name not in ETC_FILES:
        raise ValidationError(f"{name!r} is not a file of a namespace's /etc that the collection writes")
    return inside(inside(directory, netns), name)


def read(netns, name, directory=ETC_NETNS):
    """The file's text, or None when there is none."""
    file_path = path(netns, name, directory)
    try:
        fd = os.open(file_path, os.O_RDONLY | os.O_NOFOLLOW)
    except FileNotFoundError:
        return None
    with os.fdopen(fd, "rb") as file:
        return file.read().decode("utf-8", errors="replace")


def write(netns, name, content, directory=ETC_NETNS):
    """Write the file (mode 0644: every process in the namespace reads it): a new one atomically;
    one that exists in place, since the namespace's services see it through a bind mount of that
    very file, which a replaced file would leave behind."""
    os.makedirs(inside(directory, netns), mode=0o755, exist_ok=True)
    target = path(netns, name, directory)
    try:
        fd = os.open(target, os.O_WRONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except FileNotFoundError:
        fd = None
    if fd is not None:
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            file.truncate()
            file.write(content)
        os.chmod(target, 0o644)
        return
    handle, temporary = tempfile.mkstemp(prefix=f".{name}.", dir=os.path.dirname(target))
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(content)
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


def remove(netns, name, directory=ETC_NETNS):
    """Remove the file, and the namespace's directory once it is empty."""
    try:
        os.unlink(path(netns, name, directory))
    except FileNotFoundError:
        pass
    try:
        os.rmdir(inside(directory, netns))
    except OSError:  # other files are in it, or it is gone
        pass
