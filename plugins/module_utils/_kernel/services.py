# -*- coding: utf-8 -*-
# Copyright: linuxnet.netns contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A topology's services as processes: where systemd runs, each is a runtime unit under
/run/systemd/system with NetworkNamespacePath= (and the namespace's /etc files bound over /etc);
elsewhere a supervisor (supervisor.py). Either way a record under /run/linuxnet-netns/services
says what runs (the manager, the fingerprint of what it runs with), beside the supervisor's
status and log. Private to linuxnet.netns.
"""

import json
import os
import shutil
import subprocess
import time

from ansible_collections.linuxnet.netns.plugins.module_utils._kernel import records, supervisor
from ansible_collections.linuxnet.netns.plugins.module_utils._kernel.namespaces import path as netns_path
from ansible_collections.linuxnet.netns.plugins.module_utils._kernel.netns_etc import ETC_NETNS
from ansible_collections.linuxnet.netns.plugins.module_utils._kernel.paths import inside

KIND = "services"
SYSTEMD, SUPERVISOR = "systemd", "supervisor"
UNIT_DIR = "/run/systemd/system"
_UNIT_SAFE = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789:_.")
RUNNING, STOPPED, FAILED = "running", "stopped", "failed"


def manager():
    """systemd where it runs as the init system (as sd_booted() tells), else the supervisor."""
    return SYSTEMD if os.path.isdir("/run/systemd/system") and shutil.which("systemctl") else SUPERVISOR


def resolve(program):
    """The program's absolute path on this host, or None when there is none to run."""
    if os.path.isabs(program):
        return program if os.path.isfile(program) and os.access(program, os.X_OK) else None
    return shutil.which(program, path=supervisor.PATH)


def record(key):
    """key: [topology, netns, name]; the record of the running service, or None."""
    return records.read(KIND, key)


def keys():
    return records.keys(KIND)


def unit_name(key):
    escaped = ["".join(char if char in _UNIT_SAFE else f"\\x{ord(char):02x}" for char in part) for part in key]
    return f"linuxnet-netns-{'-'.join(escaped)}.service"


def status(key, found=None):
    """{'state': running|stopped|failed|..., 'pid': main pid or None} of the service now."""
    found = found if found is not None else record(key)
    if found is None:
        return {"state": STOPPED, "pid": None}
    if found["manager"] == SYSTEMD:
        shown = _systemctl("show", "--property=ActiveState,SubState,MainPID", found["unit"]).stdout
        values = dict(line.split("=", 1) for line in shown.splitlines() if "=" in line)
        state = {"active": RUNNING, "activating": "starting", "failed": FAILED}.get(values.get("ActiveState"), STOPPED)
        pid = int(values.get("MainPID") or 0) or None
        return {"state": state, "pid": pid}
    status_now = _json(_files(key)[1])
    if not _alive(found["supervisor"], found["started"]):
        return {"state": FAILED if status_now.get("state") in (None, RUNNING) else status_now["state"], "pid": None}
    return {"state": status_now.get("state", "starting"), "pid": status_now.get("pid")}


def start(key, spec):
    """Start the service (spec: command with its program's full path, environment, restart,
    fingerprint, netns); its record."""
    netns = key[1]
    chosen = manager()
    found = {"manager": chosen, "fingerprint": spec["fingerprint"], "netns": netns, "settings": spec["settings"]}
    if chosen == SYSTEMD:
        found["unit"] = unit_name(key)
        _write_unit(found["unit"], _unit_text(key, spec))
        _systemctl("daemon-reload", check=True)
        _systemctl("restart", found["unit"], check=True)
    else:
        log, status_file = _files(key)
        os.makedirs(os.path.dirname(log), mode=0o700, exist_ok=True)
        found["supervisor"] = supervisor.spawn({
            "netns_path": netns_path(netns), "etc_dir": inside(ETC_NETNS, netns), "command": spec["command"],
            "environment": spec["environment"], "restart": spec["restart"], "status": status_file, "log": log})
        found["started"] = _start_time(found["supervisor"])
        found["log"] = log
    records.write(KIND, key, found)
    return found


def stop(key, found=None):
    """Stop the service and forget it (a service already gone is only forgotten)."""
    found = found if found is not None else record(key)
    if found is not None and found["manager"] == SYSTEMD:
        _systemctl("stop", found["unit"])
        records.unlink(inside(UNIT_DIR, found["unit"]))
        _systemctl("daemon-reload")
        _systemctl("reset-failed", found["unit"])
    elif found is not None:
        _stop_supervisor(found)
    log, status_file = _files(key)
    records.unlink(log)
    records.unlink(status_file)
    records.remove(KIND, key)


def processes(found):
    """The pids that belong to the service now: its unit's control group, or its supervisor's session."""
    if found is None:
        return []
    if found["manager"] == SYSTEMD:
        suffix = f"/{found['unit']}"
        return [pid for pid in _pids() if any(line.endswith(suffix) for line in _read(f"/proc/{pid}/cgroup").splitlines())]
    if not _alive(found["supervisor"], found["started"]):
        return []
    return [pid for pid in _pids() if _session(pid) == found["supervisor"]]


def log_tail(found, lines=10):
    """The service's last lines of output, for a message."""
    if found is None:
        return ""
    if found["manager"] == SYSTEMD:
        journal = shutil.which("journalctl")
        if journal is None:
            return ""
        done = subprocess.run([journal, "-u", found["unit"], "-n", str(lines), "--no-pager", "-o", "cat"],
                              capture_output=True, text=True, check=False)
        return done.stdout.strip()
    return "\n".join(_read(found.get("log", "")).splitlines()[-lines:])


# systemd
def _unit_text(key, spec):
    topology, netns, name = key
    binds = [f"BindReadOnlyPaths=-{inside(inside(ETC_NETNS, netns), file_name)}:/etc/{file_name}"
             for file_name in spec["etc_files"]]
    restart = {"no": "no"}.get(spec["restart"], spec["restart"])
    lines = ["# linuxnet.netns: written by the collection, removed with its topology", "[Unit]",
             f"Description=linuxnet.netns topology {topology}: service {name} in namespace {netns}",
             "DefaultDependencies=no", "After=local-fs.target", "Conflicts=shutdown.target", "Before=shutdown.target",
             "StartLimitIntervalSec=10", "StartLimitBurst=5", "", "[Service]", "Type=simple",
             f"ExecStart={' '.join(_quoted(argument) for argument in spec['command'])}",
             *[f"Environment={_quoted(f'{variable}={value}')}" for variable, value in spec["environment"]],
             f"Restart={restart}", "RestartSec=1", f"NetworkNamespacePath={netns_path(netns)}", *binds, ""]
    return "\n".join(lines)


def _quoted(text):
    """One word of a unit file: quoted, with systemd's specifiers and variables escaped."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("%", "%%").replace("$", "$$")
    return f'"{escaped}"'


def _write_unit(unit, text):
    target = inside(UNIT_DIR, unit)
    temporary = f"{target}.new"
    with open(temporary, "w", encoding="utf-8") as file:
        file.write(text)
    os.replace(temporary, target)


def _systemctl(*arguments, check=False):
    done = subprocess.run(["systemctl", *arguments], capture_output=True, text=True, check=False)
    if check and done.returncode != 0:
        raise OSError(0, f"systemctl {' '.join(arguments)} failed: {done.stderr.strip() or done.stdout.strip()}")
    return done


# the supervisor
def _files(key):
    """(log, status) file paths of the service."""
    base = records.path_of(KIND, key)[:-len(".json")]
    return base + ".log", base + ".status"


def _stop_supervisor(found):
    pid = found["supervisor"]
    if not _alive(pid, found["started"]):
        return
    os.kill(pid, 15)
    deadline = time.monotonic() + supervisor.STOP_GRACE + 3
    while time.monotonic() < deadline and _alive(pid, found["started"]):
        time.sleep(0.02)
    for member in [member for member in _pids() if _session(member) == pid]:  # what outlived it, if anything
        try:
            os.kill(member, 9)
        except ProcessLookupError:
            pass


def _alive(pid, started):
    """Whether process `pid` runs and is the one started then (not a later process given its pid)."""
    fields = _stat(pid)
    return fields is not None and fields[0] != "Z" and int(fields[19]) == started


def _start_time(pid):
    fields = _stat(pid)
    return int(fields[19]) if fields is not None else None


def _session(pid):
    fields = _stat(pid)
    return int(fields[3]) if fields is not None else None


def _stat(pid):
    """The fields of /proc/PID/stat after the command (state first), or None."""
    text = _read(f"/proc/{pid}/stat")
    return text[text.rfind(")") + 2:].split() if text else None


def _json(path):
    try:
        return json.loads(_read(path) or "{}")
    except ValueError:  # being replaced
        return {}


def _pids():
    return [int(entry) for entry in os.listdir("/proc") if entry.isdigit()]


def _read(path):
    try:
        with open(path, encoding="utf-8", errors="replace") as file:
            return file.read()
    except OSError:
        return ""
