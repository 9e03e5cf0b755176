# -*- coding: utf-8 -*-
# Copyright: linuxnet.netns contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The sysctls a topology turns on for its uplinks, as a model. Pure Python; private to
linuxnet.netns. What they were before is recorded by the planner (_reconcile/forwarding.py).
"""

from dataclasses import dataclass

from ansible_collections.linuxnet.netns.plugins.module_utils._description.vocabulary import PRESENT, where


@dataclass(frozen=True)
class RecordedSysctls:
    """Sysctls a topology sets in one namespace (None: the host) for its uplinks. What they were
    before is recorded when first changed, and put back when no longer wanted."""
    netns: str
    owner: str
    uplinks: tuple = ()
    state: str = PRESENT
    localnet: tuple = ()  # router ends that forwards from the loopback leave by: route_localnet on

    @property
    def target(self):
        return f"forwarding for uplinks in {where(self.netns)}"

    def values(self, egress_of):
        """{key: "1"}: forwarding on the router's end of each uplink and on its egress (IPv4 per
        interface; IPv6 forwards only when turned on for all interfaces)."""
        values = {}
        for uplink in self.uplinks if self.state == PRESENT else ():
            if uplink.bridge is not None:  # bridged, not routed
                continue
            versions = {address.version for address in uplink.addresses}
            if 4 in versions:
                values[_interface_key(4, uplink.interface)] = "1"
                values[_interface_key(4, egress_of(uplink))] = "1"
            if 6 in versions:
                values["net.ipv6.conf.all.forwarding"] = "1"
        for interface in self.localnet if self.state == PRESENT else ():
            values[_interface_key(4, interface, "route_localnet")] = "1"
        return values


def _interface_key(version, interface, name="forwarding"):
    if "." in interface:
        return f"net/ipv{version}/conf/{interface}/{name}"
    return f"net.ipv{version}.conf.{interface}.{name}"
