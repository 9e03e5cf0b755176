#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: linuxnet.netns contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: veth
short_description: Manage veth pairs between network namespaces
version_added: 0.1.0
description:
  - Creates or removes a veth pair, a virtual cable whose two ends can sit in different namespaces.
  - The pair is created in one netlink request with each end directly in its namespace, and both
    ends are brought up. Host to namespace and namespace to namespace pairs both work.
  - An existing pair that matches the request is left alone; a different MTU, or an end that is
    down, is corrected in place.
  - An existing interface under O(name) that is not a veth, or whose peer has another name or sits
    in another namespace, is an error naming what exists and what was asked, unless O(force=true).
options:
  name:
    description:
      - Name of the end in O(netns). 1 to 15 bytes, without C(/), C(:) or whitespace.
    type: str
    required: true
  peer:
    description:
      - Name of the other end, in O(peer_netns). Same rules as O(name).
      - Required when O(state=present). With O(state=absent) it lets the pair be found by the peer's name.
    type: str
  peer_netns:
    description:
      - Namespace of the peer end. Omit it for the namespace the module runs in, normally the host's.
      - The namespace must exist.
    type: str
  mtu:
    description:
      - MTU of both ends, between 68 and 65535. Omit it to keep the kernel's default or the current value.
    type: int
  bridge:
    description:
      - Bridge in O(netns) that the O(name) end is a port of. It must exist (see M(linuxnet.netns.netns_bridge)).
      - Omit it to leave the end's bridge membership as it is.
    type: str
  peer_bridge:
    description:
      - Bridge in O(peer_netns) that the O(peer) end is a port of. It must exist.
      - Omit it to leave the peer's bridge membership as it is.
    type: str
  state:
    description:
      - V(present) makes sure the pair exists as described and is up.
      - V(absent) removes the pair, found by O(name) in O(netns) or else by O(peer) in O(peer_netns).
        A pair that is already gone is not an error. An interface that is not a veth is never removed.
    type: str
    choices: [present, absent]
    default: present
  force:
    description:
      - Recreate the pair when an interface of that name exists but is not this pair (another peer,
        another namespace, or not a veth), or when the peer's name is taken. Addresses on the old
        interfaces are lost.
    type: bool
    default: false
extends_documentation_fragment:
  - linuxnet.netns.common
  - linuxnet.netns.common.netns
author:
  - linuxnet.netns developers (@linuxnet)
"""

EXAMPLES = r"""
- name: Join the host to namespace red
  linuxnet.netns.veth:
    name: veth-red
    peer: eth0
    peer_netns: red

- name: Join namespaces red and blue with a jumbo-frame cable
  linuxnet.netns.veth:
    name: to-blue
    netns: red
    peer: to-red
    peer_netns: blue
    mtu: 9000

- name: Join namespace red to bridge br-lab in namespace hub
  linuxnet.netns.veth:
    name: eth0
    netns: red
    peer: red-br
    peer_netns: hub
    peer_bridge: br-lab

- name: Remove the pair, whichever end still exists
  linuxnet.netns.veth:
    name: to-blue
    netns: red
    peer: to-red
    peer_netns: blue
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
      sample: veth
    target:
      description: The object changed.
      type: str
      sample: veth to-blue in namespace 'red'
    action:
      description: What was done to it.
      type: str
      choices: [create, update, delete, recreate]
      sample: create
  sample: [{"kind": "veth", "target": "veth to-blue in namespace 'red'", "action": "create"}]
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.linuxnet.netns.plugins.module_utils._model import Veth
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.veth import plan_veth
from ansible_collections.linuxnet.netns.plugins.module_utils._runner import execute
from ansible_collections.linuxnet.netns.plugins.module_utils._vocabulary import NETNS_OPTION, STATE_OPTION


def main():
    module = AnsibleModule(
        argument_spec={
            "name": {"type": "str", "required": True},
            "netns": NETNS_OPTION,
            "peer": {"type": "str"},
            "peer_netns": {"type": "str"},
            "mtu": {"type": "int"},
            "state": STATE_OPTION,
            "force": {"type": "bool", "default": False},
            "bridge": {"type": "str"},
            "peer_bridge": {"type": "str"},
        },
        required_if=[("state", "present", ["peer"])],
        supports_check_mode=True,
    )
    execute(module, Veth.from_params, plan_veth)


if __name__ == "__main__":
    main()
