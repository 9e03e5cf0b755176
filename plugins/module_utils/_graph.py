# -*- coding: utf-8 -*-
# Copyright: linuxnet.netns contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A topology description drawn as Mermaid or Graphviz DOT text. Pure Python. Private to linuxnet.netns.

Namespaces are boxes, bridges are rounded nodes, each veth pair is an edge labelled with its
interface names and addresses.
"""

import re

from ansible_collections.linuxnet.netns.plugins.module_utils._errors import ValidationError
from ansible_collections.linuxnet.netns.plugins.module_utils._topology import Topology
from ansible_collections.linuxnet.netns.plugins.module_utils._vocabulary import node

FORMATS = ("mermaid", "dot")


def render(description, fmt="mermaid"):
    if fmt not in FORMATS:
        raise ValidationError(f"graph format {fmt!r} is not one of {', '.join(FORMATS)}")
    topology = Topology(description.get("namespaces"), description.get("bridges"), description.get("links"))
    nodes, edges = _graph(topology)
    return _mermaid(nodes, edges) if fmt == "mermaid" else _dot(nodes, edges)


def _graph(topology):
    """nodes: {id: (label, shape)}; edges: [(id, id, label)]."""
    nodes = {}

    def namespace_node(netns):
        ident = "ns_" + _ident(node(netns))
        nodes.setdefault(ident, (node(netns), "box"))
        return ident

    def bridge_node(netns, name):
        ident = "br_" + _ident(f"{node(netns)}_{name}")
        nodes.setdefault(ident, (f"{name} @ {node(netns)}", "bridge"))
        return ident

    for name in topology.namespaces:
        namespace_node(name)
    edges = []
    for bridge in topology.bridges:
        addresses = topology.bridge_addresses.get((bridge.netns, bridge.name), ())
        label = " ".join([bridge.name] + [str(address) for address in addresses])
        edges.append((namespace_node(bridge.netns), bridge_node(bridge.netns, bridge.name), label))
    for link in topology.links:
        ends = []
        for end in (link.a, link.b):
            ends.append(bridge_node(end.netns, end.bridge) if end.bridge else namespace_node(end.netns))
        labels = [" ".join([end.name] + [str(address) for address in end.addresses]) for end in (link.a, link.b)]
        edges.append((ends[0], ends[1], " — ".join(labels)))
    return nodes, edges


def _ident(text):
    return re.sub(r"[^A-Za-z0-9_]", lambda match: f"_{ord(match.group()):x}_", text)


def _quote(text):
    return text.replace("\\", "\\\\").replace('"', '\\"')


def _mermaid(nodes, edges):
    lines = ["graph LR"]
    for node, (label, shape) in nodes.items():
        text = _quote(label).replace('\\"', "#quot;")
        lines.append(f'  {node}["{text}"]' if shape == "box" else f'  {node}(["{text}"])')
    for a, b, label in edges:
        lines.append(f'  {a} ---|"{_quote(label)}"| {b}' if label else f"  {a} --- {b}")
    return "\n".join(lines) + "\n"


def _dot(nodes, edges):
    lines = ["graph topology {", "  rankdir=LR;", "  node [fontname=\"Helvetica\"];"]
    for node, (label, shape) in nodes.items():
        attributes = "shape=box" if shape == "box" else "shape=ellipse, style=rounded"
        lines.append(f'  {node} [label="{_quote(label)}", {attributes}];')
    for a, b, label in edges:
        lines.append(f'  {a} -- {b} [label="{_quote(label)}"];')
    lines.append("}")
    return "\n".join(lines) + "\n"
