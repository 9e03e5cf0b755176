# -*- coding: utf-8 -*-
# Copyright: linuxnet.netns contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Verification of a built topology: the probes its description implies (reachability), sent from
inside its namespaces (probe), summed up as a matrix. Private to linuxnet.netns.
"""

from ansible_collections.linuxnet.netns.plugins.module_utils._errors import NetnsError
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.lookups import uplink_egress
from ansible_collections.linuxnet.netns.plugins.module_utils._description.forwards import ROUTER
from ansible_collections.linuxnet.netns.plugins.module_utils._verify.probe import connect_all, ping_all
from ansible_collections.linuxnet.netns.plugins.module_utils._verify.reachability import (
    Probe,
    answered_at_all,
    matrix,
    outcomes,
    probes_for,
    tunnel_probes,
)
from ansible_collections.linuxnet.netns.plugins.module_utils._description.vocabulary import PRESENT, node


class VerificationFailed(NetnsError):
    """Some probes got no answer; `result` carries the verification for the failed task."""

    def __init__(self, verification):
        failures = ", ".join(_failure(u) for u in verification["unreachable"][:10])
        super().__init__(f"{verification['failed']} of {verification['probes']} probes got no answer: {failures}")
        self.result = {"verification": verification}


def _failure(unreachable):
    if unreachable.get("kind") == "forward":
        return (f"{unreachable['from']} -> {unreachable['to']} (a TCP probe of the port forward to "
                f"{unreachable['address']} port {unreachable['port']}: no connection)")
    return f"{unreachable['from']} -> {unreachable['to']} ({unreachable['address']})"


def verify(view, topology):
    """{'verification': ...} when every probe sent from this host is answered; VerificationFailed otherwise.

    In a fleet each host sends the probes that start in its namespaces, and one at full size
    with don't-fragment set through each tunnel end it has.
    """
    placement = topology.placement
    sized = [(probe, None) for probe in probes_for(topology) if _sends_from_here(placement, probe.source)]
    sized += tunnel_probes(topology)
    sized += [(probe, None) for probe in egress_probes(topology)]
    answered = ping_all(view, [(probe.source, probe.address, size) for probe, size in sized],
                        timeout=_probe_timeout(topology))
    probes = [probe for probe, _size in sized]
    forwards = forward_probes(view, topology)
    answered += connect_all(view, [(probe.source, probe.address, port) for probe, port in forwards])
    probes += [probe for probe, _port in forwards]
    verification = summarise(probes, answered, placement.label)
    unanswered_ports = iter([port for (_probe, port), rtt in zip(forwards, answered[len(answered) - len(forwards):])
                             if not answered_at_all(rtt)])
    for unreachable in verification["unreachable"]:  # in the probes' order, the forwards last
        if unreachable.get("kind") == "forward":
            unreachable["port"] = next(unanswered_ports, None)
    if verification["unreachable"]:
        raise VerificationFailed(verification)
    return {"verification": verification}


def egress_probes(topology):
    """A ping from each uplink's namespace to its outside probe address."""
    return [Probe(uplink.netns, str(uplink.probe), uplink.probe, "egress")
            for uplink in topology.local.uplinks() if uplink.probe is not None]


def forward_probes(view, topology):
    """(probe, port): a TCP connection to each forward with probe_from, from that namespace or the
    uplink's router, to the address the forward listens on (default: the router's egress address)."""
    probes = []
    local = {uplink.netns for uplink in topology.local.uplinks()}
    for forward in topology.forwards:
        if forward.probe_from is None or forward.netns not in local:
            continue
        uplink = topology.uplinks[forward.netns]
        address = forward.address or _egress_address(view, uplink)
        source = uplink.router if forward.probe_from == ROUTER else forward.probe_from
        probes.append((Probe(source, forward.netns, address, "forward"), forward.port))
    return probes


def _egress_address(view, uplink):
    addresses = [address.ip for address in view.ip.addresses_of(uplink.router, uplink_egress(view, uplink))
                 if not address.ip.is_link_local]
    if not addresses:
        raise NetnsError(f"{uplink.target}: its egress interface has no address to probe the forwards on")
    return sorted(addresses, key=lambda ip: ip.version)[0]


def _probe_timeout(topology):
    """A second, plus twice every configured shaping delay: a probe may cross them all both ways."""
    delays = sum(end.shape.delay + end.shape.jitter for end in topology.local.end_settings() if end.shape is not None)
    return min(1.0 + 2 * delays / 1e6, 30.0)


def _sends_from_here(placement, netns):
    """In a fleet, probes start in this host's namespaces (a host's own namespace is not compared)."""
    if netns is None:
        return not placement.pinned
    return placement.here(placement.namespace_host[netns])


OUTSIDE_KINDS = ("egress", "forward")  # probes beyond the topology: in the outcomes, not in the matrix


def summarise(probes, answered, label=node):
    unreachable = [
        {"from": label(probe.source), "to": label(probe.target), "address": str(probe.address), "kind": probe.kind}
        for probe, rtt in zip(probes, answered) if not answered_at_all(rtt)
    ]
    inside = [(probe, rtt) for probe, rtt in zip(probes, answered) if probe.kind not in OUTSIDE_KINDS]
    return {"probes": len(probes), "failed": len(unreachable),
            "matrix": matrix([probe for probe, _rtt in inside], [rtt for _probe, rtt in inside], label),
            "unreachable": unreachable, "outcomes": outcomes(probes, answered, label)}


def verify_when_asked(view, topology):
    """The after-apply step of netns_topology: verify when the task asks for it and builds."""
    return verify(view, topology) if topology.verify and topology.state == PRESENT else {}
