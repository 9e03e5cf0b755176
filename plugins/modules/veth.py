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
  queues:
    description:
      - Number of transmit and receive queues of the O(name) end, 1 to 4096. Omit it for the kernel's
        default (one per CPU on recent kernels).
      - Queues are fixed when a pair is made; an existing pair with other counts is an error unless
        O(force=true) recreates it.
    type: int
  peer_queues:
    description:
      - Number of transmit and receive queues of the peer end, as O(queues).
    type: int
  mac:
    description:
      - MAC address of the O(name) end, such as V(02:00:00:00:00:01). Omit it to keep the kernel's random one.
    type: str
  peer_mac:
    description:
      - MAC address of the peer end.
    type: str
  txqueuelen:
    description:
      - Transmit queue length of the O(name) end, in packets. It matters only under a qdisc (see O(shape));
        a veth sends without a queue by default.
    type: int
  peer_txqueuelen:
    description:
      - Transmit queue length of the peer end.
    type: int
  offloads:
    description:
      - Offloads of the O(name) end, a mapping of V(tso), V(gso), V(gro), V(tx_checksum) and
        V(rx_udp_gro_forwarding) to V(true) or V(false). Those not named are left as they are.
      - Each name covers the kernel features C(ethtool) groups under it (V(tso) is every TCP
        segmentation feature, V(tx_checksum) every transmit checksum one), set through ethtool's
        netlink interface.
      - The defaults of a new veth are fast (TSO, GSO and transmit checksums on); turning them off
        costs throughput (see the collection's performance guide). V(tso=true) with V(tx_checksum=false)
        is refused, since the kernel keeps TSO off without transmit checksums.
    type: dict
  peer_offloads:
    description:
      - Offloads of the peer end, as O(offloads).
    type: dict
  gso_max_size:
    description:
      - Largest segment the O(name) end's stack builds for it, in bytes, up to 524280 (above 65536 is
        BIG TCP, where the kernel and device allow it).
    type: int
  peer_gso_max_size:
    description:
      - O(gso_max_size) of the peer end.
    type: int
  gro_max_size:
    description:
      - Largest packet GRO builds on the O(name) end, in bytes, up to 524280.
    type: int
  peer_gro_max_size:
    description:
      - O(gro_max_size) of the peer end.
    type: int
  shape:
    description:
      - Egress shaping of the O(name) end, with traffic control. Shaping acts only on what an end
        sends, so a two-way effect needs a shape on both ends (see O(peer_shape)).
      - Keys, with tc's units as strings - V(delay), V(jitter) (times such as V(20ms), V(500us));
        V(loss), V(duplicate), V(reorder), V(corrupt) (percentages such as V(1%)); V(rate) (such as
        V(100mbit), V(1gbit)); V(burst) and V(limit) (sizes such as V(64kb)).
      - V(rate) makes a C(tbf) qdisc; the other keys a C(netem) one, with the C(tbf) under it when both are given.
        V(burst) defaults to 4 ms of traffic at the rate (at least one full frame); V(limit), the queue,
        to the burst plus the delay, jitter and 50 ms of traffic at the rate.
      - The C(netem) keys need a kernel with the netem qdisc (every distribution kernel has it as a module);
        on one without it, they are refused before anything changes.
      - An empty mapping removes the shaping this option made. Omit the option to leave queueing as it is.
    type: dict
  peer_shape:
    description:
      - Egress shaping of the peer end, as O(shape).
    type: dict
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
      - A veth end in the host namespace that carries the host's default route or the address of the
        current Ansible connection is recreated or removed only with O(allow_host_network=true);
        O(force=true) still passes that guard too, with a deprecation warning (until release 2.0.0).
    type: bool
    default: false
extends_documentation_fragment:
  - linuxnet.netns.common
  - linuxnet.netns.common.guard
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

- name: A 100 Mbit/s cable with 20 ms each way, offloads left at their fast defaults
  linuxnet.netns.veth:
    name: to-wan
    netns: red
    peer: to-red
    peer_netns: wan
    shape: {rate: 100mbit, delay: 20ms}
    peer_shape: {rate: 100mbit, delay: 20ms}

- name: Two queues on each end, GRO on the receiving end
  linuxnet.netns.veth:
    name: fast0
    netns: red
    peer: fast1
    peer_netns: blue
    queues: 2
    peer_queues: 2
    peer_offloads: {gro: true}

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
  sample: [{"kind": "veth", "target": "veth to-blue in namespace 'red'", "action": "create"},
           {"kind": "shaping", "target": "shaping of to-blue in namespace 'red'", "action": "create"}]
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.linuxnet.netns.plugins.module_utils._description.link_settings import END_SETTING_KEYS, veth_end_settings
from ansible_collections.linuxnet.netns.plugins.module_utils._description.model import Veth
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.veth import plan_veth_and_ends
from ansible_collections.linuxnet.netns.plugins.module_utils._runner import execute
from ansible_collections.linuxnet.netns.plugins.module_utils._description.vocabulary import GUARD_OPTIONS, NETNS_OPTION, STATE_OPTION


END_SETTING_TYPES = {"mac": "str", "txqueuelen": "int", "offloads": "dict", "gso_max_size": "int",
                     "gro_max_size": "int", "shape": "dict"}


def main():
    module = AnsibleModule(
        argument_spec={
            "name": {"type": "str", "required": True},
            "netns": NETNS_OPTION,
            "peer": {"type": "str"},
            "peer_netns": {"type": "str"},
            "mtu": {"type": "int"},
            "state": STATE_OPTION,
            **GUARD_OPTIONS,
            "bridge": {"type": "str"},
            "peer_bridge": {"type": "str"},
            "queues": {"type": "int"},
            "peer_queues": {"type": "int"},
            **{prefix + key: {"type": END_SETTING_TYPES[key]} for key in END_SETTING_KEYS for prefix in ("", "peer_")},
        },
        required_if=[("state", "present", ["peer"])],
        supports_check_mode=True,
    )
    execute(module, _parse, plan_veth_and_ends)


def _parse(params):
    veth = Veth.from_params(params)
    return veth, veth_end_settings(veth, params)


if __name__ == "__main__":
    main()
