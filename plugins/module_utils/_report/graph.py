# -*- coding: utf-8 -*-
# Copyright: linuxnet.netns contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A topology description drawn as Mermaid or Graphviz DOT text. Pure Python. Private to linuxnet.netns.

Namespaces are boxes, bridges are rounded nodes, each veth pair (or tunnel between hosts) is an
edge labelled with its interface names and addresses. Objects pinned to a host of a fleet are
drawn inside a cluster named after the host.
"""

import re

from ansible_collections.linuxnet.netns.plugins.module_utils._errors import ValidationError
from ansible_collections.linuxnet.netns.plugins.module_utils._description.description import Description
from ansible_collections.linuxnet.netns.plugins.module_utils._description.topology import Topology
from ansible_collections.linuxnet.netns.plugins.module_utils._description.vocabulary import node

FORMATS = ("mermaid", "dot")


def render(description, fmt="mermaid"):
    if fmt not in FORMATS:
        raise ValidationError(f"graph format {fmt!r} is not one of {', '.join(FORMATS)}")
    topology = Topology(Description(namespaces=description.get("namespaces"), bridges=description.get("bridges"),
                                    links=description.get("links")))
    nodes, edges = _graph(topology)
    return _mermaid(nodes, edges) if fmt == "mermaid" else _dot(nodes, edges)


def _graph(topology):
    """nodes: {id: (label, shape, host or None)}; edges: [(id, id, label)]."""
    nodes = {}
    placement = topology.placement

    def namespace_node(netns, host=None):
        host = placement.namespace_host.get(netns) if netns is not None else host
        ident = "ns_" + _ident(node(netns) + (f"_{host}" if netns is None and host else ""))
        nodes.setdefault(ident, (node(netns), "box", host))
        return ident

    def bridge_node(netns, name, host=None):
        host = placement.bridge_host.get((netns, name)) or host
        ident = "br_" + _ident(f"{node(netns)}_{name}")
        nodes.setdefault(ident, (f"{name} @ {node(netns)}", "bridge", host))
        return ident

    for name in topology.namespaces:
        namespace_node(name)
    edges = []
    for bridge in topology.bridges:
        host = placement.bridge_host.get((bridge.netns, bridge.name))
        addresses = topology.bridge_addresses.get((bridge.netns, bridge.name), ())
        label = " ".join([bridge.name] + [str(address) for address in addresses])
        edges.append((namespace_node(bridge.netns, host), bridge_node(bridge.netns, bridge.name), label))
    for link in topology.links:
        ends = []
        for end in (link.a, link.b):
            host = placement.end_host(end)
            ends.append(bridge_node(end.netns, end.bridge, host) if end.bridge else namespace_node(end.netns, host))
        labels = [" ".join([end.name] + [str(address) for address in end.addresses]) for end in (link.a, link.b)]
        kind = " (VXLAN)" if placement.is_cross(link) else ""
        edges.append((ends[0], ends[1], " — ".join(labels) + kind))
    return nodes, edges


def _clusters(nodes):
    """[(host or None, [(id, label, shape)])]: unpinned nodes first, then one group per host."""
    groups = {}
    for ident, (label, shape, host) in nodes.items():
        groups.setdefault(host, []).append((ident, label, shape))
    return sorted(groups.items(), key=lambda item: (item[0] is not None, item[0] or ""))


def _ident(text):
    return re.sub(r"[^A-Za-z0-9_]", lambda match: f"_{ord(match.group()):x}_", text)


def _quote(text):
    return text.replace("\\", "\\\\").replace('"', '\\"')


def _mermaid(nodes, edges):
    lines = ["graph LR"]
    for host, members in _clusters(nodes):
        indent = "  " if host is None else "    "
        if host is not None:
            lines.append(f'  subgraph host_{_ident(host)}["{_quote(host)}"]')
        for ident, label, shape in members:
            text = _quote(label).replace('\\"', "#quot;")
            lines.append(f'{indent}{ident}["{text}"]' if shape == "box" else f'{indent}{ident}(["{text}"])')
        if host is not None:
            lines.append("  end")
    for a, b, label in edges:
        lines.append(f'  {a} ---|"{_quote(label)}"| {b}' if label else f"  {a} --- {b}")
    return "\n".join(lines) + "\n"


def _dot(nodes, edges):
    lines = ["graph topology {", "  rankdir=LR;", "  node [fontname=\"Helvetica\"];"]
    for host, members in _clusters(nodes):
        indent = "  " if host is None else "    "
        if host is not None:
            lines += [f"  subgraph cluster_{_ident(host)} {{", f'    label="{_quote(host)}";']
        for ident, label, shape in members:
            attributes = "shape=box" if shape == "box" else "shape=ellipse, style=rounded"
            lines.append(f'{indent}{ident} [label="{_quote(label)}", {attributes}];')
        if host is not None:
            lines.append("  }")
    for a, b, label in edges:
        lines.append(f'  {a} -- {b} [label="{_quote(label)}"];')
    lines.append("}")
    return "\n".join(lines) + "\n"
