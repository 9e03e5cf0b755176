# -*- coding: utf-8 -*-
# Copyright: linuxnet.netns contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Names unique per host: in a fleet, a namespace is (host, name), so one name may be pinned to
several hosts. Before the description is parsed, each copy of such a name gets a name of its own
inside the description: this host's copy keeps the plain name (it is what the kernel gets), each
other host's copy becomes NAME@HOST (never built here). What refers to such a namespace (a bridge
in it, an endpoint, a forward) names its `host`. Pure Python; private to linuxnet.netns.
"""

import hashlib

from ansible_collections.linuxnet.netns.plugins.module_utils._description.validate import IFNAME_MAX_BYTES
from ansible_collections.linuxnet.netns.plugins.module_utils._errors import ValidationError

SEPARATOR = "@"


class Scope:
    """The namespace names pinned to several hosts, and each copy's name inside the description."""

    def __init__(self, namespaces, host):
        self.host = host
        self.host_bridges = {}  # a bridge of the hosts' own namespace on several hosts -> {host: its index}
        self.copies = {}  # plain name -> {host: its index in namespaces}
        seen = {}
        for index, entry in enumerate(namespaces):
            name = entry.get("name")
            if isinstance(name, str):
                seen.setdefault(name, []).append((index, entry.get("host")))
        for name, places in seen.items():
            if len(places) > 1:
                self.copies[name] = self._hosts_of(name, places)
        self.plain = {}  # name inside the description -> (plain name, host), for each copy
        for name, hosts in self.copies.items():
            for pinned in hosts:
                self.plain[self.inside(name, pinned)] = (name, pinned)
        for inside_name, (name, pinned) in self.plain.items():
            if inside_name != name and inside_name in seen:
                raise ValidationError(f"namespace {inside_name!r} is both a namespace's name and how the copy of "
                                      f"{name!r} on host {pinned!r} is known: rename it")

    @staticmethod
    def _hosts_of(name, places, listing="namespaces", kind="namespace"):
        hosts = {}
        for index, pinned in places:
            if pinned is None:
                others = ", ".join(f"{listing}[{other}]" for other, _host in places if other != index)
                raise ValidationError(f"{listing}[{index}]: {kind} {name!r} is listed twice (also {others}); a "
                                      f"name may be used once per host: pin each copy to its host (host), or rename one")
            if pinned in hosts:
                raise ValidationError(f"{listing}[{hosts[pinned]}] and {listing}[{index}]: {kind} {name!r} is "
                                      f"listed twice on host {pinned!r}")
            hosts[pinned] = index
        return hosts

    def inside(self, name, pinned):
        """The name of the copy of `name` on host `pinned` inside the description."""
        return name if pinned == self.host else f"{name}{SEPARATOR}{pinned}"

    def canonical(self, netns):
        """The same name on every host: NAME@HOST for every copy of a name on several hosts."""
        if netns in self.plain:
            name, pinned = self.plain[netns]
            return f"{name}{SEPARATOR}{pinned}"
        return netns

    def hostname(self, netns):
        """The namespace in a hosts file: its own name here, NAME.HOST for another host's copy."""
        if netns in self.plain and netns != self.plain[netns][0]:
            return ".".join(self.plain[netns])
        return netns

    def shown(self, netns):
        """The namespace's own name (what `ip netns` on its host lists)."""
        return self.plain[netns][0] if netns in self.plain else netns

    def resolve(self, netns, pinned, what):
        """The name inside the description of namespace `netns` on host `pinned` (None: not given)."""
        if netns not in self.copies:
            return netns
        hosts = self.copies[netns]
        if pinned is None:
            raise ValidationError(f"{what}: namespace {netns!r} is on hosts {', '.join(sorted(hosts))}: give the "
                                  f"host it is on (host)")
        if pinned not in hosts:
            raise ValidationError(f"{what}: namespace {netns!r} is not on host {pinned!r} (it is on "
                                  f"{', '.join(sorted(hosts))})")
        return self.inside(netns, pinned)

    # the description's entries, with each copy's name
    def namespaces(self, entries):
        return [{**entry, "name": self.inside(entry["name"], entry["host"])} if entry.get("name") in self.copies
                else entry for entry in entries]

    def bridges(self, entries):
        """Bridges in a namespace on several hosts name their host; bridges of the hosts' own namespace
        that share a name, one per host, get names of their own as namespaces do."""
        in_host = {}
        for index, entry in enumerate(entries):
            if entry.get("netns") is None and isinstance(entry.get("name"), str):
                in_host.setdefault(entry["name"], []).append((index, entry.get("host")))
        self.host_bridges = {name: self._hosts_of(name, places, "bridges", "bridge")
                             for name, places in in_host.items() if len(places) > 1}
        found = []
        for index, entry in enumerate(entries):
            if entry.get("netns") is None and entry.get("name") in self.host_bridges:
                entry = {**entry, "name": self._bridge_inside(entry["name"], entry["host"])}
            found.append(self._netns_of(entry, f"bridges[{index}]", keep_host=True))
        return found

    def _bridge_inside(self, name, pinned):
        """Another host's copy of a bridge of the hosts' own namespace: NAME@HOST, or a digest of it
        where that is longer than an interface name may be (it is never made here)."""
        if pinned == self.host:
            return name
        inside = f"{name}{SEPARATOR}{pinned}"
        if len(inside.encode()) > IFNAME_MAX_BYTES:
            inside = SEPARATOR + hashlib.sha256(inside.encode()).hexdigest()[:IFNAME_MAX_BYTES - 1]
        return inside

    def links(self, entries):
        found = []
        for index, entry in enumerate(entries):
            ends = entry.get("endpoints")
            if isinstance(ends, list):
                entry = {**entry, "endpoints": [self._endpoint(end, f"links[{index}] endpoints[{position}]")
                                                if isinstance(end, dict) else end
                                                for position, end in enumerate(ends)]}
            found.append(entry)
        return found

    def forwards(self, entries):
        found = []
        for index, entry in enumerate(entries):
            if entry.get("namespace") in self.copies:
                entry = dict(entry)
                entry["namespace"] = self.resolve(entry["namespace"], entry.pop("host", None), f"forwards[{index}]")
            elif "host" in entry:
                raise ValidationError(f"forwards[{index}]: host is for a namespace on several hosts; "
                                      f"{entry.get('namespace')!r} is not")
            found.append(entry)
        return found

    def _endpoint(self, end, what):
        """An endpoint: on a bridge of the hosts' own namespace that several hosts have, by its host;
        in a namespace on several hosts, by its host (which then goes: the namespace has it)."""
        if end.get("netns") is None and end.get("bridge") in self.host_bridges:
            hosts = self.host_bridges[end["bridge"]]
            if end.get("host") not in hosts:
                raise ValidationError(f"{what}: bridge {end['bridge']!r} of the hosts' own namespace is on hosts "
                                      f"{', '.join(sorted(hosts))}: give the endpoint's host, one of them")
            return {**end, "bridge": self._bridge_inside(end["bridge"], end["host"])}
        return self._netns_of(end, what)

    def _netns_of(self, entry, what, keep_host=False):
        netns = entry.get("netns")
        if netns not in self.copies:
            return entry
        entry = dict(entry)
        pinned = entry.get("host") if keep_host else entry.pop("host", None)
        entry["netns"] = self.resolve(netns, pinned, what)
        return entry
