#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: linuxnet.netns contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: netns_info
short_description: Describe network namespaces, their interfaces, addresses, routes and forwarding
version_added: 0.1.0
description:
  - Reads, for every namespace or the ones named, each interface (kind, state, MTU, MAC, addresses,
    bridge master, for a veth its peer's name and namespace, for a macvlan or ipvlan its mode and
    parent), the routes of the main table, the forwarding sysctls and the namespace's uplink; and the
    nftables tables the collection owns, with their masquerades and port forwards. Changes nothing.
  - A veth's peer is found reliably even when interface indexes repeat across namespaces.
options:
  names:
    description:
      - Namespaces to describe. Omit it to describe every namespace in C(/run/netns).
      - Each named namespace must exist; it is never created by the lookup.
    type: list
    elements: str
  include_host:
    description:
      - Also describe the namespace the module runs in (normally the host's), under RV(host).
    type: bool
    default: false
extends_documentation_fragment:
  - linuxnet.netns.common
attributes:
  check_mode:
    support: full
    details: The module only reads.
  diff_mode:
    support: none
  platform:
    platforms: linux
author:
  - linuxnet.netns developers (@linuxnet)
"""

EXAMPLES = r"""
- name: Describe the lab namespaces
  linuxnet.netns.netns_info:
    names: [red, blue]
  register: lab

- name: Show red's addresses on eth0
  ansible.builtin.debug:
    msg: "{{ lab.namespaces.red.interfaces.eth0.addresses }}"

- name: Fail if a router does not forward
  ansible.builtin.assert:
    that: lab.namespaces.red.forwarding.ipv4

- name: Every veth peer of namespace red
  ansible.builtin.debug:
    msg: "{{ item.key }} <-> {{ item.value.peer.name }} in {{ item.value.peer.netns | default('the host', true) }}"
  loop: "{{ lab.namespaces.red.interfaces | dict2items | selectattr('value.kind', 'eq', 'veth') }}"
"""

RETURN = r"""
names:
  description: Names of the namespaces described, sorted as listed by the kernel or as given.
  returned: always
  type: list
  elements: str
  sample: [blue, red]
namespaces:
  description: One entry per namespace, keyed by its name.
  returned: always
  type: dict
  contains:
    name:
      description: Name of the namespace.
      type: str
      sample: red
    interfaces:
      description: The namespace's interfaces, keyed by interface name.
      type: dict
      contains:
        name:
          description: Interface name.
          type: str
          sample: eth0
        index:
          description: Interface index inside this namespace (indexes repeat across namespaces).
          type: int
          sample: 2
        kind:
          description: Link kind, such as C(veth), C(bridge), C(vxlan), C(loopback); C(device) for a link with no kind.
          type: str
          sample: veth
        up:
          description: Whether the interface is administratively up.
          type: bool
          sample: true
        state:
          description: Operational state as the kernel reports it, in lower case (C(up), C(down), C(lowerlayerdown), C(unknown)).
          type: str
          sample: up
        mtu:
          description: MTU.
          type: int
          sample: 1500
        mac:
          description: Link-layer address.
          type: str
          sample: "5e:2a:11:00:00:01"
        addresses:
          description: Addresses in CIDR form, IPv4 and IPv6, including the IPv6 link-local one.
          type: list
          elements: str
          sample: ["198.18.1.2/24", "2001:db8:1::2/64", "fe80::5c2a:11ff:fe00:1/64"]
        master:
          description: Name of the bridge this interface is a port of, or null.
          type: str
          sample: br-lab
        peer:
          description: For a veth, its other end; null when the peer cannot be found. Only for veths.
          type: dict
          returned: for veth interfaces
          contains:
            name:
              description: Name of the peer interface.
              type: str
              sample: red0-br
            netns:
              description: Namespace of the peer; null for the namespace the module runs in.
              type: str
              sample: hub
        mode:
          description: For a macvlan or ipvlan, its mode (C(bridge), C(private), C(vepa), C(passthru); C(l2), C(l3), C(l3s)).
          type: str
          returned: for macvlan and ipvlan interfaces
          sample: bridge
        parent:
          description: For a macvlan or ipvlan, the host interface it is a child of (C(name), C(netns) null); null when not in the host.
          type: dict
          returned: for macvlan and ipvlan interfaces
          sample: {"name": "eth0", "netns": null}
        stp:
          description: Whether spanning tree is on. Only for bridges.
          type: bool
          returned: for bridges
          sample: false
        ports:
          description: Names of the bridge's ports. Only for bridges.
          type: list
          elements: str
          returned: for bridges
          sample: [red0-br, blue0-br]
    routes:
      description: Unicast routes of the main table, IPv4 and IPv6.
      type: list
      elements: dict
      contains:
        to:
          description: Destination in CIDR form, or C(default).
          type: str
          sample: default
        via:
          description: Gateway, or null for a directly connected route.
          type: str
          sample: 198.18.1.1
        interface:
          description: Outgoing interface, or null.
          type: str
          sample: eth0
        metric:
          description: Route metric.
          type: int
          sample: 0
        family:
          description: C(ipv4) or C(ipv6).
          type: str
          sample: ipv4
        protocol:
          description:
            - Who added the route - C(kernel), C(boot), C(static), C(linuxnet) (this collection), C(zebra), C(bird),
              C(bgp), C(ospf), or the protocol number.
          type: str
          sample: boot
        nexthops:
          description: The paths of a multipath route, each with C(via), C(interface) and C(weight); empty otherwise.
          type: list
          elements: dict
          sample: [{"via": "198.18.1.2", "interface": "a", "weight": 1}, {"via": "198.18.2.2", "interface": "b", "weight": 1}]
    uplink:
      description:
        - The namespace's uplink (a veth named C(uplink), as M(linuxnet.netns.netns_uplink) and the
          C(uplink) of a topology make it), or null.
      type: dict
      sample: {"router": null, "router_interface": "up-web", "addresses": ["198.18.110.2/30"], "gateways": ["198.18.110.1"]}
    forwarding:
      description: Whether the namespace forwards packets.
      type: dict
      contains:
        ipv4:
          description: Value of C(net.ipv4.ip_forward).
          type: bool
          sample: true
        ipv6:
          description: Value of C(net.ipv6.conf.all.forwarding).
          type: bool
          sample: false
