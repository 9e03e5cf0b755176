# -*- coding: utf-8 -*-
# Copyright: linuxnet.netns contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The links of each namespace as the kernel has them, read lazily and kept. Private to linuxnet.netns.

A namespace's links are asked for one at a time until something needs the whole list (then one
dump). A link that a change touched is marked, and the next lookup of that one name asks the
kernel for it alone: a namespace is never dumped again because one of its links changed (a hub
with a thousand ports would be read a thousand times). Only the view (view.py) uses this class.
"""

from ansible_collections.linuxnet.netns.plugins.module_utils._description.vocabulary import LOOPBACK


class LinkCache:
    def __init__(self, kernel, not_made_yet):
        """`not_made_yet(netns)`: the plan creates `netns` and the kernel does not have it yet."""
        self._kernel = kernel
        self._not_made_yet = not_made_yet
        self._dumped = {}  # netns -> {name: LinkRecord}
        self._changed = set()  # (netns, name): changed since read, to be asked for again
        self._by_index = {}  # netns -> {ifindex: LinkRecord}, built from a dump when first asked
        self._alone = {}  # netns not dumped -> {name or ifindex: LinkRecord or None}
        self._primary = {}  # netns dumped -> {alternative name: the link's name}

    def all(self, netns):
        """{name: LinkRecord} ({} for a namespace the plan creates and the kernel does not have yet)."""
        if netns not in self._dumped:
            if self._not_made_yet(netns):
                return {}
            self._dumped[netns] = {link.name: link for link in self._kernel.netlink(netns).links()}
            self._primary[netns] = {alternative: link.name for link in self._dumped[netns].values()
                                    for alternative in link.altnames}
            self._alone.pop(netns, None)
        return self._dumped[netns]

    def is_dumped(self, netns):
        return netns in self._dumped

    def named(self, netns, name):
        """By its name or an alternative name (the kernel finds a link by either). A leaf of a star
        has its veth and lo, and lo (by ioctl) needs no netlink message: decoding messages is most
        of a no-change run, and lo was a third of them."""
        if netns not in self._dumped:
            return self._asked_alone(netns, name)
        links = self._dumped[netns]
        name = self._primary[netns].get(name, name) if name not in links else name
        if (netns, name) in self._changed:
            self._changed.discard((netns, name))
            fresh = self._kernel.netlink(netns).link_named(name)
            if fresh is None:
                links.pop(name, None)
            else:
                links[name] = fresh
            self._by_index.pop(netns, None)
        return links.get(name)

    def with_index(self, netns, index):
        if netns not in self._dumped:
            return self._asked_alone(netns, index)
        if netns not in self._by_index:
            self._by_index[netns] = {link.index: link for link in self.all(netns).values()}
        return self._by_index[netns].get(index)

    def fresh_with_index(self, netns, index):
        """The link with `index` asked for now; it is read again when it is next asked for by name."""
        found = self._kernel.netlink(netns).link_with_index(index)
        if found is not None:
            self.changed(netns, found.name)
        return found

    def _asked_alone(self, netns, key):
        if self._not_made_yet(netns):
            return None
        known = self._alone.setdefault(netns, {})
        if key not in known:
            session = self._kernel.netlink(netns)
            found = session.link_named(key) if isinstance(key, str) else session.link_with_index(key)
            known[key] = found
            if found is not None:
                known[found.name] = known[found.index] = found
        return known[key]

    def changed(self, netns, name):
        self._changed.add((netns, name))
        self._alone.pop(netns, None)  # by name or by index: an ifindex may now name another link

    def loopback_up(self, netns):
        """From the namespace's dump when there is one, else by ioctl (no netlink needed)."""
        if netns in self._dumped and (netns, LOOPBACK) not in self._changed:
            link = self._dumped[netns].get(LOOPBACK)
            return bool(link and link.up)
        return self._kernel.loopback_up(netns)

    def forget(self, netns):
        self._dumped.pop(netns, None)
        self._by_index.pop(netns, None)
        self._alone.pop(netns, None)
        self._primary.pop(netns, None)
        self._changed = {(ns, name) for ns, name in self._changed if ns != netns}
