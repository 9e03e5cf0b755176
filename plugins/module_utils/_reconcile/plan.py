# -*- coding: utf-8 -*-
# Copyright: linuxnet.netns contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A plan: the changes a run will make, with before/after, computed before anything is applied.

Check mode reports the plan, a real run applies it, diff mode shows its before/after.
Private to linuxnet.netns.
"""

from dataclasses import dataclass, field
from typing import Callable

CREATE = "create"
UPDATE = "update"
DELETE = "delete"
RECREATE = "recreate"
ACTIONS = (CREATE, UPDATE, DELETE, RECREATE)


@dataclass
class Change:
    kind: str
    target: str
    action: str
    before: dict
    after: dict
    run: Callable = field(repr=False, compare=False)
    undo: list = None  # steps that undo it (see undo.py); None: a change that is not undone
    batch: object = field(default=None, repr=False, compare=False)  # a Batch it runs with, and its item

    def summary(self):
        return {"kind": self.kind, "target": self.target, "action": self.action}


class Batch:
    """Consecutive changes whose kernel work is done in one tight loop, once each change's own
    run (its preparation) is done. Removing namespaces back to back lets the kernel clean them up
    together: 3,000 took 0.55 s back to back, and 2.8 s with 0.3 ms of other work between them.

    run(items, done) does the work of the items in order and calls done(item) after each.
    """

    def __init__(self, run):
        self.run = run


def _batch_of(change):
    return change.batch[0] if change.batch is not None else None


class Plan:
    def __init__(self):
        self.changes = []
        self.applied = []
        self._last = []  # steps of planned changes that must wait until every change is applied
        self.kept = []  # [{target, reason}]: described for removal, but left alone
        self.warnings = []  # what the user should know though nothing failed
        self.deprecations = []  # uses of an option that a later release stops accepting

    def at_end(self, step):
        """Run step after all changes, e.g. bring a new bridge up once its ports are attached."""
        self._last.append(step)

    def add(self, kind, target, action, before, after, run, undo=None, batch=None):
        """batch: (Batch, item) for a change whose kernel work runs with its neighbours' (see Batch)."""
        self.changes.append(Change(kind, target, action, before, after, run, undo, batch))

    def warn(self, message):
        if message not in self.warnings:
            self.warnings.append(message)

    def deprecate(self, message):
        if message not in self.deprecations:
            self.deprecations.append(message)

    def keep(self, target, reason):
        self.kept.append({"target": target, "reason": reason})

    @property
    def changed(self):
        return bool(self.changes)

    def apply(self, journal=None):
        """Run every change; with a journal, each change's undo steps are journaled before it runs."""
        start = 0
        while start < len(self.changes):
            group = self._batched_from(start)
            for change in group:
                if journal is not None:
                    journal.add(change.target, change.undo)
                change.run()
                if change.batch is None:
                    self.applied.append(change)
            if group[0].batch is not None:
                by_item = {change.batch[1]: change for change in group}
                group[0].batch[0].run(list(by_item), lambda item: self.applied.append(by_item[item]))
            start += len(group)
        for step in self._last:
            step()

    def _batched_from(self, start):
        """The change at `start`, with the next ones of its batch."""
        end = start + 1
        if self.changes[start].batch is not None:
            batch = self.changes[start].batch[0]
            while end < len(self.changes) and _batch_of(self.changes[end]) is batch:
                end += 1
        return self.changes[start:end]

    def summary(self):
        return [change.summary() for change in self.changes]

    def by_action(self):
        """counts per action, and the targets created (or recreated), updated and removed."""
        targets = {action: [] for action in ACTIONS}
        for change in self.changes:
            targets[change.action].append(change.target)
        return {
            "counts": {action: len(targets[action]) for action in ACTIONS},
            "created": targets[CREATE] + targets[RECREATE],
            "updated": targets[UPDATE],
            "removed": targets[DELETE],
        }

    def diff(self):
        return {
            "before": {change.target: change.before for change in self.changes if change.before is not None},
            "after": {change.target: change.after for change in self.changes if change.after is not None},
        }
