#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: linuxnet.netns contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: netns_route
short_description: Manage IPv4 and IPv6 routes in a network namespace
version_added: 0.1.0
description:
  - Adds, corrects or removes one route in the main routing table of a namespace, or of the host's own.
  - A route is identified by its destination and metric. An existing route to the same destination
    with the same metric but another gateway or interface is corrected in place, never duplicated.
  - The routes the collection makes carry a protocol number of their own (77, C(ip route) shows
    C(proto 77)). A route it made to the same destination with another metric - the metric was
    changed - is removed; routes of other protocols (an operator's C(static), a routing daemon's)
    are never touched.
  - A gateway that is not on-link (in no network of the namespace's addresses) is an error naming
    the route, reported before anything is changed.
options:
  to:
    description:
      - Destination in CIDR form (C(198.18.2.0/24), C(2001:db8:2::/64)), a single address for a host route,
        or V(default). V(default) is the IPv4 default route unless O(via) is an IPv6 address.
    type: str
    required: true
  via:
    description:
      - Gateway address, of the same IP version as O(to).
    type: str
  interface:
    description:
      - Outgoing interface. Required when O(via) is not given, and for a link-local IPv6 gateway.
    type: str
  metric:
    description:
      - Route metric (priority). Omitted means the kernel's default, 0 for IPv4 and 1024 for IPv6.
    type: int
  state:
    description:
      - V(present) adds the route, or corrects its gateway and interface.
      - V(absent) removes the route to O(to) with that metric; a missing route is not an error.
    type: str
    choices: [present, absent]
    default: present
  allow_host_network:
    description:
      - In the host's namespace, the route guard refuses to add, change or remove a default route
        (of any routing table) or a route whose destination holds the gateway of a default route
        or the address of the Ansible controller, since the host could lose its network.
        V(true) does it anyway.
      - Routes inside a namespace are never guarded.
    type: bool
    default: false
extends_documentation_fragment:
  - linuxnet.netns.common
  - linuxnet.netns.common.netns
author:
  - linuxnet.netns developers (@linuxnet)
"""

EXAMPLES = r"""
- name: Default route of namespace red through the router
  linuxnet.netns.netns_route:
    netns: red
    to: default
    via: 198.18.1.1

- name: IPv6 route to a remote lab network
  linuxnet.netns.netns_route:
    netns: red
    to: 2001:db8:2::/64
    via: 2001:db8:1::1

- name: Route a network straight out of an interface
  linuxnet.netns.netns_route:
    netns: red
    to: 198.18.9.0/24
    interface: eth1

- name: Remove the default route
  linuxnet.netns.netns_route:
    netns: red
    to: default
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
      sample: route
    target:
      description: The object changed.
      type: str
      sample: route 0.0.0.0/0 in namespace 'red'
    action:
      description: What was done to it.
      type: str
      choices: [create, update, delete, recreate]
      sample: create
  sample: [{"kind": "route", "target": "route 0.0.0.0/0 in namespace 'red'", "action": "create"}]
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.linuxnet.netns.plugins.module_utils._description.model import Route
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.route import plan_route
from ansible_collections.linuxnet.netns.plugins.module_utils._runner import execute
from ansible_collections.linuxnet.netns.plugins.module_utils._description.vocabulary import NETNS_OPTION, STATE_OPTION


def main():
    module = AnsibleModule(
        argument_spec={
            "to": {"type": "str", "required": True},
            "via": {"type": "str"},
            "interface": {"type": "str"},
            "metric": {"type": "int"},
            "netns": NETNS_OPTION,
            "state": STATE_OPTION,
            "allow_host_network": {"type": "bool", "default": False},
        },
        supports_check_mode=True,
    )
    execute(module, Route.from_params, plan_route)


if __name__ == "__main__":
    main()
