#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: linuxnet.netns contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: netns_macvlan
short_description: Put a macvlan or ipvlan child of a host interface into a network namespace
version_added: 0.1.0
description:
  - Makes a macvlan (or ipvlan) child of a host interface straight into a namespace, so that the
    namespace sits on the host interface's LAN without NAT; changes its MAC address and MTU; removes it.
  - Whether the kernel has the link kind is asked of it (by making one in a throwaway namespace)
    before any change; a kernel without ipvlan is refused with a message naming it.
  - A child whose parent or mode differs is an error unless O(force=true) recreates it.
  - Addresses are set with M(linuxnet.netns.netns_addr), or by the C(interfaces) of a namespace in
    M(linuxnet.netns.netns_topology).
options:
  name:
    description: Name of the child in the namespace.
    type: str
    required: true
  netns:
    description: The namespace; it must exist.
    type: str
    required: true
  parent:
    description: The host interface the child is made on.
    type: str
    required: true
  kind:
    description: C(macvlan) or C(ipvlan).
    type: str
    choices: [macvlan, ipvlan]
    default: macvlan
  mode:
    description:
      - For a macvlan C(bridge) (the default; children of one parent talk to each other), C(private),
        C(vepa) or C(passthru) (takes the parent over, guarded as O(allow_host_network) says); for an ipvlan C(l2)
        (the default), C(l3) or C(l3s).
    type: str
  mac:
    description: MAC address of the child.
    type: str
  mtu:
    description: MTU of the child, at most the parent's.
    type: int
  state:
    description: V(present) makes or changes the child; V(absent) removes it.
    type: str
    choices: [present, absent]
    default: present
  force:
    description:
      - Recreate a child whose parent or mode differs from the request.
      - It still passes the guard of the host's network too (a passthru parent that carries the
        default route), with a deprecation warning until release 2.0.0; use O(allow_host_network=true).
    type: bool
    default: false
extends_documentation_fragment:
  - linuxnet.netns.common
  - linuxnet.netns.common.guard
author:
  - linuxnet.netns developers (@linuxnet)
"""

EXAMPLES = r"""
- name: Namespace lan on the host's LAN through eth0
  linuxnet.netns.netns_macvlan:
    name: lan0
    netns: lan
    parent: eth0

- name: Give it an address on the LAN
  linuxnet.netns.netns_addr:
    netns: lan
    interface: lan0
    addresses: [198.18.30.20/24]

- name: Remove it
  linuxnet.netns.netns_macvlan:
    name: lan0
    netns: lan
    parent: eth0
    state: absent
"""

RETURN = r"""
changes:
  description: The changes made, or in check mode the changes that would be made; empty when nothing changed.
  returned: success
  type: list
  elements: dict
  sample: [{"kind": "macvlan", "target": "macvlan lan0 in namespace 'lan'", "action": "create"}]
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.linuxnet.netns.plugins.module_utils._description.host_interfaces import Child
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.host_interfaces import plan_child
from ansible_collections.linuxnet.netns.plugins.module_utils._runner import execute
from ansible_collections.linuxnet.netns.plugins.module_utils._description.vocabulary import GUARD_OPTIONS, STATE_OPTION


def main():
    module = AnsibleModule(
        argument_spec={
            "name": {"type": "str", "required": True},
            "netns": {"type": "str", "required": True},
            "parent": {"type": "str", "required": True},
            "kind": {"type": "str", "default": "macvlan", "choices": ["macvlan", "ipvlan"]},
            "mode": {"type": "str"},
            "mac": {"type": "str"},
            "mtu": {"type": "int"},
            "state": STATE_OPTION,
            **GUARD_OPTIONS,
        },
        supports_check_mode=True,
    )
    execute(module, Child.from_params, plan_child)


if __name__ == "__main__":
    main()
