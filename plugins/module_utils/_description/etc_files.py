# -*- coding: utf-8 -*-
# Copyright: linuxnet.netns contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Names in a namespace: its resolv.conf (a namespace's `dns`) and its hosts file (a topology's
`hosts: true`: every namespace's name with its addresses), as /etc/netns/NS/ holds them for
`ip netns exec` and the topology's services. Private to linuxnet.netns.
"""

import ipaddress
import re
from dataclasses import dataclass

from ansible_collections.linuxnet.netns.plugins.module_utils._description.vocabulary import where
from ansible_collections.linuxnet.netns.plugins.module_utils._errors import ValidationError

DNS_KEYS = {"nameservers", "search"}
_DOMAIN = re.compile(r"^(?=.{1,253}$)([A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?\.?)+$")


@dataclass(frozen=True)
class EtcFile:
    netns: str
    name: str  # resolv.conf or hosts
    topology: str
    content: str = None  # None: none of the topology's (one it wrote goes)

    @property
    def target(self):
        return f"/etc/netns/{self.netns}/{self.name} of {where(self.netns)}"


def header(topology):
    """The first line of a file the topology wrote, by which it knows the file as its own."""
    return f"# linuxnet.netns topology {topology}: written by the collection, removed with the topology\n"


def dns_settings(value, what):
    """{'nameservers': [addresses], 'search': [domains]} from a namespace's `dns`."""
    if not isinstance(value, dict):
        raise ValidationError(f"{what}: dns must be a mapping with nameservers and search, not {value!r}")
    unknown = sorted(set(value) - DNS_KEYS)
    if unknown:
        raise ValidationError(f"{what}: unknown key(s) {', '.join(unknown)} in dns; it takes nameservers and search")
    nameservers = _listed(value.get("nameservers"), f"{what}: dns nameservers")
    search = _listed(value.get("search"), f"{what}: dns search")
    if not nameservers and not search:
        raise ValidationError(f"{what}: dns needs nameservers, search domains or both")
    for address in nameservers:
        try:
            ipaddress.ip_address(address)
        except ValueError:
            raise ValidationError(f"{what}: dns nameserver {address!r} is not an IP address") from None
    for domain in search:
        if not isinstance(domain, str) or not _DOMAIN.match(domain):
            raise ValidationError(f"{what}: dns search domain {domain!r} is not a domain name")
    return {"nameservers": [str(ipaddress.ip_address(address)) for address in nameservers], "search": list(search)}


def resolv_conf(topology, dns):
    lines = [f"nameserver {address}" for address in dns["nameservers"]]
    if dns["search"]:
        lines.append("search " + " ".join(dns["search"]))
    return header(topology) + "\n".join(lines) + "\n"


def hosts_file(topology, addresses):
    """addresses: [(namespace, [ip, ...]), ...] in the description's order."""
    lines = ["127.0.0.1\tlocalhost", "::1\tlocalhost ip6-localhost ip6-loopback"]
    lines += [f"{address}\t{netns}" for netns, listed in addresses for address in listed]
    return header(topology) + "\n".join(lines) + "\n"


def _listed(value, what):
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list):
        raise ValidationError(f"{what} must be a list")
    return value
