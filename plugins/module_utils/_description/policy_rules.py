# -*- coding: utf-8 -*-
# Copyright: linuxnet.netns contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A namespace's policy routing rules (`rules: [{from, to, table, priority}]`): which table a
packet's route is looked up in, by its source and destination. Private to linuxnet.netns.
"""

from dataclasses import dataclass

from ansible_collections.linuxnet.netns.plugins.module_utils._description import validate
from ansible_collections.linuxnet.netns.plugins.module_utils._description.vocabulary import PRESENT, where
from ansible_collections.linuxnet.netns.plugins.module_utils._errors import ValidationError

RULE_KEYS = {"from", "to", "table", "priority"}
PRIORITY_MAX = 2 ** 32 - 1


@dataclass(frozen=True)
class Rule:
    netns: str
    table: int
    source: object = None  # ipaddress network; None: from all
    destination: object = None  # None: to all
    priority: int = None  # None: the kernel's choice, below the last rule but main's
    state: str = PRESENT

    @classmethod
    def from_params(cls, params, netns, what, state=PRESENT):
        if not isinstance(params, dict):
            raise ValidationError(f"{what}: a rule is a mapping of from, to, table and priority, not {params!r}")
        unknown = sorted(set(params) - RULE_KEYS)
        if unknown:
            raise ValidationError(f"{what}: unknown key(s) {', '.join(unknown)}; a rule takes "
                                  f"{', '.join(sorted(RULE_KEYS))}")
        source = _selector(params.get("from"), f"{what}: from")
        destination = _selector(params.get("to"), f"{what}: to")
        if source is None and destination is None:
            raise ValidationError(f"{what}: give from, to or both (an address or network), so that the rule "
                                  f"has an IP version")
        if source is not None and destination is not None and source.version != destination.version:
            raise ValidationError(f"{what}: from {source} and to {destination} are not of the same IP version")
        if params.get("table") is None:
            raise ValidationError(f"{what}: give the table the rule looks up")
        priority = params.get("priority")
        return cls(netns=netns, table=validate.route_table(params["table"], f"{what}: table"), source=source,
                   destination=destination, state=state,
                   priority=None if priority is None else validate.integer_in_range(priority, f"{what}: priority",
                                                                                    0, PRIORITY_MAX))

    @property
    def version(self):
        return (self.source or self.destination).version

    @property
    def target(self):
        priority = f"{self.priority}: " if self.priority is not None else ""
        return (f"rule {priority}from {self.source or 'all'} to {self.destination or 'all'} lookup {self.table} "
                f"in {where(self.netns)}")


def _selector(value, what):
    if value is None or value == "all":
        return None
    return validate.network(value, what, "an address or a network in CIDR form, or all")
