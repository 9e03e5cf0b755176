#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: linuxnet.netns contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: netns_addr
short_description: Manage IPv4 and IPv6 addresses on an interface in a network namespace
version_added: 0.1.0
description:
  - Adds or removes addresses on one interface, in a namespace or in the host's own.
  - Addresses are compared after normalisation, so C(2001:DB8::1/64) equals C(2001:db8::1/64).
  - An address that is present with another prefix length is replaced by the requested one.
  - Addresses are added in the order listed; the first address of a subnet becomes its primary address.
options:
  interface:
    description:
      - Name of the interface; it must exist in O(netns).
    type: str
    required: true
  addresses:
    description:
      - Addresses in CIDR form (C(198.18.0.1/24), C(2001:db8::1/64)), IPv4 and IPv6 mixed.
      - A single string is taken as a list of one.
    type: list
    elements: str
    required: true
  state:
    description:
      - V(present) adds the addresses that are missing.
      - V(absent) removes the listed addresses that are there; missing ones are not an error.
    type: str
    choices: [present, absent]
    default: present
  exclusive:
    description:
      - With O(state=present), also remove every address on the interface that is not listed,
        except the IPv6 link-local addresses (C(fe80::/10)) the kernel gives each interface.
    type: bool
    default: false
  nodad:
    description:
      - Add IPv6 addresses without duplicate address detection, so that they are usable at once
        instead of staying tentative for about two seconds. Useful in labs and tests.
    type: bool
    default: false
extends_documentation_fragment:
  - linuxnet.netns.common
  - linuxnet.netns.common.netns
  - linuxnet.netns.common.guard
author:
  - linuxnet.netns developers (@linuxnet)
"""

EXAMPLES = r"""
- name: Give eth0 in red a dual-stack address, usable at once
  linuxnet.netns.netns_addr:
    netns: red
    interface: eth0
    addresses:
      - 198.18.1.2/24
      - 2001:db8:1::2/64
    nodad: true

- name: Make 198.18.1.3/24 the only address of eth0 in red
  linuxnet.netns.netns_addr:
    netns: red
    interface: eth0
    addresses: 198.18.1.3/24
    exclusive: true

- name: Remove an address
  linuxnet.netns.netns_addr:
    netns: red
    interface: eth0
    addresses: [2001:db8:1::2/64]
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
      sample: address
    target:
      description: The object changed.
      type: str
      sample: addresses of eth0 in namespace 'red'
    action:
      description: What was done to it.
      type: str
      choices: [create, update, delete, recreate]
      sample: update
  sample: [{"kind": "address", "target": "addresses of eth0 in namespace 'red'", "action": "update"}]
addresses:
  description: The addresses on the interface after the run (predicted in check mode), normalised,
    without the kernel's IPv6 link-local address.
  returned: success
  type: list
  elements: str
  sample: ["198.18.1.2/24", "2001:db8:1::2/64"]
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.linuxnet.netns.plugins.module_utils._description.model import AddressSet
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.address import plan_addresses
from ansible_collections.linuxnet.netns.plugins.module_utils._runner import execute
from ansible_collections.linuxnet.netns.plugins.module_utils._description.vocabulary import GUARD_OPTIONS, NETNS_OPTION, STATE_OPTION


def main():
    module = AnsibleModule(
        argument_spec={
            "interface": {"type": "str", "required": True},
            "netns": NETNS_OPTION,
            "addresses": {"type": "list", "elements": "str", "required": True},
            "state": STATE_OPTION,
            "exclusive": {"type": "bool", "default": False},
            "nodad": {"type": "bool", "default": False},
            **GUARD_OPTIONS,
        },
        supports_check_mode=True,
    )
    execute(module, AddressSet.from_params, lambda view, wanted, plan: {"addresses": plan_addresses(view, wanted, plan)})


if __name__ == "__main__":
    main()
