# -*- coding: utf-8 -*-
# Copyright: linuxnet.netns contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one pipeline every module runs, and the one place where a plan, a reading or an error
becomes a module result. Private to linuxnet.netns.
"""

import sys
import traceback

from ansible.module_utils.basic import missing_required_lib

from ansible_collections.linuxnet.netns.plugins.module_utils._errors import NetnsError, os_error_message
from ansible_collections.linuxnet.netns.plugins.module_utils._kernel.kernel import Kernel
from ansible_collections.linuxnet.netns.plugins.module_utils._kernel.pyroute2_found import (
    HAS_PYROUTE2,
    PYROUTE2_IMPORT_ERROR,
    pyroute2_too_old,
)
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.plan import Plan
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.rollback import Journal
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.view import KernelView

GUARD_FORCE_REMOVED_IN = "2.0.0"  # the release in which force stops passing the guard (allow_host_network does)


def execute(module, parse, plan_with, after_apply=None, short_invocation=False):
    """Parse, plan, apply (unless in check mode), run the after-apply step, report.

    parse(params) returns the desired object, validated; plan_with(view, desired, plan) adds its
    changes to the plan and may return a dict of extra result keys; so may after_apply(view,
    desired), which runs only after a real apply (a NetnsError it raises may carry a `result`
    dict to report). short_invocation echoes list arguments as their length: a thousand links
    echoed back cost more than building them.
    """
    plan = Plan()

    def run(view):
        desired = parse(module.params)
        extra = {}
        journal = Journal(view, desired.owner) if hasattr(desired, "rollback") else None
        if journal is not None and journal.pending:  # a run with rollback was killed: finish its rollback first
            if module.check_mode:
                plan.warn("a run killed midway left a rollback journal; the next real run finishes that rollback "
                          "before it changes anything, so this prediction may fall short")
            else:
                extra["finished_rollback"] = journal.roll_back(view)
                view = view.fresh()
        try:
            extra.update(plan_with(view, desired, plan) or {})
            if not module.check_mode:
                _apply(view, desired, plan, journal if getattr(desired, "rollback", False) else None, after_apply, extra)
        except Exception as exc:  # a failure reports the earlier run's rollback this run finished, too
            exc.result = {**{key: extra[key] for key in ("finished_rollback",) if key in extra},
                          **getattr(exc, "result", {})}
            raise
        return extra

    extra = _guarded(module, run, plan)
    for warning in plan.warnings:
        module.warn(warning)
    for message in plan.deprecations:
        module.deprecate(message, version=GUARD_FORCE_REMOVED_IN, collection_name="linuxnet.netns")
    result = {"changed": plan.changed, "changes": plan.summary(), **extra}
    if short_invocation:
        result["invocation"] = {"module_args": {
            key: f"{len(value)} entries" if isinstance(value, list) else value for key, value in module.params.items()
        }}
    if module._diff:
        result["diff"] = plan.diff()
    module.exit_json(**result)


def _apply(view, desired, plan, rollback, after_apply, extra):
    """Apply the plan and run the after-apply step; with a rollback journal, a failure undoes the
    run's changes (see _reconcile/rollback.py) and says what was undone."""
    try:
        plan.apply(rollback)
        if after_apply is not None:
            extra.update(after_apply(view, desired))
    except Exception as exc:
        if rollback is not None:
            exc.result = {**getattr(exc, "result", {}), **rollback.roll_back(view.fresh())}
        raise
    if rollback is not None:
        rollback.clear()


def report(module, read):
    """Run read(view, params), which changes nothing, and return its dict as the result."""
    module.exit_json(changed=False, **_guarded(module, lambda view: read(view, module.params), Plan()))


def _guarded(module, function, plan):
    """Call function(view) with the kernel open; any failure ends the module with a readable msg."""
    if not HAS_PYROUTE2:
        module.fail_json(msg=missing_required_lib("pyroute2"), exception=PYROUTE2_IMPORT_ERROR)
    too_old = pyroute2_too_old()
    if too_old:
        module.fail_json(msg=f"pyroute2 {too_old} is too old for {sys.executable}: the linuxnet.netns modules need "
                             "pyroute2 0.7.2 or newer")
    try:
        with Kernel() as kernel:
            return function(KernelView(kernel))
    except NetnsError as exc:
        module.fail_json(msg=str(exc), **getattr(exc, "result", {}), **_applied(plan))
    except OSError as exc:  # the file system or the kernel refused outside a netlink request
        module.fail_json(msg=os_error_message(exc), **getattr(exc, "result", {}), **_applied(plan))
    except Exception as exc:  # a bug or an unforeseen kernel answer: say so, keep the traceback
        module.fail_json(msg=f"unexpected error: {exc}", exception=traceback.format_exc(), **getattr(exc, "result", {}),
                         **_applied(plan))


def _applied(plan):
    """What a failed run had already changed, so that the user knows what state it left."""
    return {"changed": bool(plan.applied), "changes": [change.summary() for change in plan.applied]}
