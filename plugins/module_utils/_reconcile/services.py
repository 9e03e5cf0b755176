# -*- coding: utf-8 -*-
# Copyright: linuxnet.netns contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Services in namespaces: started once the namespace's links and addresses are up, ready when
their port accepts a connection; kept while what they run with is unchanged, restarted when it
changes, started again when found not running, stopped when no longer described (before their
namespace goes, so that the busy-namespace policy never counts them). Private to linuxnet.netns.
"""

import ipaddress
import socket
import time

from ansible_collections.linuxnet.netns.plugins.module_utils._errors import NetnsError, NotFoundError
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile import undo
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.plan import CREATE, DELETE, UPDATE
from ansible_collections.linuxnet.netns.plugins.module_utils._description.services import service_target
from ansible_collections.linuxnet.netns.plugins.module_utils._description.vocabulary import ABSENT

KIND = "service"
LIVE = ("running", "starting", "restarting")
POLL = 0.05
SETTLE = 0.2  # a service without a readiness port must still run this long after its start


class ServiceNotReady(NetnsError):
    """A service started but did not become ready (or ended)."""


def key_of(service):
    return [service.topology, service.netns, service.name]


def plan_service(view, service, plan):
    key = key_of(service)
    found = view.outside.service_record(key)
    program = view.outside.resolve_program(service.command[0])
    if program is None:
        raise NotFoundError(f"{service.target}: program {service.command[0]!r} is not on this host (or not "
                            f"executable): install it first, or give its full path")
    manager = view.outside.service_manager()
    spec = {"command": [program, *service.command[1:]], "environment": [list(pair) for pair in service.environment],
            "restart": service.restart, "etc_files": list(service.etc_files), "settings": service.settings(),
            "fingerprint": service.fingerprint({"program": program, "etc_files": service.etc_files, "manager": manager})}
    now = view.outside.service_status(key, found) if found is not None else None
    if (found is not None and found["fingerprint"] == spec["fingerprint"] and now["state"] in LIVE
            and not view.is_new_namespace(service.netns)):  # a namespace made anew: it runs in the old one
        return
    before = None if found is None else {**found.get("settings", {}), "state": now["state"], "pid": now["pid"]}
    after = {**service.settings(), "state": "running", "manager": manager}
    plan.add(KIND, service.target, CREATE if found is None else UPDATE, before, after,
             lambda: _start(view, service, key, spec, found), undo.service(key))


def plan_services_gone(view, topology, plan):
    """Stop this topology's services that this host no longer has described (all of them when the
    topology goes)."""
    described = set() if topology.state == ABSENT else {(s.netns, s.name) for s in topology.local.services()}
    for key in view.outside.service_keys():
        if len(key) != 3 or key[0] != topology.name or (key[1], key[2]) in described:
            continue
        found = view.outside.service_record(key)
        now = view.outside.service_status(key, found)
        view.outside.expect_processes_ended(view.outside.service_processes(found))
        plan.add(KIND, service_target(key[1], key[2]), DELETE,
                 {**found.get("settings", {}), "state": now["state"], "pid": now["pid"]}, None,
                 lambda key=key: view.outside.stop_service(key))


def services_report(view, topology, plan=None):
    """[{netns, name, state, pid, manager}] of this host's described services: as they are now, or
    with a plan not applied (check mode), as it would leave them."""
    if topology.state == ABSENT:
        return []
    planned = {change.target for change in plan.changes if change.kind == KIND} if plan is not None else set()
    report = []
    for service in topology.local.services():
        key = key_of(service)
        found = view.outside.service_record(key)
        now = view.outside.service_status(key, found)
        if service.target in planned:
            now = {"state": "running", "pid": None}
        manager = found["manager"] if found is not None else view.outside.service_manager()
        report.append({"netns": service.netns, "name": service.name, "state": now["state"], "pid": now["pid"],
                       "manager": manager})
    return report


def _start(view, service, key, spec, found):
    if found is not None:
        view.outside.stop_service(key)
    started = view.outside.start_service(key, spec)
    _wait_ready(view, service, key, started)


def _wait_ready(view, service, key, started):
    begun = time.monotonic()
    deadline = begun + (service.ready_timeout if service.ready_port is not None else SETTLE)
    while True:
        now = view.outside.service_status(key, started)
        if now["state"] not in LIVE:
            raise ServiceNotReady(f"{service.target} ended ({now['state']}) {time.monotonic() - begun:.1f} s after "
                                  f"its start{_output(view, started)}")
        if service.ready_port is not None and _accepts(view, service.netns, service.ready_port):
            return
        if time.monotonic() >= deadline:
            if service.ready_port is None:
                return
            raise ServiceNotReady(f"{service.target} is running (pid {now['pid']}) but nothing accepted a TCP "
                                  f"connection on port {service.ready_port} within {service.ready_timeout} s; it "
                                  f"was left running{_output(view, started)}")
        time.sleep(POLL)


def _accepts(view, netns, port):
    """Whether a TCP connection to the port succeeds on an address the namespace listens on it."""
    for protocol, address, listened in view.outside.listening_now(netns):
        if protocol != "tcp" or listened != port:
            continue
        if address.is_unspecified:
            address = ipaddress.ip_address("127.0.0.1" if address.version == 4 else "::1")
        family = socket.AF_INET if address.version == 4 else socket.AF_INET6
        with view.socket(netns, family, socket.SOCK_STREAM, 0) as sock:
            sock.settimeout(1.0)
            if sock.connect_ex((str(address), port)) == 0:
                return True
    return False


def _output(view, started):
    tail = view.outside.service_log(started)
    return f"; its last output:\n{tail}" if tail else "; it printed nothing"
