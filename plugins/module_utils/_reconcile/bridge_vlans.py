# -*- coding: utf-8 -*-
# Copyright: linuxnet.netns contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""VLAN-aware bridges: the kernel's support asked before anything changes, and each port's VLANs
made exactly those described (the default VLAN 1 goes when others are given). Private to linuxnet.netns.
"""

import os

from ansible_collections.linuxnet.netns.plugins.module_utils._errors import NotFoundError
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.plan import UPDATE

KIND = "vlans"


def require_vlan_filtering(view, what):
    """Refuse, before any change, what needs 802.1Q on a kernel that has none."""
    if not view.tuning.vlan_filtering_known():
        raise NotFoundError(f"{what}: this kernel ({os.uname().release}) has no 802.1Q VLAN support: a VLAN-aware "
                            f"bridge (vlan_filtering) was refused in a throwaway namespace with 'Operation not "
                            f"supported'; nothing was changed. Leave vlan_filtering, vlans and pvid out, or use a "
                            f"kernel with CONFIG_BRIDGE_VLAN_FILTERING")


def plan_port_vlans(view, port, plan):
    require_vlan_filtering(view, port.target)
    if view.is_new_link(port.netns, port.port):
        current = {1: (True, True)}  # what the kernel gives a new port of a VLAN-aware bridge
    else:
        current = view.tuning.port_vlans(port.netns, port.port)
    wanted = port.wanted()
    if current == wanted:
        return
    remove = sorted(vid for vid in current if vid not in wanted)
    add = {vid: flags for vid, flags in wanted.items() if current.get(vid) != flags}
    plan.add(KIND, port.target, UPDATE, _listed(current), _listed(wanted),
             lambda: view.tuning.change_port_vlans(port.netns, port.port, remove, add))


def _listed(vlans):
    return {"vlans": sorted(vid for vid, (pvid, _untagged) in vlans.items() if not pvid),
            "pvid": next((vid for vid, (pvid, _untagged) in vlans.items() if pvid), None)}
