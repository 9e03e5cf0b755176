# -*- coding: utf-8 -*-
# Copyright: linuxnet.netns contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Addresses on one interface, compared after normalisation. Private to linuxnet.netns.

Listed order is kept when adding, because the first address of a subnet becomes the primary
(source) address; comparison itself ignores order.
"""

from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.guard import require_unclaimed, require_unguarded
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile import undo
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.plan import CREATE, DELETE, UPDATE
from ansible_collections.linuxnet.netns.plugins.module_utils._description.vocabulary import ABSENT

KIND = "address"


def plan_addresses(view, wanted, plan):
    """Plan the change and return the interface's addresses as they will be, link-local left out."""
    view.require_namespace(wanted.netns)
    view.require_link(wanted.netns, wanted.interface)
    current = list(view.ip.addresses_of(wanted.netns, wanted.interface))
    to_remove, to_add = _difference(current, wanted)
    after = [address for address in current if address not in to_remove] + to_add
    view.ip.expect_addresses(wanted.netns, wanted.interface, after)
    if to_remove or to_add:
        if not view.is_new_link(wanted.netns, wanted.interface):
            require_unguarded(view, plan, wanted.netns, wanted.interface, "re-address", wanted)
        if wanted.netns is None or wanted.on_host_lan:
            require_unclaimed(view, wanted, to_add)
        action = CREATE if not _listed(current) else DELETE if not _listed(after) else UPDATE
        plan.add(
            KIND, wanted.target, action,
            _describe(wanted, current), _describe(wanted, after),
            lambda: view.ip.change_addresses(wanted.netns, wanted.interface, remove=to_remove, add=to_add,
                                             nodad=wanted.nodad),
            undo.addresses(wanted.netns, wanted.interface, _listed(current)),
        )
    return _listed(after)


def _listed(addresses):
    return [str(address) for address in addresses if not _kernel_link_local(address)]


def _describe(wanted, addresses):
    return {"interface": wanted.interface, "netns": wanted.netns, "addresses": _listed(addresses)}


def _difference(current, wanted):
    """(addresses to remove, addresses to add), both in a stable order."""
    if wanted.state == ABSENT:
        return [address for address in wanted.addresses if address in current], []
    to_add = [address for address in wanted.addresses if address not in current]
    wanted_ips = {address.ip for address in wanted.addresses}
    to_remove = []
    for address in current:
        if address in wanted.addresses:
            continue
        # Same IP with another prefix is replaced: the kernel would refuse a second IPv6 copy.
        if address.ip in wanted_ips or (wanted.exclusive and not _kernel_link_local(address)):
            to_remove.append(address)
    return to_remove, to_add


def _kernel_link_local(address):
    return address.version == 6 and address.ip.is_link_local
