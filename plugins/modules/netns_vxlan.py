#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: linuxnet.netns contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: netns_vxlan
short_description: Manage a VXLAN tunnel end in a network namespace
version_added: 0.1.0
description:
  - Creates, corrects or removes a vxlan device in a namespace, or in the host's own, and brings it up.
  - The device is made in the namespace the module runs in, the underlay, and then moved into
    O(netns) under its name; its UDP socket stays in the underlay, so the tunnel's traffic leaves
    through the host's network while its inner end lives in the namespace.
  - One peer (O(remote)) makes a point-to-point tunnel. Several peers (O(remotes)) make a segment
    flooded to each of them through static forwarding entries, with learning off (head-end replication).
  - The UDP port is always set explicitly (O(port), default 4789). The kernel's own default, 8472,
    would drop traffic from peers that use the IANA port, silently.
  - Drift in the peers, the local address, the MTU, the up state and the bridge is corrected in place.
    The VNI, the port and the choice between one peer and several cannot be changed on an existing
    device; that is an error unless O(force=true) recreates it.
options:
  name:
    description:
      - Name of the tunnel end in O(netns). 1 to 15 bytes, without C(/), C(:) or whitespace.
    type: str
    required: true
  vni:
    description:
      - VXLAN network identifier, 1 to 16777215. Both ends of a tunnel must use the same.
      - Required with O(state=present).
    type: int
  local:
    description:
      - The underlay address of this end, an address of the namespace the module runs in.
      - Also picks the underlay interface whose MTU sets the default O(mtu).
    type: str
  remote:
    description:
      - The underlay address of the one peer, for a point-to-point tunnel.
      - Give O(remote) or O(remotes), one of them, with O(state=present).
    type: str
  remotes:
    description:
      - The underlay addresses of several peers, each sent a copy of broadcast and unknown traffic.
    type: list
    elements: str
  port:
    description:
      - UDP destination port on the underlay.
    type: int
    default: 4789
  underlay_interface:
    description:
      - Interface of the namespace the module runs in that carries the tunnel. Omitted, the kernel
        routes by the peer's address.
    type: str
  mtu:
    description:
      - MTU of the tunnel end, between 68 and 65535.
      - Omitted, the underlay interface's MTU (O(underlay_interface), or the interface holding
        O(local)) minus the encapsulation, 50 bytes over IPv4 and 70 over IPv6.
    type: int
  bridge:
    description:
      - A bridge in O(netns) that the tunnel end becomes a port of.
    type: str
  force:
    description:
      - Recreate the device when its VNI, port or peer mode differ from the request.
    type: bool
    default: false
  state:
    description:
      - V(present) makes sure the tunnel end exists as described and is up.
      - V(absent) removes it. A missing device is not an error; an interface of that name that is
        not a vxlan is never removed.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - linuxnet.netns.common
  - linuxnet.netns.common.netns
author:
  - linuxnet.netns developers (@linuxnet)
"""

EXAMPLES = r"""
- name: On host a, one end of a tunnel into namespace red
  linuxnet.netns.netns_vxlan:
    name: tun0
    netns: red
    vni: 4242
    local: 198.18.100.11
    remote: 198.18.100.12

- name: On host b, the other end, a port of a bridge
  linuxnet.netns.netns_vxlan:
    name: tun0
    netns: hub
    vni: 4242
    local: 198.18.100.12
    remote: 198.18.100.11
    bridge: br0

- name: A segment flooded to three peers
  linuxnet.netns.netns_vxlan:
    name: seg0
    netns: hub
    vni: 100
    local: 198.18.100.11
    remotes: [198.18.100.12, 198.18.100.13, 198.18.100.14]

- name: Remove the tunnel end
  linuxnet.netns.netns_vxlan:
    name: tun0
    netns: red
    state: absent
"""

RETURN = r"""
changes:
  description: The changes made, or in check mode the changes that would be made; empty when nothing changed.
  returned: success
  type: list
  elements: dict
  contains:
    kind:
      description: Kind of object changed.
      type: str
      sample: vxlan
    target:
      description: The object changed.
      type: str
      sample: vxlan tun0 in namespace 'red'
    action:
      description: What was done to it.
      type: str
      choices: [create, update, delete, recreate]
      sample: create
  sample: [{"kind": "vxlan", "target": "vxlan tun0 in namespace 'red'", "action": "create"}]
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.linuxnet.netns.plugins.module_utils._description.model import Vxlan
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.vxlan import plan_vxlan
from ansible_collections.linuxnet.netns.plugins.module_utils._runner import execute
from ansible_collections.linuxnet.netns.plugins.module_utils._description.vocabulary import NETNS_OPTION, STATE_OPTION


def main():
    module = AnsibleModule(
        argument_spec={
            "name": {"type": "str", "required": True},
            "netns": NETNS_OPTION,
            "vni": {"type": "int"},
            "local": {"type": "str"},
            "remote": {"type": "str"},
            "remotes": {"type": "list", "elements": "str"},
            "port": {"type": "int", "default": 4789},
            "underlay_interface": {"type": "str"},
            "mtu": {"type": "int"},
            "bridge": {"type": "str"},
            "force": {"type": "bool", "default": False},
            "state": STATE_OPTION,
        },
        mutually_exclusive=[("remote", "remotes")],
        required_if=[("state", "present", ["vni"]), ("state", "present", ["remote", "remotes"], True)],
        supports_check_mode=True,
    )
    execute(module, Vxlan.from_params, plan_vxlan)


if __name__ == "__main__":
    main()
