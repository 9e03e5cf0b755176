# -*- coding: utf-8 -*-
# Copyright: linuxnet.netns contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The VLANs of a port of a VLAN-aware bridge (`vlan_filtering: true`): the ids it carries tagged
(`vlans`) and its PVID, carried untagged (`pvid`). Private to linuxnet.netns.
"""

from dataclasses import dataclass

from ansible_collections.linuxnet.netns.plugins.module_utils._description import validate
from ansible_collections.linuxnet.netns.plugins.module_utils._description.vocabulary import where
from ansible_collections.linuxnet.netns.plugins.module_utils._errors import ValidationError

VLAN_MAX = 4094


@dataclass(frozen=True)
class PortVlans:
    netns: str
    port: str
    bridge: str
    vlans: tuple = ()  # tagged
    pvid: int = None  # untagged, and the VLAN of what arrives untagged

    @classmethod
    def from_endpoint(cls, entry, netns, port, bridge, what):
        vlans, pvid = entry.get("vlans"), entry.get("pvid")
        if bridge is None:
            raise ValidationError(f"{what}: vlans and pvid are for a port of a bridge; give the endpoint a bridge")
        if vlans is not None and not isinstance(vlans, list):
            raise ValidationError(f"{what}: vlans must be a list of VLAN ids (1 to {VLAN_MAX})")
        tagged = tuple(sorted({validate.integer_in_range(vid, f"{what}: VLAN id", 1, VLAN_MAX) for vid in vlans or ()}))
        untagged = validate.optional_integer_in_range(pvid, f"{what}: pvid", 1, VLAN_MAX)
        if untagged is not None and untagged in tagged:
            raise ValidationError(f"{what}: VLAN {untagged} is both tagged (vlans) and the untagged pvid; give it once")
        return cls(netns=netns, port=port, bridge=bridge, vlans=tagged, pvid=untagged)

    def wanted(self):
        """{vid: (pvid, untagged)}, as the kernel lists a port's VLANs."""
        wanted = {vid: (False, False) for vid in self.vlans}
        if self.pvid is not None:
            wanted[self.pvid] = (True, True)
        return wanted

    @property
    def target(self):
        return f"VLANs of port {self.port} of bridge {self.bridge} in {where(self.netns)}"
