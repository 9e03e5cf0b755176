# -*- coding: utf-8 -*-
# Copyright: linuxnet.netns contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The standalone command: apply, check or destroy a saved topology without Ansible, as the
systemd unit linuxnet-netns@NAME.service does at boot and shutdown. Private to linuxnet.netns.

    linuxnet-netns apply NAME     build NAME from /etc/linuxnet-netns/topologies/NAME.json
    linuxnet-netns check NAME     exit 0 when the kernel matches it, 1 when it does not
    linuxnet-netns destroy NAME   remove what NAME made (the saved file stays)

One line per change on stdout, errors on stderr; exit status 0 on success, 1 for check when
something differs, 2 on failure. The same module_utils as the modules, through the same plan.
"""

import argparse
import sys
import time

from ansible_collections.linuxnet.netns.plugins.module_utils._errors import NetnsError, os_error_message
from ansible_collections.linuxnet.netns.plugins.module_utils._kernel.kernel import Kernel
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.plan import Plan
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.saved import saved_topology
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.topology import plan_topology
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.view import KernelView
from ansible_collections.linuxnet.netns.plugins.module_utils._verify.verify import VerificationFailed, verify
from ansible_collections.linuxnet.netns.plugins.module_utils._version import COLLECTION_VERSION
from ansible_collections.linuxnet.netns.plugins.module_utils._description.vocabulary import ABSENT, PRESENT

OK, DIFFERS, FAILED = 0, 1, 2
NETWORK_PATIENCE = 60  # seconds a part that needs the network retries its probes at boot
RETRY_EVERY = 2


def main(argv=None, out=sys.stdout, err=sys.stderr, kernel=Kernel):
    parser = argparse.ArgumentParser(prog="linuxnet-netns", description="Apply, check or destroy a saved topology.")
    parser.add_argument("--version", action="version", version=f"linuxnet.netns {COLLECTION_VERSION}")
    parser.add_argument("action", choices=["apply", "check", "destroy"])
    parser.add_argument("name", help="the topology's name, as in /etc/linuxnet-netns/topologies/NAME.json")
    args = parser.parse_args(argv)
    try:
        with kernel() as opened:
            view = KernelView(opened)
            topology = saved_topology(view, args.name, ABSENT if args.action == "destroy" else PRESENT)
            view.assume_protected(topology.guarded_when_saved)
            plan = Plan()
            plan_topology(view, topology, plan)
            for change in plan.changes:
                out.write(f"{change.action} {change.target}\n")
            if args.action == "check":
                return DIFFERS if plan.changed else OK
            plan.apply()
            if args.action == "apply" and topology.verify:
                verification = _verified(view, topology)
                out.write(f"verified: {verification['probes']} probes answered\n")
    except NetnsError as exc:
        err.write(f"linuxnet-netns {args.action} {args.name}: {exc}\n")
        return FAILED
    except OSError as exc:
        err.write(f"linuxnet-netns {args.action} {args.name}: {os_error_message(exc)}\n")
        return FAILED
    return OK


def _verified(view, topology, clock=time.monotonic, sleep=time.sleep):
    """The verification, retried for a while when the probes cross the network: at boot the other
    hosts of a fleet and the host's default route come up at their own pace."""
    patience = NETWORK_PATIENCE if topology.local.needs_network() else 0
    deadline = clock() + patience
    while True:
        try:
            return verify(view.fresh(), topology)["verification"]
        except VerificationFailed:
            if clock() >= deadline:
                raise
            sleep(RETRY_EVERY)
