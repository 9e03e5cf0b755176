#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: linuxnet.netns contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: netns_uplink
short_description: Join a network namespace to the network beyond its host, with NAT and port forwards
version_added: 0.1.0
description:
  - Gives an existing namespace an uplink - a veth from the host (C(up-NETNS), shortened with a hash
    when long) to C(uplink) in the namespace, a point-to-point subnet, the namespace's default route
    through the host, forwarding turned on in the host for the two interfaces the traffic crosses,
    and masquerade out of the host's egress interface. Port forwards take connections on the host's
    ports to the namespace.
  - The same reconcilers as an C(uplink) of M(linuxnet.netns.netns_topology), owned by the name
    C(uplink-NETNS) - the rules live in the nftables table C(inet linuxnet-uplink-NETNS), replaced
    whole in one transaction; no other table is touched.
  - What forwarding was before is recorded under C(/run/linuxnet-netns) and put back on O(state=absent),
    which also removes the table and the veth (and with it the routes through it); the namespace stays.
  - Needs nftables on the host - the python3-nftables binding, or else the C(nft) command.
options:
  netns:
    description: The namespace to give an uplink; it must exist.
    type: str
    required: true
  nat:
    description: Masquerade the namespace's traffic out of the egress interface; V(false) only routes it.
    type: bool
    default: true
  egress:
    description: The host interface the traffic leaves by; omitted, the interface of the host's default route.
    type: str
  addresses:
    description:
      - Two entries - the host end's address (or list of addresses), then the namespace end's, one per
        IP version, each pair on one subnet. IPv6 is masqueraded too (a routed prefix would need the
        upstream router to route it to this host); it turns on C(net.ipv6.conf.all.forwarding).
      - Omitted, a /30 of O(uplink_range) picked by a hash of the namespace's name.
    type: list
    elements: raw
  router:
    description: A namespace that routes for this one instead of the host; the host end, forwarding and rules are then there.
    type: str
  uplink_range:
    description: The IPv4 network the /30 is taken from when O(addresses) is omitted; omitted, C(100.64.0.0/10).
    type: str
  forwards:
    description:
      - Port forwards to the namespace, each a mapping with C(protocol) (C(tcp) or C(udp); default
        C(tcp)), C(port) (required), C(to_port) (default C(port)) and C(address) (the host address to
        take connections on; C(any) for every address of the host, which makes the forward reachable
        from every network the host is on; default C(127.0.0.1), reached from the host itself only).
        Reachable from outside the host and from the host itself.
      - A forward of a port that a service of the router listens on is refused, since it would take
        that service's connections (port 22 - SSH, and Ansible with it).
    type: list
    elements: dict
    default: []
  inbound:
    description:
      - V(false) drops traffic routed into the namespace through the uplink (from the host's LAN, say)
        but for replies to the namespace's own connections and the ports of O(forwards).
      - V(true) lets everything routed to the namespace in.
    type: bool
    default: false
  allow_host_network:
    description: Forward a port that a service of the router listens on anyway.
    type: bool
    default: false
  state:
    description: V(present) builds or corrects the uplink; V(absent) removes it and gives the host back its forwarding.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - linuxnet.netns.common
author:
  - linuxnet.netns developers (@linuxnet)
"""

EXAMPLES = r"""
- name: Let namespace web reach the internet, and take the host's port 8080 to its port 80
  linuxnet.netns.netns_uplink:
    netns: web
    forwards:
      - {port: 8080, to_port: 80, address: any}

- name: A fixed subnet, IPv4 and IPv6, leaving by eth1
  linuxnet.netns.netns_uplink:
    netns: lab
    egress: eth1
    addresses:
      - [198.18.7.1/30, "2001:db8:7::1/64"]
      - [198.18.7.2/30, "2001:db8:7::2/64"]

- name: Remove the uplink, keeping the namespace
  linuxnet.netns.netns_uplink:
    netns: web
    state: absent
"""

RETURN = r"""
changes:
  description: The changes made, or in check mode the changes that would be made, in the order applied.
  returned: success
  type: list
  elements: dict
  sample: [{"kind": "veth", "target": "veth up-web in the host namespace", "action": "create"}]
uplink:
  description: The uplink as built (None after O(state=absent)).
  returned: success
  type: dict
  sample: {"netns": "web", "router": null, "interface": "up-web", "inner": "uplink", "nat": true, "egress": "eth0",
           "router_addresses": ["100.85.12.9/30"], "addresses": ["100.85.12.10/30"]}
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.linuxnet.netns.plugins.module_utils._description.uplink import StandaloneUplink
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.uplink import plan_uplink
from ansible_collections.linuxnet.netns.plugins.module_utils._runner import execute
from ansible_collections.linuxnet.netns.plugins.module_utils._description.vocabulary import STATE_OPTION


def main():
    module = AnsibleModule(
        argument_spec={
            "netns": {"type": "str", "required": True},
            "nat": {"type": "bool", "default": True},
            "egress": {"type": "str"},
            "addresses": {"type": "list", "elements": "raw"},
            "router": {"type": "str"},
            "uplink_range": {"type": "str"},
            "forwards": {"type": "list", "elements": "dict", "default": []},
            "inbound": {"type": "bool", "default": False},
            "allow_host_network": {"type": "bool", "default": False},
            "state": STATE_OPTION,
        },
        supports_check_mode=True,
    )
    execute(module, StandaloneUplink.from_params, plan_uplink)


if __name__ == "__main__":
    main()
