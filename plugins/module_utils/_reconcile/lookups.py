# -*- coding: utf-8 -*-
# Copyright: linuxnet.netns contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Questions answered from the view across links and namespaces: a veth's peer, a macvlan's
parent, the interface of a default route, an uplink's egress. Private to linuxnet.netns.
"""

from ansible_collections.linuxnet.netns.plugins.module_utils._errors import NotFoundError
from ansible_collections.linuxnet.netns.plugins.module_utils._description.vocabulary import where


def peer_of(view, netns, link, hint=None):
    """(peer namespace, peer Link) of a veth end, or (None, None) when it cannot be found.

    Ifindexes repeat across namespaces, so a candidate namespace is confirmed by the namespace id
    under which `netns` knows it. `hint` is tried first; every other namespace only if it is wrong.
    """
    if link.peer_nsid is None:
        return netns, view.link_by_index(netns, link.peer_index)
    tried = set()
    for candidate in _candidates(view, netns, hint):
        if candidate == netns or candidate in tried or not view.namespace_exists(candidate):
            continue
        tried.add(candidate)
        peer = view.link_by_index(candidate, link.peer_index)
        if not _is_peer(peer, link) and candidate == hint and view.namespace_exists_now(candidate):
            # The hint's links may have been read before `link` was, and the pair made since by a concurrent run.
            peer = view.fresh_link_with_index(candidate, link.peer_index)
        if _is_peer(peer, link) and view.netnsid(netns, candidate) == link.peer_nsid:
            return candidate, peer
    return None, None


def _candidates(view, netns, hint):
    if hint != netns:
        yield hint
    yield None
    yield from view.all_namespaces()


def _is_peer(candidate, link):
    return candidate is not None and candidate.kind == "veth" and candidate.peer_index == link.index


def parent_in_host(view, netns, link):
    """The host link a macvlan's or ipvlan's parent is (None when it is elsewhere, or gone)."""
    if link.parent_nsid is None or netns is None:
        return None
    parent = view.link_by_index(None, link.parent_index)
    if parent is None or view.netnsid(netns, None) != link.parent_nsid:
        return None
    return parent


def default_route_interface(view, netns, version):
    """The interface of the default route of `netns` for IP `version` (the lowest metric), or None."""
    defaults = [route for route in view.ip.routes(netns)
                if route.dst.prefixlen == 0 and route.dst.version == version and route.oif]
    if not defaults:
        return None
    link = view.link_by_index(netns, min(defaults, key=lambda route: route.metric or 0).oif)
    return link.name if link is not None else None


def uplink_egress(view, uplink):
    """The interface an uplink's traffic leaves its router by: the one named, else the one of the
    router's default route (IPv4's when the uplink has IPv4)."""
    if uplink.egress is not None:
        if not view.link_will_exist(uplink.router, uplink.egress):
            raise NotFoundError(f"{uplink.target}: egress interface {uplink.egress!r} does not exist in "
                                f"{where(uplink.router)}")
        return uplink.egress
    for version in sorted({address.version for address in uplink.addresses}):
        name = default_route_interface(view, uplink.router, version)
        if name is not None:
            return name
    raise NotFoundError(f"{uplink.target}: {where(uplink.router)} has no default route to leave by; "
                        f"name the interface as the uplink's egress")
