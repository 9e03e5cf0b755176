# -*- coding: utf-8 -*-
# Copyright: linuxnet.netns contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""VLANs (802.1Q) of a VLAN-aware bridge's ports: which VLAN ids a port carries tagged, and its
PVID (untagged). Kernels without 802.1Q refuse VLAN filtering; `vlan_filtering_known` asks one in
a throwaway namespace. Private to linuxnet.netns.
"""

import errno
import socket

from ansible_collections.linuxnet.netns.plugins.module_utils._kernel import namespaces

BRIDGE_VLAN_INFO_PVID = 0x2
BRIDGE_VLAN_INFO_UNTAGGED = 0x4
_RTEXT_FILTER_BRVLAN = 0x2


def bridge_data(stp, vlan_filtering):
    """A bridge's IFLA_INFO_DATA attributes for what is given."""
    data = [("IFLA_BR_STP_STATE", int(stp))] if stp is not None else []
    return data + ([("IFLA_BR_VLAN_FILTERING", int(vlan_filtering))] if vlan_filtering is not None else [])


def child_data(kind, mode, vlan_id):
    """What IPRoute takes for a child link of `kind`: a VLAN's id and protocol, or the mode."""
    return {"vlan_id": vlan_id, "vlan_protocol": mode} if kind == "vlan" else {f"{kind}_mode": mode}


def vlan_filtering_known():
    """Whether the kernel lets a bridge filter by VLAN, asked by making one in a namespace of our own."""
    from pyroute2 import IPRoute
    from pyroute2.netlink.exceptions import NetlinkError

    ipr = IPRoute(fileno=namespaces.scratch_netlink_fd())
    try:
        ipr.link("add", ifname="probe0", kind="bridge", br_vlan_filtering=1)
        return True
    except NetlinkError as exc:
        if exc.code in (errno.EOPNOTSUPP, errno.EINVAL):
            return False
        raise
    finally:
        ipr.close()


def port_vlans(ipr, index):
    """{vid: (pvid, untagged)} of the port with ifindex `index`."""
    found = {}
    for msg in ipr.link("dump", family=socket.AF_BRIDGE, ext_mask=_RTEXT_FILTER_BRVLAN):
        if msg["index"] != index:
            continue
        spec = msg.get_attr("IFLA_AF_SPEC")
        for info in spec.get_attrs("IFLA_BRIDGE_VLAN_INFO") if spec is not None else ():
            flags = info["flags"]
            found[info["vid"]] = (bool(flags & BRIDGE_VLAN_INFO_PVID), bool(flags & BRIDGE_VLAN_INFO_UNTAGGED))
    return found


def change(ipr, index, remove, add):
    """Remove the VLAN ids `remove`, then add `add`: {vid: (pvid, untagged)}."""
    for vid in remove:
        ipr.vlan_filter("del", index=index, vlan_info={"vid": vid})
    for vid, (pvid, untagged) in add.items():
        flags = (BRIDGE_VLAN_INFO_PVID if pvid else 0) | (BRIDGE_VLAN_INFO_UNTAGGED if untagged else 0)
        ipr.vlan_filter("add", index=index, vlan_info={"vid": vid, "flags": flags})
