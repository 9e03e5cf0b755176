#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: linuxnet.netns contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: netns
short_description: Manage Linux network namespaces
version_added: 0.1.0
description:
  - Creates or removes a named network namespace, the same way C(ip netns add) and C(ip netns delete) do.
  - A present namespace has its loopback interface up.
  - Optionally sets network sysctls inside the namespace, without touching the host's own values.
  - Names are matched exactly; a namespace C(web2) does not make C(web) present.
options:
  name:
    description:
      - Name of the namespace.
      - It must not be empty, C(.) or C(..), contain C(/) or a NUL byte, or be longer than 255 bytes.
    type: str
    required: true
  state:
    description:
      - V(present) creates the namespace when it is missing and brings its loopback up.
      - V(absent) removes it, together with the interfaces inside it. A missing namespace is not an error.
    type: str
    choices: [present, absent]
    default: present
  when_busy:
    description:
      - What O(state=absent) does when processes still run inside the namespace.
      - V(fail) changes nothing and names the processes (PID and command).
      - V(detach) removes the name, as C(ip netns delete) does; the namespace lives on, unnamed,
        until its last process exits.
      - V(kill) sends SIGKILL to those processes, then removes the namespace.
    type: str
    choices: [fail, detach, kill]
    default: fail
  sysctls:
    description:
      - Network sysctls to set inside the namespace, as a mapping of dotted names to values,
        for example C(net.ipv4.ip_forward=1) or C(net.ipv6.conf.all.forwarding=1) written as YAML keys and values.
      - Only keys under C(net.) are accepted; an unknown key is an error.
      - Sysctls not listed are left as they are.
    type: dict
    default: {}
extends_documentation_fragment:
  - linuxnet.netns.common
author:
  - linuxnet.netns developers (@linuxnet)
"""

EXAMPLES = r"""
- name: Create the namespace red
  linuxnet.netns.netns:
    name: red

- name: Create a router namespace that forwards IPv4 and IPv6
  linuxnet.netns.netns:
    name: router
    sysctls:
      net.ipv4.ip_forward: 1
      net.ipv6.conf.all.forwarding: 1

- name: Remove the namespace red and everything inside it
  linuxnet.netns.netns:
    name: red
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
      sample: netns
    target:
      description: The object changed.
      type: str
      sample: netns red
    action:
      description: What was done to it.
      type: str
      choices: [create, update, delete, recreate]
      sample: create
  sample: [{"kind": "netns", "target": "netns red", "action": "create"}]
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.linuxnet.netns.plugins.module_utils._description.model import Namespace
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.namespace import plan_namespace
from ansible_collections.linuxnet.netns.plugins.module_utils._runner import execute
from ansible_collections.linuxnet.netns.plugins.module_utils._description.vocabulary import STATE_OPTION, WHEN_BUSY_OPTION


def main():
    module = AnsibleModule(
        argument_spec={
            "name": {"type": "str", "required": True},
            "state": STATE_OPTION,
            "sysctls": {"type": "dict", "default": {}},
            "when_busy": WHEN_BUSY_OPTION,
        },
        supports_check_mode=True,
    )
    execute(module, Namespace.from_params, plan_namespace)


if __name__ == "__main__":
    main()
