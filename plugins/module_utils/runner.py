# -*- coding: utf-8 -*-
# Copyright: linuxnet.netns contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one place where a plan, a reading or an error becomes a module result. Private to linuxnet.netns."""

import traceback

from ansible.module_utils.basic import missing_required_lib

from ansible_collections.linuxnet.netns.plugins.module_utils import netlink
from ansible_collections.linuxnet.netns.plugins.module_utils.errors import NetnsError
from ansible_collections.linuxnet.netns.plugins.module_utils.reconcile.plan import Plan
from ansible_collections.linuxnet.netns.plugins.module_utils.reconcile.view import KernelView

STATE_OPTION = {"type": "str", "default": "present", "choices": ["present", "absent"]}
NETNS_OPTION = {"type": "str"}


def execute(module, build_plan, after_apply=None, invocation=None):
    """Validate and plan through build_plan(view, plan), apply unless in check mode, report.

    build_plan may return a dict of extra result keys; so may after_apply(view), which runs
    after a real apply (a NetnsError it raises may carry a `result` dict to report).
    invocation replaces the echo of all module arguments in the result (large for topologies).
    """
    plan = Plan()

    def run(view):
        extra = build_plan(view, plan) or {}
        if not module.check_mode:
            plan.apply()
            if after_apply is not None:
                extra.update(after_apply(view))
        return extra

    extra = _guarded(module, run, plan)
    result = {"changed": plan.changed, "changes": plan.summary(), **extra}
    if invocation is not None:
        result["invocation"] = invocation
    if module._diff:
        result["diff"] = plan.diff()
    module.exit_json(**result)


def report(module, read):
    """Run read(view), which changes nothing, and return its dict as the result."""
    module.exit_json(changed=False, **_guarded(module, read, Plan()))


def _guarded(module, function, plan):
    """Call function(view) with sessions open; any failure ends the module with a readable msg."""
    if not netlink.HAS_PYROUTE2:
        module.fail_json(msg=missing_required_lib("pyroute2"), exception=netlink.PYROUTE2_IMPORT_ERROR)
    try:
        with netlink.Sessions() as sessions:
            return function(KernelView(sessions))
    except NetnsError as exc:
        module.fail_json(msg=str(exc), **getattr(exc, "result", {}), **_applied(plan))
    except Exception as exc:  # a bug or an unforeseen kernel answer: say so, keep the traceback
        module.fail_json(msg=f"unexpected error: {exc}", exception=traceback.format_exc(), **_applied(plan))


def _applied(plan):
    """What a failed run had already changed, so that the user knows what state it left."""
    return {"changed": bool(plan.applied), "changes": [change.summary() for change in plan.applied]}