host:
  description: The namespace the module runs in, described like one entry of RV(namespaces), with name null.
  returned: when O(include_host=true)
  type: dict
firewall:
  description:
    - The nftables tables the collection owns (named C(linuxnet-*)), in the host (C(host)) and in each
      namespace named in O(names), by table name - the owner's marker, the sources masqueraded and
      out of which interface, and the ports forwarded. Absent when nftables is not installed.
  returned: when nftables is installed
  type: dict
  sample:
    host:
      linuxnet-web:
        family: inet
        owner: "linuxnet.netns:web"
        masquerade: [{"source": "100.85.12.8/30", "egress": "eth0"}]
        forwards: [{"protocol": "tcp", "port": 8080, "address": null, "to_address": "100.85.12.10", "to_port": 80}]
topologies:
  description:
    - The persistent topologies saved on the host (by M(linuxnet.netns.netns_topology) with
      O(linuxnet.netns.netns_topology#module:persistent=true)), by name, and whether the kernel
      matches each saved description.
  returned: always
  type: dict
  sample: {"lab": {"persistent": true, "path": "/etc/linuxnet-netns/topologies/lab.json", "matches": true, "differences": []}}
  contains:
    persistent:
      description: Always true; the topology comes back at boot through C(linuxnet-netns@NAME.service).
      type: bool
    path:
      description: The saved description.
      type: str
    matches:
      description: Whether the kernel holds exactly what the saved description asks for.
      type: bool
    differences:
      description: The changes C(linuxnet-netns apply NAME) would make, as RV(linuxnet.netns.netns_topology#module:changes) lists them.
      type: list
      elements: dict
    error:
      description: Why the saved description could not be compared (unreadable or invalid).
      type: str
      returned: when the saved description is unreadable or invalid
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.linuxnet.netns.plugins.module_utils._report.describe import read_namespaces
from ansible_collections.linuxnet.netns.plugins.module_utils._runner import report


def main():
    module = AnsibleModule(
        argument_spec={
            "names": {"type": "list", "elements": "str"},
            "include_host": {"type": "bool", "default": False},
        },
        supports_check_mode=True,
    )
    report(module, read_namespaces)


if __name__ == "__main__":
    main()
