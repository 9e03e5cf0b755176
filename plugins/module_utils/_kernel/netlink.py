# -*- coding: utf-8 -*-
# Copyright: linuxnet.netns contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The netlink door: rtnetlink requests, and with ethtool.py and traffic.py the only files that
import pyroute2. Private to linuxnet.netns.

One session per namespace, over a socket that namespaces.NetnsHandle opens inside it (no fork).
Kernel messages become plain records; netlink refusals become errors a user can read. New
rtnetlink kinds (tunnels, link settings, traffic control) get their requests here.

Written against what pyroute2 0.7 (Debian 12) and 0.9 (PyPI) both offer.
"""

import errno
import functools
import gc
import ipaddress
import os
import socket
from contextlib import contextmanager

from ansible_collections.linuxnet.netns.plugins.module_utils._errors import AlreadyExists, KernelError
from ansible_collections.linuxnet.netns.plugins.module_utils._kernel import (
    bridge_vlans,
    messages,
    namespaces,
    netlink_plain,
    policy_rules,
    traffic,
)
from ansible_collections.linuxnet.netns.plugins.module_utils._kernel.netlink_plain import MAIN_TABLE
from ansible_collections.linuxnet.netns.plugins.module_utils._description.vocabulary import where

LOOPBACK_INDEX = 1  # the kernel registers lo first in every namespace
_ZERO_MAC = "00:00:00:00:00:00"
_NSID_NOT_ASSIGNED = 0xFFFFFFFF  # -1 as pyroute2 decodes it (unsigned)


def _iproute(**arguments):
    from pyroute2 import IPRoute

    return IPRoute(**arguments)


def _netlink_error():
    """The exception class pyroute2 raises for a kernel refusal (evaluated only once one is raised)."""
    from pyroute2.netlink.exceptions import NetlinkError

    return NetlinkError


_REASONS = {
    errno.EEXIST: "it already exists",
    errno.ERANGE: "a name is longer than the kernel allows (15 bytes for interfaces)",
    errno.EINVAL: "the kernel rejected a value as invalid",
    errno.ENODEV: "no such interface",
    errno.ENOENT: "no such object",
    errno.ESRCH: "no such object",
    errno.EADDRNOTAVAIL: "the address is not there",
    errno.ENETUNREACH: "the gateway is not reachable through a directly connected network (not on-link)",
    errno.EOPNOTSUPP: "this kernel does not support it",
    errno.EPERM: "permission denied: managing network namespaces needs root",
    errno.EBUSY: "the object is busy",
    errno.ENOTCONN: "the interface is not connected",
}


def _kernel_reason(code):
    return _REASONS.get(code, os.strerror(code) if code else "unknown netlink error")


@contextmanager
def _request(what):
    """Run one netlink request; a refusal becomes a KernelError that says what was tried."""
    try:
        yield
    except _netlink_error() as exc:
        code = getattr(exc, "code", 0)
        error = AlreadyExists if code == errno.EEXIST else KernelError
        raise error(f"{what} failed: {_kernel_reason(code)} (errno {code})") from None


def _read_without_collecting(method):
    """pyroute2's messages and attributes each refer to themselves, so only the cyclic collector
    frees them. Collecting while a dump is decoded scanned the same live messages again and again,
    a fifth of a no-change run; held off until the read is done, one pass frees them all."""
    @functools.wraps(method)
    def read(*args, **kwargs):
        if not gc.isenabled():
            return method(*args, **kwargs)
        gc.disable()
        try:
            return method(*args, **kwargs)
        finally:
            gc.enable()

    return read


def _vxlan_addresses(local, remote):
    """Request attributes for a vxlan's local and remote (group) addresses, by IP version."""
    spec = {}
    for key, address in (("local", local), ("group", remote)):
        if address is not None:
            spec[f"vxlan_{key}{'6' if address.version == 6 else ''}"] = str(address)
    return spec


def qdisc_kind_known(kind):
    return traffic.qdisc_kind_known(kind, _iproute)


def link_kind_known(kind):
    """Whether the kernel has link kind `kind`, asked by creating one in a namespace of our own
    (gone with the probe's socket). An incomplete request of a known kind is refused as invalid;
    an unknown kind, once the kernel has tried to load its module, as not supported."""
    ipr = _iproute(fileno=namespaces.scratch_netlink_fd())
    try:
        ipr.link("add", ifname="probe0", kind=kind)
        return True
    except _netlink_error() as exc:
        return getattr(exc, "code", 0) != errno.EOPNOTSUPP
    finally:
        ipr.close()


def _queue_attributes(queues):
    return [("IFLA_NUM_TX_QUEUES", queues), ("IFLA_NUM_RX_QUEUES", queues)] if queues is not None else []


