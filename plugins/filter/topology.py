# -*- coding: utf-8 -*-
# Copyright: linuxnet.netns contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from ansible.errors import AnsibleFilterError

from ansible_collections.linuxnet.netns.plugins.module_utils._errors import NetnsError
from ansible_collections.linuxnet.netns.plugins.module_utils._report.graph import render
from ansible_collections.linuxnet.netns.plugins.module_utils._description.presets import expand, merge
from ansible_collections.linuxnet.netns.plugins.module_utils._verify.reachability import outcome_matrix


def topology_preset(preset):
    try:
        return expand(preset)
    except NetnsError as exc:
        raise AnsibleFilterError(str(exc)) from None


def topology_description(preset, namespaces=None, bridges=None, links=None):
    try:
        return merge(preset, namespaces, bridges, links)
    except NetnsError as exc:
        raise AnsibleFilterError(str(exc)) from None


def topology_matrix(outcomes):
    try:
        return outcome_matrix(list(outcomes))
    except (KeyError, TypeError) as exc:
        raise AnsibleFilterError(f"topology_matrix takes a list of {{from, to, ok}} mappings: {exc}") from None


def topology_graph(description, fmt="mermaid"):
    try:
        return render(description, fmt)
    except NetnsError as exc:
        raise AnsibleFilterError(str(exc)) from None


class FilterModule:
    def filters(self):
        return {
            "topology_preset": topology_preset,
            "topology_description": topology_description,
            "topology_graph": topology_graph,
            "topology_matrix": topology_matrix,
        }
