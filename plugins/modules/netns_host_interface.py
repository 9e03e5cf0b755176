#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: linuxnet.netns contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: netns_host_interface
short_description: Move a host interface into a network namespace, and back with its addresses
version_added: 0.1.0
description:
  - Moves an interface of the host namespace (a spare NIC, a VLAN sub-interface) into a namespace
    and brings it up there. The kernel drops an interface's addresses when it moves; what it had in
    the host (addresses, up or down) is recorded under C(/run/linuxnet-netns) first.
  - O(state=absent) moves it back to the host and puts the recorded addresses and state back.
  - Addresses inside the namespace are set with M(linuxnet.netns.netns_addr), or by the C(interfaces)
    of a namespace in M(linuxnet.netns.netns_topology).
  - A physical interface whose namespace is deleted returns to the machine's initial namespace by
    itself, without its addresses; move it back with this module before deleting the namespace.
options:
  name:
    description: The interface, by its name in the host (which it keeps in the namespace).
    type: str
    required: true
  netns:
    description: The namespace to move it into; it must exist.
    type: str
    required: true
  state:
    description: V(present) moves it in; V(absent) moves it back.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - linuxnet.netns.common
  - linuxnet.netns.common.guard
author:
  - linuxnet.netns developers (@linuxnet)
"""

EXAMPLES = r"""
- name: Give the spare NIC to namespace lab
  linuxnet.netns.netns_host_interface:
    name: enp3s0
    netns: lab

- name: Give it back to the host, with the addresses it had
  linuxnet.netns.netns_host_interface:
    name: enp3s0
    netns: lab
    state: absent
"""

RETURN = r"""
changes:
  description: The changes made, or in check mode the changes that would be made; empty when nothing changed.
  returned: success
  type: list
  elements: dict
  sample: [{"kind": "moved", "target": "host interface enp3s0 in namespace 'lab'", "action": "create"}]
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.linuxnet.netns.plugins.module_utils._description.host_interfaces import MovedInterface
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.host_interfaces import plan_moved
from ansible_collections.linuxnet.netns.plugins.module_utils._runner import execute
from ansible_collections.linuxnet.netns.plugins.module_utils._description.vocabulary import GUARD_OPTIONS, STATE_OPTION


def main():
    module = AnsibleModule(
        argument_spec={
            "name": {"type": "str", "required": True},
            "netns": {"type": "str", "required": True},
            "state": STATE_OPTION,
            **GUARD_OPTIONS,
        },
        supports_check_mode=True,
    )
    execute(module, MovedInterface.from_params, plan_moved)


if __name__ == "__main__":
    main()
