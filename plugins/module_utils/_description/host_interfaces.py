# -*- coding: utf-8 -*-
# Copyright: linuxnet.netns contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Host interfaces in namespaces as models: children of a host interface (macvlan, ipvlan), or
the interface itself moved in. Pure Python, validated; private to linuxnet.netns.
"""

from dataclasses import dataclass

from ansible_collections.linuxnet.netns.plugins.module_utils._description import validate
from ansible_collections.linuxnet.netns.plugins.module_utils._description.vocabulary import CHILD_MODES, PRESENT, where
from ansible_collections.linuxnet.netns.plugins.module_utils._errors import ValidationError

INTERFACE_KEYS = {"name", "kind", "parent", "mode", "addresses", "mac", "mtu", "id"}
DEFAULT_CHILD_MODES = {"macvlan": "bridge", "ipvlan": "l2", "vlan": "802.1Q"}
MOVED = "moved"
INTERFACE_KINDS = (*CHILD_MODES, MOVED)


@dataclass(frozen=True)
class Child:
    """A macvlan, ipvlan or VLAN (802.1Q, tagged with `vlan_id`) child of a host interface (its
    parent), placed in a namespace: the namespace on the parent's LAN, or one VLAN of it, without NAT."""
    name: str
    netns: str
    parent: str
    kind: str = "macvlan"
    mode: str = "bridge"
    mac: str = None
    mtu: int = None
    state: str = PRESENT
    owner: str = None
    force: bool = False  # recreate a child whose parent or mode differs; deprecated for the guard
    allow_host_network: bool = False  # past the guard of the host's own network (passthru takes the parent)
    vlan_id: int = None  # a VLAN sub-interface's id

    @classmethod
    def from_params(cls, params):
        kind = validate.choice("macvlan" if params.get("kind") is None else params["kind"], tuple(CHILD_MODES), "kind")
        mode = validate.choice(DEFAULT_CHILD_MODES[kind] if params.get("mode") is None else params["mode"],
                               tuple(CHILD_MODES[kind]), f"{kind} mode")
        if (kind == "vlan") != (params.get("id") is not None):
            raise ValidationError("id (1 to 4094) is for a VLAN sub-interface, and a VLAN sub-interface needs one")
        return cls(name=validate.interface_name(params.get("name")), netns=validate.netns_name(params.get("netns")),
                   parent=validate.interface_name(params.get("parent"), "parent interface name"), kind=kind, mode=mode,
                   mac=validate.mac_address(params["mac"]) if params.get("mac") is not None else None,
                   mtu=validate.mtu(params.get("mtu")), state=validate.state(params.get("state")),
                   owner=params.get("owner"), force=bool(params.get("force")),
                   allow_host_network=bool(params.get("allow_host_network")),
                   vlan_id=validate.optional_integer_in_range(params.get("id"), "VLAN id", 1, 4094))

    @property
    def mode_number(self):
        return CHILD_MODES[self.kind][self.mode]

    @property
    def target(self):
        return f"{self.kind} {self.name} in {where(self.netns)}"


@dataclass(frozen=True)
class MovedInterface:
    """A host interface moved into a namespace, and back to the host with its addresses on absent."""
    name: str
    netns: str
    state: str = PRESENT
    owner: str = None
    allow_host_network: bool = False  # past the guard of the host's own network (see _reconcile/guard.py)
    force: bool = False  # deprecated: allow_host_network

    @classmethod
    def from_params(cls, params):
        return cls(name=validate.interface_name(params.get("name")), netns=validate.netns_name(params.get("netns")),
                   state=validate.state(params.get("state")), owner=params.get("owner"),
                   allow_host_network=bool(params.get("allow_host_network")), force=bool(params.get("force")))

    @property
    def target(self):
        return f"host interface {self.name} in {where(self.netns)}"


def host_interface(params):
    """The model of one entry of a namespace's `interfaces`: a Child, or a MovedInterface."""
    unknown = sorted(set(params) - INTERFACE_KEYS - {"netns", "state", "owner", "force", "allow_host_network"})
    if unknown:
        raise ValidationError(f"unknown key(s) {', '.join(unknown)}; known keys are {', '.join(sorted(INTERFACE_KEYS))}")
    kind = validate.choice("macvlan" if params.get("kind") is None else params["kind"], INTERFACE_KINDS, "kind")
    if kind == MOVED:
        for key in ("parent", "mode", "mac", "mtu"):
            if params.get(key) is not None:
                raise ValidationError(f"{key} is for macvlan and ipvlan children; a moved interface keeps its own")
        return MovedInterface.from_params(params)
    return Child.from_params(params)