_SETTING_ATTRIBUTES = {"mac": "IFLA_ADDRESS", "txqueuelen": "IFLA_TXQLEN", "gso_max_size": "IFLA_GSO_MAX_SIZE",
                       "gro_max_size": "IFLA_GRO_MAX_SIZE"}
# what a change says it changes, as pyroute2's keywords name it
_CHANGED_BY = {"IFLA_IFALIAS": "ifalias", "IFLA_ADDRESS": "address", "IFLA_TXQLEN": "txqlen", "IFLA_MTU": "mtu",
               "IFLA_GSO_MAX_SIZE": "gso_max_size", "IFLA_GRO_MAX_SIZE": "gro_max_size", "IFLA_MASTER": "master",
               "IFLA_LINKINFO": "bridge settings"}


# One session per namespace.


class NetlinkSession:
    """Netlink requests inside the namespace of one NetnsHandle. Reads and the frequent changes go
    over a plain socket (netlink_plain.py), the rarer changes through IPRoute; each socket opens on
    first use."""

    def __init__(self, handle):
        self.handle = handle
        self.label = where(handle.name)
        self._netlink = None
        self._plain_socket = None

    @property
    def _ipr(self):
        if self._netlink is None:
            self._netlink = _iproute() if self.handle.name is None else _iproute(fileno=self.handle.netlink_fd())
        return self._netlink

    @property
    def _plain(self):
        if self._plain_socket is None:
            self._plain_socket = netlink_plain.PlainSocket(self.handle.netlink_fd())
        return self._plain_socket

    def close(self):
        """Close the sockets; the session opens new ones if it is used again."""
        if self._netlink is not None:
            self._netlink.close()
            self._netlink = None
        if self._plain_socket is not None:
            self._plain_socket.close()
            self._plain_socket = None

    # reading
    @_read_without_collecting
    def links(self):
        with _request(f"list links in {self.label}"):
            return [messages.link_from(msg) for msg in self._plain.dump(netlink_plain.link_message(), "RTM_GETLINK")]

    @_read_without_collecting
    def addresses(self, index):
        """The addresses of the link with ifindex `index`."""
        with _request(f"list addresses in {self.label}"):
            replies = self._plain.dump(netlink_plain.address_filter(index), "RTM_GETADDR", strict=True)
        return [messages.address_from(msg) for msg in replies if msg["index"] == index]

    @_read_without_collecting
    def routes(self):
        """Unicast routes of every table (a route dump without strict checking holds them all), IPv4
        and IPv6; each record says its table."""
        result = []
        for family in (socket.AF_INET, socket.AF_INET6):
            with _request(f"list routes in {self.label}"):
                replies = self._plain.dump(netlink_plain.route_filter(family), "RTM_GETROUTE")
            for msg in replies:
                if msg["type"] == netlink_plain.RTN_UNICAST:
                    result.append(messages.route_from(msg, messages.Attributes(msg)))
        return result

    @_read_without_collecting
    def netnsid_of(self, other):
        """The id under which this namespace knows `other` (None when it has given it none)."""
        with _request(f"look up the id of {other.label} in {self.label}"):
            reply = self._plain.get(netlink_plain.nsid_message(other.handle.ns_fd), "RTM_GETNSID")
        nsid = messages.Attributes(reply)["NETNSA_NSID"]
        return nsid if nsid is not None and 0 <= nsid < _NSID_NOT_ASSIGNED else None

    def link_named(self, name):
        """The one link called `name`, asked for alone (no dump), or None."""
        return self._link_alone(f"interface {name!r}", ("IFLA_IFNAME", name))

    def link_with_index(self, index):
        """The one link with ifindex `index`, asked for alone, or None."""
        return self._link_alone(f"interface number {index}", index)

    @_read_without_collecting
    def _link_alone(self, what, key):
        request = netlink_plain.link_message(key) if isinstance(key, int) else netlink_plain.link_message(attrs=[key])
        try:
            return messages.link_from(self._plain.get(request, "RTM_GETLINK"))
        except _netlink_error() as exc:
            if getattr(exc, "code", 0) == errno.ENODEV:
                return None
            raise KernelError(f"look up {what} in {self.label} failed: {_kernel_reason(exc.code)}") from None

    # links
    def add_veth(self, name, peer, peer_session, mtu=None, master=None, queues=None, peer_queues=None):
        peer_attrs = [("IFLA_IFNAME", peer)]
        if peer_session is not self:
            peer_attrs.append(("IFLA_NET_NS_FD", peer_session.handle.ns_fd))
        attrs = [("IFLA_IFNAME", name)]
        if master is not None:
            attrs.append(("IFLA_MASTER", master))
        if mtu is not None:
            attrs.append(("IFLA_MTU", mtu))
            peer_attrs.append(("IFLA_MTU", mtu))
        attrs += _queue_attributes(queues)
        peer_attrs += _queue_attributes(peer_queues)
        attrs.append(netlink_plain.link_info("veth", [netlink_plain.veth_peer(peer_attrs)]))
        places = self.label if peer_session is self else f"{self.label} and {peer_session.label}"
        with _request(f"create veth {name!r} with peer {peer!r} in {places}"):
            self._create_link(netlink_plain.link_message(up=True, attrs=attrs))

    def add_bridge(self, name, stp=None, mtu=None, up=True, vlan_filtering=None):
        attrs = [("IFLA_IFNAME", name)]
        if mtu is not None:
            attrs.append(("IFLA_MTU", mtu))
        attrs.append(netlink_plain.link_info("bridge", bridge_vlans.bridge_data(stp, vlan_filtering)))
        with _request(f"create bridge {name!r} in {self.label}"):
            self._create_link(netlink_plain.link_message(up=up, attrs=attrs))

    def _create_link(self, message):
        self._plain.change(message, "RTM_NEWLINK", netlink_plain.NLM_F_CREATE | netlink_plain.NLM_F_EXCL)

    def set_link(self, index, name, up=None, mtu=None, master=None, stp=None, alias=None, vlan_filtering=None,
                 **settings):
        """Change a link; settings are mac, txqueuelen, gso_max_size and gro_max_size."""
        attrs = [("IFLA_IFALIAS", alias)] if alias is not None else []
        attrs += [(_SETTING_ATTRIBUTES[key], value) for key, value in settings.items() if value is not None]
        if mtu is not None:
            attrs.append(("IFLA_MTU", mtu))
        if master is not None:
            attrs.append(("IFLA_MASTER", master))
        if stp is not None or vlan_filtering is not None:
            attrs.append(netlink_plain.link_info("bridge", bridge_vlans.bridge_data(stp, vlan_filtering)))
        changed = sorted([_CHANGED_BY[attr] for attr, _value in attrs] + (["state"] if up is not None else []))
        with _request(f"change interface {name!r} ({', '.join(changed)}) in {self.label}"):
            self._plain.change(netlink_plain.link_message(index, up=up, attrs=attrs), "RTM_NEWLINK")

    def add_vxlan(self, name, vni, port, local=None, remote=None, learning=True, underlay=None, mtu=None):
        """A vxlan device in this namespace, down; its UDP socket stays here wherever it moves."""
        spec = {"vxlan_id": vni, "vxlan_port": port, "vxlan_learning": int(learning), **_vxlan_addresses(local, remote)}
        if underlay is not None:
            spec["vxlan_link"] = underlay
        if mtu is not None:
            spec["mtu"] = mtu
        with _request(f"create vxlan {name!r} (VNI {vni}) in {self.label}"):
            self._ipr.link("add", ifname=name, kind="vxlan", **spec)

    def add_child(self, name, kind, parent_index, mode, target, mac=None, mtu=None, vlan_id=None):
        """A macvlan, ipvlan or vlan child of a link of this namespace, made straight into `target`'s namespace."""
        spec = {"link": parent_index, "state": "up", **bridge_vlans.child_data(kind, mode, vlan_id)}
        if target is not self:
            spec["net_ns_fd"] = target.handle.ns_fd
        spec.update({key: value for key, value in (("address", mac), ("mtu", mtu)) if value is not None})
        with _request(f"create {kind} {name!r} on a link of {self.label} in {target.label}"):
            self._ipr.link("add", ifname=name, kind=kind, **spec)

    def set_vxlan(self, index, name, local=None, remote=None):
        """Change a vxlan's addresses in place (the kernel refuses in-place changes of VNI and port)."""
        spec = _vxlan_addresses(local, remote)
        with _request(f"change vxlan {name!r} ({', '.join(sorted(spec))}) in {self.label}"):
            self._ipr.link("set", index=index, kind="vxlan", **spec)

    def move_link(self, index, name, target, new_name=None):
        """Move a link into the namespace of session `target`, renamed to new_name on the way."""
        changes = {"net_ns_fd": target.handle.ns_fd}
        if new_name is not None:
            changes["ifname"] = new_name
        with _request(f"move interface {name!r} from {self.label} to {target.label}"):
            self._ipr.link("set", index=index, **changes)

    def flood_remotes(self, index, name):
        """The peers a vxlan floods to through static all-zero forwarding entries, as addresses."""
        with _request(f"list the forwarding entries of {name!r} in {self.label}"):
            entries = self._ipr.fdb("dump", ifindex=index)
        return sorted({ipaddress.ip_address(entry.get_attr("NDA_DST")) for entry in entries
                       if entry.get_attr("NDA_LLADDR") == _ZERO_MAC and entry.get_attr("NDA_DST")}, key=str)

    def add_flood_remote(self, index, name, remote):
        with _request(f"add peer {remote} to vxlan {name!r} in {self.label}"):
            self._ipr.fdb("append", ifindex=index, lladdr=_ZERO_MAC, dst=str(remote))

    def delete_flood_remote(self, index, name, remote):
        with _request(f"remove peer {remote} from vxlan {name!r} in {self.label}"):
            self._ipr.fdb("del", ifindex=index, lladdr=_ZERO_MAC, dst=str(remote))

    def delete_link(self, index, name):
        with _request(f"delete interface {name!r} in {self.label}"):
            self._plain.change(netlink_plain.link_message(index), "RTM_DELLINK")

    # traffic control
    def qdiscs(self, index, name):
        """The qdiscs of one link, as traffic.QdiscRecord, root first."""
        with _request(f"list the qdiscs of {name!r} in {self.label}"):
            replies = self._ipr.get_qdiscs(index=index)
        records = [traffic.qdisc_from(msg) for msg in replies if msg["index"] == index]
        return sorted(records, key=lambda record: record.parent != traffic.TC_H_ROOT)

    def add_qdisc(self, index, name, kind, handle, parent, options):
        with _request(f"add a {kind} qdisc to {name!r} in {self.label}"):
            self._ipr.tc("add", kind, index, handle, parent=parent, **traffic.request_of(kind, options))

    def delete_root_qdisc(self, index, name):
        """Back to the kernel's default queueing for the link (a link without one is not an error)."""
        try:
            self._ipr.tc("del", index=index, parent=traffic.TC_H_ROOT)
        except _netlink_error() as exc:
            if getattr(exc, "code", 0) not in (errno.ENOENT, errno.EINVAL):
                raise KernelError(f"remove the qdisc of {name!r} in {self.label} failed: "
                                  f"{_kernel_reason(exc.code)} (errno {exc.code})") from None

    # addresses
    def add_address(self, index, interface_name, address, nodad=False):
        with _request(f"add address {address} to {interface_name!r} in {self.label}"):
            self._plain.change(netlink_plain.address_message(index, address, nodad), "RTM_NEWADDR",
                               netlink_plain.NLM_F_CREATE | netlink_plain.NLM_F_EXCL)

    def delete_address(self, index, interface_name, address):
        with _request(f"remove address {address} from {interface_name!r} in {self.label}"):
            self._plain.change(netlink_plain.address_message(index, address), "RTM_DELADDR")

    # a VLAN-aware bridge's ports
    def port_vlans(self, index):
        with _request(f"list the VLANs of a bridge port in {self.label}"):
            return bridge_vlans.port_vlans(self._ipr, index)

    def change_port_vlans(self, index, name, remove, add):
        with _request(f"change the VLANs of bridge port {name!r} in {self.label}"):
            bridge_vlans.change(self._ipr, index, remove, add)

    # policy rules
    @_read_without_collecting
    def rules(self):
        with _request(f"list rules in {self.label}"):
            return policy_rules.rules(self._plain)

    def add_rule(self, family, priority, source, destination, table):
        with _request(f"add a rule for table {table} in {self.label}"):
            policy_rules.add_rule(self._plain, family, priority, source, destination, table)

    def delete_rule(self, record):
        with _request(f"delete the rule of priority {record.priority} in {self.label}"):
            policy_rules.delete_rule(self._plain, record)

    # routes
    def replace_route(self, dst, gateway, oif, metric, table=MAIN_TABLE, nexthops=()):
        with _request(f"set route to {dst} in {self.label}"):
            self._plain.change(netlink_plain.route_message(dst, gateway, oif, metric, table, nexthops), "RTM_NEWROUTE",
                               netlink_plain.NLM_F_CREATE | netlink_plain.NLM_F_REPLACE)

    def delete_route(self, dst, metric, missing_ok=False, table=MAIN_TABLE):
        try:
            self._plain.change(netlink_plain.route_message(dst, metric=metric, table=table, replace=False),
                               "RTM_DELROUTE")
        except _netlink_error() as exc:
            code = getattr(exc, "code", 0)
            if not (missing_ok and code == errno.ESRCH):
                raise KernelError(f"delete route to {dst} in {self.label} failed: {_kernel_reason(code)} "
                                  f"(errno {code})") from None
