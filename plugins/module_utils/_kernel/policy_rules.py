# -*- coding: utf-8 -*-
# Copyright: linuxnet.netns contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Policy routing rules of one namespace (`ip rule`), over its netlink socket: the rules that look
up a table, read and changed. Private to linuxnet.netns.
"""

import ipaddress
import socket
from dataclasses import dataclass

from ansible_collections.linuxnet.netns.plugins.module_utils._kernel import netlink_plain
from ansible_collections.linuxnet.netns.plugins.module_utils._kernel.messages import Attributes

FR_ACT_TO_TBL = 1  # a rule's action: look up its table


@dataclass(frozen=True)
class RuleRecord:
    family: int
    priority: int
    source: object  # ipaddress network, or None for all
    destination: object
    table: int
    proto: int


def rules(plain):
    """The table-lookup rules of both families, as the kernel lists them."""
    found = []
    for family in (socket.AF_INET, socket.AF_INET6):
        for msg in plain.dump(_message(family), "RTM_GETRULE"):
            if msg["action"] == FR_ACT_TO_TBL:
                found.append(_record(msg))
    return found


def add_rule(plain, family, priority, source, destination, table):
    plain.change(_message(family, priority, source, destination, table, made=True), "RTM_NEWRULE",
                 netlink_plain.NLM_F_CREATE | netlink_plain.NLM_F_EXCL)


def delete_rule(plain, record):
    plain.change(_message(record.family, record.priority, record.source, record.destination, record.table),
                 "RTM_DELRULE")


def _message(family, priority=None, source=None, destination=None, table=None, made=False):
    from pyroute2.netlink.rtnl.fibmsg import fibmsg

    message = fibmsg()
    message["family"] = family
    attrs = []
    if table is not None:
        message["action"] = FR_ACT_TO_TBL
        message["table"] = table if table < 256 else 252
        attrs.append(("FRA_TABLE", table))
    if priority is not None:
        attrs.append(("FRA_PRIORITY", priority))
    for name, length, network in (("FRA_SRC", "src_len", source), ("FRA_DST", "dst_len", destination)):
        if network is not None:
            message[length] = network.prefixlen
            attrs.append((name, str(network.network_address)))
    if made:
        attrs.append(("FRA_PROTOCOL", netlink_plain.RTPROT_LINUXNET))
    message["attrs"] = attrs
    return message


def _record(msg):
    attrs = Attributes(msg)

    def network(name, length):
        address = attrs[name]
        return ipaddress.ip_network(f"{address}/{msg[length]}") if address else None

    return RuleRecord(family=msg["family"], priority=attrs["FRA_PRIORITY"] or 0,
                      source=network("FRA_SRC", "src_len"), destination=network("FRA_DST", "dst_len"),
                      table=attrs["FRA_TABLE"] or msg["table"], proto=attrs["FRA_PROTOCOL"] or 0)
