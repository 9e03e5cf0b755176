# -*- coding: utf-8 -*-
# Copyright: linuxnet.netns contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A namespace's resolv.conf and hosts under /etc/netns/NS: written as described; one the
topology wrote (its first line says so) goes when it is no longer described or the topology goes;
a file the topology did not write is replaced only when the description asks for one. Private to
linuxnet.netns.
"""

from ansible_collections.linuxnet.netns.plugins.module_utils._description.etc_files import header
from ansible_collections.linuxnet.netns.plugins.module_utils._errors import NotFoundError
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile import undo
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.plan import CREATE, DELETE, UPDATE

KIND = "file"


def plan_etc_file(view, wanted, plan):
    current = view.outside.etc_file(wanted.netns, wanted.name)
    if current == wanted.content:
        return
    if wanted.content is None:
        if current.startswith(header(wanted.topology)):
            plan.add(KIND, wanted.target, DELETE, current, None,
                     lambda: view.outside.remove_etc_file(wanted.netns, wanted.name),
                     undo.etc_file(wanted.netns, wanted.name, current))
        return
    if current is None and not view.outside.host_has_etc_file(wanted.name):
        asked = "hosts" if wanted.name == "hosts" else "dns"
        raise NotFoundError(f"{wanted.target}: this host has no /etc/{wanted.name}, which `ip netns exec` and the "
                            f"namespace's services need in order to see the namespace's own in its place (without "
                            f"it, ip netns exec refuses to run anything there); create it first - an empty file will "
                            f"do - or leave {asked} out")
    plan.add(KIND, wanted.target, CREATE if current is None else UPDATE, current, wanted.content,
             lambda: view.outside.write_etc_file(wanted.netns, wanted.name, wanted.content),
             undo.etc_file(wanted.netns, wanted.name, current))
