# -*- coding: utf-8 -*-
# Copyright: linuxnet.netns contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A topology description as the user gave it, and how to apply it: built once from a task's
parameters (a preset's expansion, then the lists given) or from a saved file. Pure Python.
Private to linuxnet.netns.

The entries stay plain data here; topology.py parses them into models.
"""

from dataclasses import dataclass, field

from ansible_collections.linuxnet.netns.plugins.module_utils._description import validate
from ansible_collections.linuxnet.netns.plugins.module_utils._description.presets import merge
from ansible_collections.linuxnet.netns.plugins.module_utils._description.vocabulary import (
    DEFAULT_BUSY_POLICY,
    PRESENT,
)
from ansible_collections.linuxnet.netns.plugins.module_utils._errors import ValidationError

# The keys of a saved description, and its format's version.
SAVED_KEYS = {"format", "name", "namespaces", "bridges", "links", "when_busy", "verify", "host", "fleet",
              "link_defaults", "profile", "forwards", "uplink_range", "allow_host_network", "guarded", "hosts"}
SAVED_FORMAT = 1


@dataclass(frozen=True)
class Description:
    namespaces: list = field(default_factory=list)
    bridges: list = field(default_factory=list)
    links: list = field(default_factory=list)
    forwards: list = field(default_factory=list)
    state: str = PRESENT
    when_busy: str = DEFAULT_BUSY_POLICY
    name: str = "default"
    prune: bool = False  # also remove what carries the marker but is no longer described
    verify: bool = False  # probe the paths after a real apply
    verify_at_boot: bool = False  # the standalone command probes them after applying the saved description
    persistent: bool = False  # saved, to be applied again at boot by the standalone command
    host: str = None  # the inventory hostname of the host this runs on, in a fleet
    fleet: dict = None  # {host: {address, mtu}}: the underlay of the fleet's tunnels
    link_defaults: dict = None
    profile: str = None
    uplink_range: str = None
    allow_host_network: bool = False  # past the guard of the host's own network (see _reconcile/guard.py)
    force: bool = False  # the deprecated way past the guard: allow_host_network, with a deprecation warning
    rollback: bool = False  # a failed apply undoes what it changed (see _reconcile/rollback.py)
    from_saved_file: bool = False  # read by the standalone command, which never changes the file
    guarded: tuple = ()  # host interfaces the guard protected when the description was saved
    hosts: bool = False  # /etc/netns/NS/hosts in every namespace, with every namespace's addresses

    @classmethod
    def from_params(cls, params):
        """The description a netns_topology task gives: the preset's expansion, then the lists given."""
        lists = merge(params.get("preset"), params.get("namespaces"), params.get("bridges"), params.get("links"))
        return cls(**lists, forwards=params.get("forwards"), state=params.get("state"),
                   when_busy=params.get("when_busy"), name=params.get("name", "default"),
                   prune=bool(params.get("prune")), verify=bool(params.get("verify")),
                   verify_at_boot=bool(params.get("verify") if params.get("verify_at_boot") is None
                                       else params.get("verify_at_boot")),
                   persistent=bool(params.get("persistent")), host=params.get("host"), fleet=params.get("fleet"),
                   link_defaults=params.get("link_defaults"), profile=params.get("profile"),
                   uplink_range=params.get("uplink_range"), allow_host_network=bool(params.get("allow_host_network")),
                   force=bool(params.get("force")), rollback=bool(params.get("rollback")),
                   hosts=bool(params.get("hosts")))

    @classmethod
    def from_saved(cls, content, name, state=PRESENT):
        """The description saved as `name`, its keys and format checked."""
        where = saved_where(name)
        unknown = sorted(set(content) - SAVED_KEYS)
        if unknown:
            raise ValidationError(f"{where}: unknown key(s) {', '.join(unknown)}; known keys are "
                                  f"{', '.join(sorted(SAVED_KEYS))}")
        if content.get("format") != SAVED_FORMAT or content.get("name") != name:
            raise ValidationError(f"{where}: format {content.get('format')!r} and name {content.get('name')!r} "
                                  f"must be {SAVED_FORMAT} and {name!r}")
        return cls(namespaces=content.get("namespaces"), bridges=content.get("bridges"), links=content.get("links"),
                   forwards=content.get("forwards"), state=state, when_busy=content.get("when_busy"), name=name,
                   verify=bool(content.get("verify")), verify_at_boot=bool(content.get("verify")), persistent=True,
                   host=content.get("host"), fleet=content.get("fleet"), link_defaults=content.get("link_defaults"),
                   profile=content.get("profile"), uplink_range=content.get("uplink_range"), from_saved_file=True,
                   allow_host_network=content.get("allow_host_network") is True, hosts=content.get("hosts") is True,
                   guarded=tuple(validate.interface_name(name, f"{where}: guarded interface")
                                 for name in _listed(content.get("guarded"), f"{where}: guarded")))

    def saved_form(self):
        """What is saved for the standalone command: the expanded description and how to apply it."""
        saved = {"format": SAVED_FORMAT, "name": self.name, "namespaces": self.namespaces or [],
                 "bridges": self.bridges or [], "links": self.links or [], "when_busy": self.when_busy,
                 "verify": self.verify_at_boot}
        if self.host is not None:  # this host's part of a fleet, with the underlay of its tunnels
            saved.update(host=self.host, fleet=self.fleet)
        optional = {"profile": self.profile, "link_defaults": self.link_defaults or None,
                    "forwards": self.forwards or None, "uplink_range": self.uplink_range,
                    "allow_host_network": self.allow_host_network or None, "hosts": self.hosts or None}
        saved.update({key: value for key, value in optional.items() if value is not None})
        return saved


def _listed(value, what):
    if value is None:
        return []
    if not isinstance(value, list):
        raise ValidationError(f"{what} must be a list of interface names")
    return value


def saved_where(name):
    return f"saved description of topology {name!r}"
