"""The topology schema is written in three places that users read: the key sets the module checks
(_topology), the role's meta/argument_specs.yml, and the module's documentation and argument
spec. These tests fail as soon as one of them disagrees with the others."""
import pathlib
import re

import pytest
import yaml

from ansible_collections.linuxnet.netns.plugins.module_utils._description import topology as schema
from ansible_collections.linuxnet.netns.plugins.module_utils._description.presets import KINDS, PRESET_KEYS
from ansible_collections.linuxnet.netns.plugins.module_utils._description.vocabulary import BUSY_POLICIES, STATES
from ansible_collections.linuxnet.netns.plugins.doc_fragments.common import ModuleDocFragment
from ansible_collections.linuxnet.netns.plugins.modules import netns_topology

ROOT = pathlib.Path(__file__).resolve().parents[5]
ROLE = yaml.safe_load((ROOT / "roles/topology/meta/argument_specs.yml").read_text())["argument_specs"]["main"]["options"]


def documented_options(module):
    """The module's options with those of the fragments it extends (linuxnet.netns.common.NAME)."""
    doc = yaml.safe_load(module.DOCUMENTATION)
    options = {}
    for fragment in doc.get("extends_documentation_fragment", []):
        part = fragment.rsplit(".", 1)[1] if fragment.count(".") == 3 else "DOCUMENTATION"
        options.update(yaml.safe_load(getattr(ModuleDocFragment, part.upper())).get("options", {}))
    return {**options, **doc["options"]}


DOC = documented_options(netns_topology)
ROLE_ONLY = {"topology_graph_file", "topology_graph_format", "topology_show_description", "topology_command_python",
             "topology_underlay_address", "topology_underlay_mtu", "topology_install_requirements",
             "topology_install_with_pip", "topology_pip_extra_args"}
MODULE_ONLY = {"host", "fleet", "verify_at_boot"}  # the role fills them in (inventory, topology_verify)


def module_argument_spec(monkeypatch):
    captured = {}

    class Capture(Exception):
        pass

    def fake_module(argument_spec, **_kwargs):
        captured.update(argument_spec)
        raise Capture

    monkeypatch.setattr(netns_topology, "AnsibleModule", fake_module)
    with pytest.raises(Capture):
        netns_topology.main()
    return captured


ENTRIES = [
    ("namespaces", schema.NAMESPACE_KEYS, ROLE["topology_namespaces"]),
    ("routes", schema.ROUTE_KEYS, ROLE["topology_namespaces"]["options"]["routes"]),
    ("bridges", schema.BRIDGE_KEYS, ROLE["topology_bridges"]),
    ("links", schema.LINK_KEYS, ROLE["topology_links"]),
    ("endpoints", schema.ENDPOINT_KEYS, ROLE["topology_links"]["options"]["endpoints"]),
]


@pytest.mark.parametrize("what, keys, role_spec", ENTRIES, ids=[entry[0] for entry in ENTRIES])
def test_the_role_documents_exactly_the_keys_the_module_accepts(what, keys, role_spec):
    assert set(role_spec["options"]) == keys, f"{what}: meta/argument_specs.yml and _topology disagree"


@pytest.mark.parametrize("what, keys, option", [
    ("namespaces", schema.NAMESPACE_KEYS, "namespaces"),
    ("routes", schema.ROUTE_KEYS, "namespaces"),
    ("bridges", schema.BRIDGE_KEYS, "bridges"),
    ("links", schema.LINK_KEYS, "links"),
    ("endpoints", schema.ENDPOINT_KEYS, "links"),
])
def test_the_module_documentation_names_every_key(what, keys, option):
    prose = " ".join(DOC[option]["description"])
    named = set(re.findall(r"C\((\w+)\)", prose))
    assert keys <= named, f"{what}: the module's {option} description does not name {sorted(keys - named)}"


def test_the_preset_keys_and_kinds_agree():
    assert set(ROLE["topology_preset"]["options"]) == PRESET_KEYS
    assert tuple(ROLE["topology_preset"]["options"]["name"]["choices"]) == KINDS


def test_every_module_option_is_a_role_variable_and_back():
    assert {f"topology_{option}" for option in set(DOC) - MODULE_ONLY} == set(ROLE) - ROLE_ONLY


def test_the_argument_spec_matches_the_documentation(monkeypatch):
    spec = module_argument_spec(monkeypatch)
    assert set(spec) == set(DOC)
    for option, entry in spec.items():
        assert entry.get("choices") == DOC[option].get("choices"), option
        assert entry.get("default") == DOC[option].get("default"), option


def test_states_and_busy_policies_are_the_same_words_everywhere(monkeypatch):
    spec = module_argument_spec(monkeypatch)
    assert spec["state"]["choices"] == ROLE["topology_state"]["choices"] == list(STATES)
    assert spec["when_busy"]["choices"] == ROLE["topology_when_busy"]["choices"] == list(BUSY_POLICIES)
