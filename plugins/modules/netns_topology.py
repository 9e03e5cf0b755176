#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: linuxnet.netns contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: netns_topology
short_description: Build, check and remove a whole topology of namespaces, bridges and veth pairs in one task
version_added: 0.1.0
description:
  - Converges a declared topology in one process, opening each namespace once, through the same
    reconcilers as the single-object modules (M(linuxnet.netns.netns), M(linuxnet.netns.veth),
    M(linuxnet.netns.netns_addr), M(linuxnet.netns.netns_route), M(linuxnet.netns.netns_bridge)).
  - The whole description is validated before the first change. Unknown keys, dangling references
    (an endpoint on a bridge that is not declared, a route via an address on no link), an interface
    name used twice in one namespace, names over the kernel's limits, and an address used twice on
    one segment or in one namespace are errors naming the object.
  - Order of work, namespaces (loopback up, forwarding), bridges, veth pairs (each end directly in its
    namespace and on its bridge), addresses (without duplicate address detection, so that they are
    usable when the task returns), routes.
  - The role C(linuxnet.netns.topology) wraps this module, with presets, verification and graphs.
options:
  preset:
    description:
      - A preset (C(pair), C(star), C(linear), C(tree)) expanded on the managed host into namespaces,
        bridges and links, in front of those given in O(namespaces), O(bridges) and O(links).
      - Keys as the C(linuxnet.netns.topology_preset) filter takes them, which prints the expansion.
      - Passing the preset instead of its expansion keeps a thousand-namespace lab out of the task's
        arguments, which Ansible would otherwise template, validate and transfer.
    type: dict
  namespaces:
    description:
      - Namespaces, each a mapping with C(name) (required), C(forwarding) (bool; sets IPv4 and IPv6
        forwarding inside the namespace; omitted leaves it alone), C(sysctls) (mapping of network
        sysctls), C(routes) (list of mappings with C(to), C(via), C(interface), C(metric), as in
        M(linuxnet.netns.netns_route), and C(table) and C(nexthops)), C(loopback) (addresses on its
        C(lo)), C(rules) (policy routing rules), C(dns) (a mapping with C(nameservers) and
        C(search), written to C(/etc/netns/NS/resolv.conf), which C(ip netns exec) and the
        namespace's services see as C(/etc/resolv.conf); removed with the topology), C(host) (an inventory hostname; omitted, the
        namespace is on every host the task runs on; names need to be unique per host only - one name
        pinned to several hosts is one namespace on each, and a bridge, endpoint or forward that
        refers to such a name gives its C(host)), C(uplink), C(interfaces) and C(services).
      - C(services) runs long-lived programs inside the namespace, each a mapping with C(name)
        (required; letters, digits, C(_), C(.), C(-)), C(command) (required; the argument list,
        program first, found on the host's C(PATH) when not a full path; a shell line is
        V([sh, -c, '...'])), C(environment) (a mapping; the program gets it over a plain C(PATH)
        and C(LANG), nothing of Ansible's), C(restart) (C(on-failure), the default, C(always) or
        C(no)) and C(ready) (a mapping with C(tcp_port) and C(timeout), default 30 seconds - the
        service is ready once a TCP connection to that port succeeds on an address of the
        namespace it listens on; without it, a service still running 0.2 seconds after its start is
        ready). A service starts after the namespace's links, addresses, routes and C(/etc/netns)
        files, and sees those files as C(/etc/resolv.conf) and C(/etc/hosts). Where systemd is
        the init system, each service is a runtime unit (C(linuxnet-netns-TOPOLOGY-NS-NAME.service)
        under C(/run/systemd/system), with C(NetworkNamespacePath=)); elsewhere (containers) a
        supervisor process of the collection runs it, with its status and output under
        C(/run/linuxnet-netns/services). A persistent topology's services come back at boot with it.
      - A re-run with the same description keeps a running service as it is; a changed
        C(command), C(environment) or C(restart) restarts it, and so does a service found not
        running. A service no longer described is stopped, and O(state=absent) stops the services
        before their namespaces go, so that O(when_busy) never counts them. A program that forks
        into the background leaves the service's reach - run daemons in the foreground
        (C(bird -f), C(zebra) without C(-d)).
      - A route's C(table) is a number (1 to 4294967295, not the kernel's 253 and 255) or C(main),
        the default. C(nexthops) makes one multipath route (ECMP) over several paths, each a
        mapping with C(via), C(interface) and C(weight) (1 to 256, default 1), instead of the
        route's own C(via) and C(interface). A route whose gateway, nexthops, metric or table
        changes is replaced, leaving no copy. The collection's routes carry a protocol number of
        their own (77), so that O(prune) removes the ones the topology no longer names while the
        kernel's, a routing daemon's (bird 12, zebra 11, bgp 186, ospf 188) and an operator's
        (static, 4) are never touched.
      - C(rules) is a list of mappings with C(from) and C(to) (an address or network, or C(all);
        one at least), C(table) (required) and C(priority) (omitted, the kernel chooses). A rule at a
        priority that an earlier run gave another selector or table is replaced; with O(prune),
        rules the topology made and no longer names are removed.
      - C(interfaces) puts host interfaces in the namespace, each a mapping with C(name) (required),
        C(kind) (C(macvlan), the default, C(ipvlan) or C(vlan) - a child of the host interface
        C(parent), made straight into the namespace, in C(mode) C(bridge), C(private), C(vepa) or
        C(passthru) for a macvlan, C(l2), C(l3) or C(l3s) for an ipvlan, C(802.1Q) or C(802.1ad)
        for a VLAN sub-interface with its C(id); or C(moved) - the host interface
        C(name) itself, moved in, and back to the host with its addresses when the topology is
        removed), C(addresses), and for a child C(mac) and C(mtu). Whether the kernel has the
        link kind is asked of it, before any change.
      - C(uplink) (V(true), or a mapping) joins the namespace to the network beyond its host - a
        veth from the host (named C(up-NAMESPACE), shortened with a hash when long, or the
        uplink's C(interface)) to C(uplink) in
        the namespace, a point-to-point subnet, the namespace's default route through the host,
        forwarding turned on for the two host interfaces the traffic crosses, and masquerade out of
        the host's egress interface - of the uplink's subnet and of the networks of the namespaces
        whose default route leads through this one, which the host routes back through the uplink. Keys - C(nat) (default V(true); V(false) routes without
        masquerade), C(egress) (the host interface the traffic leaves by; default the interface of
        the host's default route), C(addresses) (two entries - the host end's address or list of
        addresses, then the namespace end's; default a /30 of O(uplink_range), IPv4 only),
        C(interface) (the name of the uplink's host end), C(bridge) (an existing bridge of the host -
        a LAN bridge, libvirt's C(virbr0) - that the host end joins as a port, so that the
        namespace is a machine on that bridge's network, with C(addresses) its own address(es)
        there and C(gateway) the address its default route goes through, such as the bridge's;
        no NAT, forwarding or inbound filter then, since that network routes it on),
        C(router) (a namespace that routes for
        this one instead of the host; the uplink's host end,
        forwarding and rules are then in that namespace), C(probe) (an address beyond the host
        that O(verify) pings from the namespace) and C(inbound) (default V(false) - traffic routed
        into the namespace through its uplink, from the host's LAN for instance, is dropped but for
        replies, the ports of O(forwards) and what comes from the topology's own interfaces in the router;
        V(true) lets everything routed to it in).
      - An IPv6 uplink (IPv6 addresses in C(addresses)) is masqueraded too, since a routed prefix
        needs the upstream router to route it to this host; it turns on
        C(net.ipv6.conf.all.forwarding), which stops the host taking router advertisements on
        interfaces with C(accept_ra=1).
      - Whatever forwarding was before is recorded under C(/run/linuxnet-netns) and put back when
        the topology is removed. The rules are in the nftables table C(inet linuxnet-NAME), which
        the topology owns and replaces whole; no other table is touched.
      - A namespace named by an endpoint or a bridge but not listed here is created all the same.
    type: list
    elements: dict
    default: []
  bridges:
    description:
      - Bridges, each a mapping with C(name) (required), C(netns) (omitted, the host namespace),
        C(addresses) (CIDR list), C(stp) (bool), C(mtu), C(host) (a bridge in a pinned namespace
        is on that namespace's host) and C(vlan_filtering) (bool; a VLAN-aware 802.1Q bridge, refused
        before any change by a kernel without 802.1Q support).
    type: list
    elements: dict
    default: []
  links:
    description:
      - veth pairs, each a mapping with C(endpoints) (exactly two), C(mtu) and C(vni).
      - Each endpoint is a mapping with C(name) (required), C(netns) (omitted, the host namespace),
        C(addresses) (CIDR list), C(bridge) (a bridge declared in the same namespace that this end
        becomes a port of), C(host) (for an endpoint in the host namespace only; an endpoint in a
        namespace is on that namespace's host), and for a port of a VLAN-aware bridge C(vlans) (the
        VLAN ids it carries tagged) and C(pvid) (the one it carries untagged).
      - A link whose ends are on different hosts is a cross-host link, a VXLAN tunnel between the
        hosts' underlay addresses (see O(fleet)) on UDP port 4789, with an end of the endpoint's name
        in the endpoint's namespace on each host. C(vni) is its VXLAN network identifier; omitted,
        every host derives the same one from the topology's name and the link's ends, and no two
        links share one. Its MTU is C(mtu), or the smaller underlay MTU of the two hosts less 50
        (IPv4 underlay) or 70 (IPv6). The other links on a bridge with a tunnel port take the
        tunnel's MTU; asking for a larger one is an error.
      - Settings of the link's ends, on the link for both ends or on an endpoint for that end only
        (an endpoint's C(shape) and C(offloads) keys are merged over the link's), as
        M(linuxnet.netns.veth) takes them - C(shape) (egress shaping - C(delay), C(jitter), C(loss),
        C(duplicate), C(reorder), C(corrupt), C(rate), C(burst), C(limit) in tc's units), C(offloads)
        (C(tso), C(gso), C(gro), C(tx_checksum), C(rx_udp_gro_forwarding)), C(txqueuelen), C(queues)
        (fixed when the pair is made), C(gso_max_size), C(gro_max_size), and on an endpoint only C(mac).
        On a cross-host link they apply to the tunnel end on each host (C(queues) excepted).
    type: list
    elements: dict
    default: []
  forwards:
    description:
      - Port forwards from the host to namespaces with an uplink, each a mapping with C(protocol)
        (C(tcp) or C(udp); default C(tcp)), C(port) (required), C(namespace) (required; with C(host)
        where that name is pinned to several hosts), C(to_port)
        (default C(port)), C(address) (the host address to take connections on; C(any) for every
        address of the host; default C(127.0.0.1)) and C(probe_from) (C(host), or a namespace of the topology, from which
        O(verify) opens a TCP connection to the forward - to C(address), or the host's egress
        address; the service in the namespace must be listening).
      - Reachable from outside the host and from the host itself, over IPv4 and, when the
        namespace's uplink has IPv6, IPv6. With C(address=any), on every address of the host, and so
        from every network it is on - only when asked. The default, C(127.0.0.1), is reached from
        the host itself only (C(route_localnet) on the uplink's host end, and the connection leaves
        it from that end's address); C(::1) cannot be forwarded.
      - A forward of a port that a service of the router (the host, or the uplink's C(router))
        listens on is refused before any change, since it would take that service's connections -
        port 22 would cut off SSH, and Ansible with it; O(allow_host_network=true) does it anyway.
    type: list
    elements: dict
    default: []
  uplink_range:
    description:
      - The IPv4 network uplinks without C(addresses) take their /30 subnets from, each picked by a
        hash of the topology's and the namespace's names (the next free one when two pick the same).
      - Omitted, C(100.64.0.0/10), the shared address space of RFC 6598 - meant for carrier NAT, so
        rarely routed inside a site. Hosts that use it already (Tailscale does) should give another.
    type: str
  rollback:
    description:
      - V(true) makes a failed apply (a kernel refusal, an nftables error, a failed verification)
        undo what this run changed, last change first - created namespaces, links, routes and
        addresses removed, changed addresses, routes and sysctls put back, the owned nftables table
        back to what it held, moved interfaces back in the host. What existed before is never
        removed; removals and recreations are not undone, and are listed as such.
      - Each change's undo is journaled under C(/run/linuxnet-netns) before the change is made, so a
        run killed midway is rolled back by the next run of the same topology before it plans
        (RV(finished_rollback)).
      - V(false) rolls forward - what was applied stays, and a re-run converges.
    type: bool
    default: false
  link_defaults:
    description:
      - Settings every link starts from, under the links' and endpoints' own - C(mtu), C(shape),
        C(offloads), C(txqueuelen), C(queues), C(gso_max_size), C(gro_max_size).
      - C(mtu) from here (or from O(profile)) applies to links within one host only; a tunnel keeps
        the MTU its underlay allows, and the links on its bridge keep the tunnel's.
    type: dict
  profile:
    description:
      - Named link settings under O(link_defaults). V(lab) is the kernel's defaults, as without a
        profile. V(throughput) is what the collection's data-plane benchmark measured fastest on a
        veth path - MTU 65535 and the segmentation, checksum and GRO offloads on.
    type: str
    choices: [lab, throughput]
  name:
    description:
      - Name of the topology. What the topology creates is marked with the interface alias
        C(linuxnet.netns:NAME) (on C(lo) for a namespace, on the bridge, on the second end of a
        veth pair), so that O(state=absent) and O(prune) remove only what this topology made.
      - Objects that existed before, even under a described name, are used but never marked,
        and so never removed; they are listed in RV(kept). A namespace or bridge that another
        topology made is shared instead - it carries both markers, and goes when the last of its
        topologies goes; until then O(state=absent) removes only this topology's marker and what
        it alone made inside.
      - The name also names files (the saved description, the records under C(/run/linuxnet-netns))
        and the unit instance C(linuxnet-netns@NAME.service), so it is made of 1 to 64 letters,
        digits, C(_), C(.) or C(-), starting with a letter or digit; any other name is refused
        before anything changes, persistent or not.
    type: str
    default: default
  host:
    description:
      - The inventory hostname of the host this task runs on, when one description covers several
        hosts; the role passes C(inventory_hostname). Every host validates the whole description
        and builds only its part; objects pinned to other hosts are left to those hosts.
      - Required when the description pins objects to hosts.
    type: str
  fleet:
    description:
      - The underlay of each host of the play, by inventory hostname, as a mapping with C(address)
        (IPv4 or IPv6, where the tunnels of cross-host links start and end) and C(mtu) (default 1500).
      - Needed for the hosts that cross-host links join. The role builds it from the host variables
        C(topology_underlay_address) and C(topology_underlay_mtu), or the hosts' facts.
    type: dict
  prune:
    description:
      - With O(state=present), also remove what carries this topology's marker but is no longer
        described - namespaces, veth pairs, bridges, tunnel ends, macvlan and ipvlan children, host
        interfaces it moved in (moved back with their addresses), and the nftables table and
        recorded forwarding of a router that routes none of its uplinks now. Objects of other
        topologies and the user's own objects, whatever their names, are left alone. Looks into
        every namespace on the host.
    type: bool
    default: false
  state:
    description:
      - V(present) builds what is described and corrects what differs.
      - V(absent) removes what is described and was made by this topology (see O(name)), and nothing
        else. Namespaces go with everything inside them; links and bridges in the host namespace are
        removed one by one.
    type: str
    choices: [present, absent]
    default: present
  when_busy:
    description:
      - What O(state=absent) does with a namespace that processes still run in, as
        M(linuxnet.netns.netns) O(linuxnet.netns.netns#module:when_busy) does. V(fail) changes nothing
        and names the processes; V(detach) removes the name only; V(kill) ends them first.
    type: str
    choices: [fail, detach, kill]
    default: fail
  persistent:
    description:
      - With O(state=present), save the validated, expanded description to
        C(/etc/linuxnet-netns/topologies/NAME.json) (readable by root only, written atomically), so
        that the standalone command C(linuxnet-netns apply NAME) builds it again without Ansible,
        as the unit C(linuxnet-netns@NAME.service) does at boot.
      - V(false), or O(state=absent), removes the saved description if there is one.
      - The role C(linuxnet.netns.topology) installs the command and the unit
        (C(topology_persistent)); with this module alone, only the description is saved.
    type: bool
    default: false
  verify:
    description:
      - After applying, ping across every link and bridge segment and along the routed paths the
        description implies, from Python inside the namespaces (no C(ping) binary needed), and fail
        if any probe gets no answer. Not done in check mode.
      - Uplinks with a C(probe) address are pinged out of, and forwards with C(probe_from) are
        connected to; these probes are in RV(verification.outcomes), not in the matrix.
    type: bool
    default: false
  hosts:
    description:
      - Write C(/etc/netns/NS/hosts) in every namespace of the topology, with every namespace's
        name and addresses (its C(loopback) addresses first, then its ends' and bridges'), so that
        C(ip netns exec h1 ping h2) and the namespaces' services resolve the names. The file is
        removed with the topology, or when this is set back to V(false).
    type: bool
    default: false
  verify_at_boot:
    description:
      - Whether the standalone command verifies the topology after applying its saved description
        (at boot, by the unit), saved with the description when O(persistent=true).
      - Default is O(verify). The role sets it to C(topology_verify) on every call, so that a fleet's
        per-host call (which verifies nothing yet) and its fleet-wide verification save the same description.
      - At boot, probes that cross to other hosts are retried while the network and the other
        hosts come up, for up to 60 seconds.
    type: bool
extends_documentation_fragment:
  - linuxnet.netns.common
  - linuxnet.netns.common.guard
author:
  - linuxnet.netns developers (@linuxnet)
"""

EXAMPLES = r"""
- name: Two namespaces on a bridge in a hub, with a routed default
  linuxnet.netns.netns_topology:
    namespaces:
      - name: red
        routes:
          - {to: default, via: 198.18.1.1}
      - name: hub
        forwarding: true
    bridges:
      - {name: br-lab, netns: hub, addresses: [198.18.1.1/24]}
    links:
      - endpoints:
          - {netns: red, name: eth0, addresses: [198.18.1.2/24, "2001:db8:1::2/64"]}
          - {netns: hub, name: red-br, bridge: br-lab}
      - endpoints:
          - {netns: blue, name: eth0, addresses: [198.18.1.3/24]}
          - {netns: hub, name: blue-br, bridge: br-lab}
    verify: true
  register: lab

- name: Show the reachability matrix
  ansible.builtin.debug:
    var: lab.verification.matrix

- name: A WAN emulation - 100 Mbit/s both ways, and jumbo frames on every other link
  linuxnet.netns.netns_topology:
    name: wan
    link_defaults: {mtu: 9000}
    links:
      - endpoints:
          - {netns: branch, name: wan0, addresses: [198.18.2.1/30]}
          - {netns: office, name: wan0, addresses: [198.18.2.2/30]}
        mtu: 1500
        shape: {rate: 100mbit}

- name: A web server in a namespace, reaching the internet and reached on the host's port 8080
  linuxnet.netns.netns_topology:
    name: web
    namespaces:
      - name: web
        uplink: {nat: true}
    forwards:
      - {protocol: tcp, port: 8080, namespace: web, to_port: 80, address: any}

- name: Remove the lab
  linuxnet.netns.netns_topology:
    namespaces: [{name: red}, {name: blue}, {name: hub}]
    state: absent
"""

RETURN = r"""
changes:
  description: The changes made, or in check mode the changes that would be made, in the order applied.
  returned: success
  type: list
  elements: dict
  contains:
    kind:
      description: Kind of object (netns, bridge, veth, vxlan, address, route, sysctls, nftables, saved).
      type: str
      sample: veth
    target:
      description: The object changed.
      type: str
      sample: veth eth0 in namespace 'red'
    action:
      description: What was done to it.
      type: str
      choices: [create, update, delete, recreate]
      sample: create
counts:
  description: Number of changes per action.
  returned: success
  type: dict
  sample: {"create": 12, "update": 0, "delete": 0, "recreate": 0}
created:
  description: Targets created (or recreated).
  returned: success
  type: list
  elements: str
  sample: ["netns red", "veth eth0 in namespace 'red'"]
updated:
  description: Targets changed in place.
  returned: success
  type: list
  elements: str
  sample: ["addresses of eth0 in namespace 'red'"]
removed:
  description: Targets removed.
  returned: success
  type: list
  elements: str
  sample: ["netns red"]
services:
  description:
    - The described services of this host as the run left them (in check mode, as it would leave them).
  returned: always
  type: list
  elements: dict
  sample: [{"netns": "leaf1", "name": "bird", "state": "running", "pid": 4242, "manager": "supervisor"}]
  contains:
    netns:
      description: The namespace the service runs in.
      type: str
    name:
      description: The service's name.
      type: str
    state:
      description: V(running), V(starting), V(restarting), V(stopped), V(exited) or V(failed).
      type: str
    pid:
      description: The pid of the service's program (none when it does not run).
      type: int
    manager:
      description: V(systemd) (a runtime unit) or V(supervisor) (the collection's supervisor process).
      type: str
saved:
  description: Where the description was saved and the collection version that saved it, when O(persistent=true).
  returned: success
  type: dict
  sample: {"path": "/etc/linuxnet-netns/topologies/lab.json", "version": "0.1.0", "needs_network": false}
  contains:
    path:
      description: The saved description.
      type: str
    version:
      description: Version of the collection that saved it; the role installs the command of this version.
      type: str
    needs_network:
      description:
        - Whether this host's part needs the host's network at boot - it has tunnels to other hosts
          or uplinks, which leave by the host's default route - so that it must come up after the
          network (C(network-online.target)) rather than before it (C(network-pre.target)).
      type: bool
kept:
  description: Described objects that O(state=absent) or O(prune) left because this topology did not make them.
  returned: success
  type: list
  elements: dict
  sample: [{"target": "netns red", "reason": "not marked as made by linuxnet.netns:default"}]
rolled_back:
  description: On a failed run with O(rollback=true), the changes undone, last first.
  returned: failure with rollback
  type: list
  elements: str
not_undone:
  description: On a failed run with O(rollback=true), the changes that have no undo (removals, recreations, link settings).
  returned: failure with rollback
  type: list
  elements: str
rollback_errors:
  description: On a failed run with O(rollback=true), the undo steps that failed, and why.
  returned: failure with rollback
  type: list
  elements: str
finished_rollback:
  description:
    - The rollback of an earlier run that was killed midway, finished before this run planned, as
      C(rolled_back), C(not_undone) and C(rollback_errors).
  returned: when an earlier run left a rollback journal
  type: dict
verification:
  description: Results of the probes, when O(verify=true) and not in check mode.
  returned: when verify is true and not in check mode
  type: dict
  contains:
    probes:
      description: Number of probes sent.
      type: int
      sample: 12
    failed:
      description: Number of probes that got no answer.
      type: int
      sample: 0
    matrix:
      description: Lines of a reachability matrix (rows ping columns; C(ok), C(FAIL), or C(-) for
        not probed); empty for more than 16 namespaces.
      type: list
      elements: str
      sample: ["      |   blue    red", "  blue |      -     ok", "   red |     ok      -"]
    outcomes:
      description:
        - Every probe as a mapping with C(from), C(to), C(ok) and C(rtt_ms) (the round trip in
          milliseconds, which shows a shaped link's delay); namespaces pinned to a host are named
          C(host/namespace). The C(linuxnet.netns.topology_matrix) filter draws one matrix from the
          outcomes of every host of a fleet.
        - Probes of kind C(tunnel-mtu) are sent at a tunnel's full MTU with don't-fragment set.
      type: list
      elements: dict
      sample: [{"from": "h1/red", "to": "h2/blue", "ok": true, "rtt_ms": 0.061}]
    unreachable:
      description: The probes that got no answer.
      type: list
      elements: dict
      sample: [{"from": "red", "to": "blue", "address": "198.18.1.3", "kind": "segment"}]
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.services import services_report
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.topology import plan_topology
from ansible_collections.linuxnet.netns.plugins.module_utils._runner import execute
from ansible_collections.linuxnet.netns.plugins.module_utils._description.topology import Topology
from ansible_collections.linuxnet.netns.plugins.module_utils._verify.verify import verify_when_asked
from ansible_collections.linuxnet.netns.plugins.module_utils._description.vocabulary import GUARD_OPTIONS, STATE_OPTION, WHEN_BUSY_OPTION


def after_apply(view, topology):
    """The services as the run left them, then the verification when asked."""
    return {"services": services_report(view, topology), **verify_when_asked(view, topology)}


def main():
    module = AnsibleModule(
        argument_spec={
            "preset": {"type": "dict"},
            "namespaces": {"type": "list", "elements": "dict", "default": []},
            "bridges": {"type": "list", "elements": "dict", "default": []},
            "links": {"type": "list", "elements": "dict", "default": []},
            "link_defaults": {"type": "dict"},
            "profile": {"type": "str", "choices": ["lab", "throughput"]},
            "state": STATE_OPTION,
            "verify": {"type": "bool", "default": False},
            "verify_at_boot": {"type": "bool"},
            "hosts": {"type": "bool", "default": False},
            "when_busy": WHEN_BUSY_OPTION,
            "name": {"type": "str", "default": "default"},
            "prune": {"type": "bool", "default": False},
            "persistent": {"type": "bool", "default": False},
            "host": {"type": "str"},
            "fleet": {"type": "dict"},
            "forwards": {"type": "list", "elements": "dict", "default": []},
            "uplink_range": {"type": "str"},
            **GUARD_OPTIONS,
            "rollback": {"type": "bool", "default": False},
        },
        supports_check_mode=True,
    )
    execute(module, Topology.from_params, plan_topology, after_apply=after_apply, short_invocation=True)


if __name__ == "__main__":
    main()
