import pytest

from ansible_collections.linuxnet.netns.plugins.module_utils._errors import ValidationError
from ansible_collections.linuxnet.netns.plugins.module_utils._report.graph import render

DESCRIPTION = {
    "namespaces": [{"name": "red"}],
    "bridges": [{"name": "br0", "netns": "hub", "addresses": ["198.18.0.1/24"]}],
    "links": [
        {"endpoints": [{"netns": "red", "name": "eth0", "addresses": ["198.18.0.2/24"]},
                       {"netns": "hub", "name": "p1", "bridge": "br0"}]},
        {"endpoints": [{"name": "up0"}, {"netns": "red-2.x", "name": "eth1"}]},
    ],
}


def test_mermaid_draws_namespaces_as_boxes_bridges_rounded_and_pairs_as_labelled_edges():
    text = render(DESCRIPTION)
    assert text.startswith("graph LR\n")
    assert '  ns_red["red"]' in text
    assert '  br_hub_br0(["br0 @ hub"])' in text
    assert '  ns_red ---|"eth0 198.18.0.2/24 — p1"| br_hub_br0' in text
    assert '  ns_hub ---|"br0 198.18.0.1/24"| br_hub_br0' in text


def test_the_host_is_a_node_and_odd_characters_make_safe_identifiers():
    text = render(DESCRIPTION)
    assert '  ns_host["host"]' in text
    assert "ns_red_2d_2_2e_x" in text


def test_dot_is_an_undirected_graph():
    text = render(DESCRIPTION, "dot")
    assert text.startswith("graph topology {") and text.rstrip().endswith("}")
    assert 'ns_red -- br_hub_br0 [label="eth0 198.18.0.2/24 — p1"];' in text
    assert "shape=ellipse, style=rounded" in text


def test_an_unknown_format_and_a_bad_description_are_refused():
    with pytest.raises(ValidationError, match="graph format 'svg' is not one of mermaid, dot"):
        render(DESCRIPTION, "svg")
    with pytest.raises(ValidationError, match="bridge 'br9' is not declared"):
        render({"links": [{"endpoints": [{"name": "a"}, {"name": "b", "bridge": "br9"}]}]})


SPREAD = {
    "namespaces": [{"name": "red", "host": "h1"}, {"name": "blue", "host": "h2"}, {"name": "both"}],
    "links": [{"endpoints": [{"netns": "red", "name": "eth0", "addresses": ["198.18.60.1/24"]},
                             {"netns": "blue", "name": "eth0", "addresses": ["198.18.60.2/24"]}]}],
}


def test_pinned_namespaces_are_drawn_inside_their_hosts_and_tunnels_are_marked():
    text = render(SPREAD)
    assert '  subgraph host_h1["h1"]\n    ns_red["red"]\n  end' in text
    assert '  subgraph host_h2["h2"]\n    ns_blue["blue"]\n  end' in text
    assert '  ns_both["both"]' in text  # on every host: outside the clusters
    assert "eth0 198.18.60.1/24 — eth0 198.18.60.2/24 (VXLAN)" in text
    dot = render(SPREAD, "dot")
    assert '  subgraph cluster_h1 {\n    label="h1";\n    ns_red [label="red", shape=box];\n  }' in dot
