#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: linuxnet.netns contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: netns_bridge
short_description: Manage Linux bridges and their ports in a network namespace
version_added: 0.1.0
description:
  - Creates, changes or removes a bridge in a namespace, or in the host's own, and brings it up.
  - Attaches listed interfaces of the same namespace as ports; with O(exclusive_ports=true) also
    detaches the ports that are not listed.
  - Removing a bridge does not delete its ports' interfaces; they are only detached.
options:
  name:
    description:
      - Name of the bridge. 1 to 15 bytes, without C(/), C(:) or whitespace.
    type: str
    required: true
  ports:
    description:
      - Interfaces of the same namespace to attach to the bridge. Each must exist.
      - An interface that is a port of another bridge is moved to this one.
      - Omit it to leave the ports as they are.
    type: list
    elements: str
  exclusive_ports:
    description:
      - Detach ports that are not listed in O(ports).
    type: bool
    default: false
  stp:
    description:
      - Turn the spanning tree protocol on or off. Omit it to keep the current setting
        (off for a new bridge).
    type: bool
  mtu:
    description:
      - MTU of the bridge, between 68 and 65535. Omit it to let the kernel follow the ports.
    type: int
  state:
    description:
      - V(present) makes sure the bridge exists as described and is up.
      - V(absent) removes the bridge; its ports stay, detached. A missing bridge is not an error.
        An interface of that name that is not a bridge is never removed.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - linuxnet.netns.common
  - linuxnet.netns.common.netns
  - linuxnet.netns.common.guard
author:
  - linuxnet.netns developers (@linuxnet)
"""

EXAMPLES = r"""
- name: A lab segment in namespace hub, with two ports
  linuxnet.netns.netns_bridge:
    netns: hub
    name: br-lab
    ports: [red0-br, blue0-br]

- name: Keep exactly these ports, spanning tree on
  linuxnet.netns.netns_bridge:
    netns: hub
    name: br-lab
    ports: [red0-br]
    exclusive_ports: true
    stp: true

- name: Remove the bridge, keeping its port interfaces
  linuxnet.netns.netns_bridge:
    netns: hub
    name: br-lab
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
      sample: bridge
    target:
      description: The object changed.
      type: str
      sample: bridge br-lab in namespace 'hub'
    action:
      description: What was done to it.
      type: str
      choices: [create, update, delete, recreate]
      sample: create
  sample: [{"kind": "bridge", "target": "bridge br-lab in namespace 'hub'", "action": "create"}]
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.linuxnet.netns.plugins.module_utils._description.model import Bridge
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.bridge import plan_bridge
from ansible_collections.linuxnet.netns.plugins.module_utils._runner import execute
from ansible_collections.linuxnet.netns.plugins.module_utils._description.vocabulary import GUARD_OPTIONS, NETNS_OPTION, STATE_OPTION


def main():
    module = AnsibleModule(
        argument_spec={
            "name": {"type": "str", "required": True},
            "netns": NETNS_OPTION,
            "ports": {"type": "list", "elements": "str"},
            "exclusive_ports": {"type": "bool", "default": False},
            **GUARD_OPTIONS,
            "stp": {"type": "bool"},
            "mtu": {"type": "int"},
            "state": STATE_OPTION,
        },
        supports_check_mode=True,
    )
    execute(module, Bridge.from_params, plan_bridge)


if __name__ == "__main__":
    main()
