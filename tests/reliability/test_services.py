"""Services in namespaces on the real kernel (the supervisor: this machine has no systemd; the
booted machines test the systemd units): started once the links are up, ready when their port
accepts, kept on a re-run, restarted when their command or environment changes or they die,
stopped when no longer described and before their namespace goes, never counted as busy."""
import json
import os
import signal
import subprocess
import sys
import time

import pytest

from conftest import is_clean_failure, netns_names, run_module

SERVICES = "/run/linuxnet-netns/services"


def lab(prefix, services=None, extra_namespaces=(), **extra):
    web, client = f"{prefix}w", f"{prefix}c"
    if services is None:
        services = [web_service()]
    return {"name": prefix, "hosts": True,
            "namespaces": [{"name": web, "services": services}, {"name": client}, *extra_namespaces],
            "links": [{"endpoints": [{"netns": web, "name": "eth0", "addresses": ["198.18.9.1/24"]},
                                     {"netns": client, "name": "eth0", "addresses": ["198.18.9.2/24"]}]}],
            **extra}


def web_service(port=8080, **extra):
    """A web server bound to the namespace's one address (not 0.0.0.0): readiness must find it there."""
    return {"name": "web", "command": [sys.executable, "-m", "http.server", "--bind", "198.18.9.1", str(port)],
            "environment": {"LAB_COLOUR": "green"}, "ready": {"tcp_port": port, "timeout": 20}, **extra}


def records():
    return sorted(entry for entry in os.listdir(SERVICES)) if os.path.isdir(SERVICES) else []


def service_of(result, name="web"):
    return next(service for service in result["services"] if service["name"] == name)


def alive(pid):
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def session_members(session):
    found = []
    for entry in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as stat:
                if int(stat.read().rsplit(")", 1)[1].split()[3]) == session:
                    found.append(int(entry))
        except (FileNotFoundError, ProcessLookupError):
            continue
    return found


def fetch(netns, url):
    code = f"import urllib.request; print(urllib.request.urlopen({url!r}, timeout=5).status)"
    return subprocess.run(["ip", "netns", "exec", netns, sys.executable, "-c", code], capture_output=True, text=True,
                          check=False).stdout.strip()


def environment_of(pid):
    with open(f"/proc/{pid}/environ", "rb") as file:
        return dict(item.split("=", 1) for item in file.read().decode().split("\0") if "=" in item)


def seen_file(pid, path):
    """The file as the process sees it: through its own root and mount namespace (nsenter -m would
    start from the mount namespace's root, outside a chroot the suite may run in)."""
    with open(f"/proc/{pid}/root{path}", encoding="utf-8") as file:
        return file.read()


@pytest.fixture
def services_stopped(prefix):
    """Whatever a failed test left running of this prefix's topologies is ended, by its recorded pid."""
    before = set(records())
    yield
    for entry in set(records()) - before:
        path = os.path.join(SERVICES, entry)
        if entry.endswith(".json"):
            with open(path, encoding="utf-8") as file:
                found = json.load(file)
            pid = found.get("record", {}).get("supervisor")
            if pid and str(found.get("key", [""])[0]).startswith(prefix) and alive(pid):
                for member in session_members(pid):  # the supervisor and its program
                    os.kill(member, signal.SIGKILL)
        os.unlink(path)


def test_a_service_runs_in_its_namespace_and_follows_its_description(prefix, services_stopped):
    web, client = f"{prefix}w", f"{prefix}c"
    try:
        built = run_module("netns_topology", lab(prefix))
        assert built.get("changed") and not built.get("failed"), built
        service = service_of(built)
        assert service["state"] == "running" and service["manager"] == "supervisor", service
        pid = service["pid"]
        assert fetch(client, "http://198.18.9.1:8080/") == "200"  # across the veth, from the other namespace
        assert subprocess.run(["ip", "netns", "identify", str(pid)], capture_output=True, text=True,
                              check=False).stdout.strip() == web
        assert environment_of(pid)["LAB_COLOUR"] == "green" and "ANSIBLE_MODULE_ARGS" not in environment_of(pid)
        assert f"198.18.9.2\t{client}" in seen_file(pid, "/etc/hosts")  # the namespace's hosts file as /etc/hosts

        again = run_module("netns_topology", lab(prefix))
        assert again.get("changed") is False and service_of(again)["pid"] == pid, again

        bluer = lab(prefix, [web_service(environment={"LAB_COLOUR": "blue"})])
        predicted = run_module("netns_topology", {**bluer, "_ansible_diff": True}, check_mode=True)
        assert predicted.get("changed") and [c["target"] for c in predicted["changes"]] == \
            [f"service web in namespace '{web}'"], predicted
        before = predicted["diff"]["before"][f"service web in namespace '{web}'"]
        assert before["environment"] == {"LAB_COLOUR": "green"} and before["pid"] == pid, before  # from the record
        assert alive(pid) and environment_of(pid)["LAB_COLOUR"] == "green"  # check mode changed nothing
        restarted = run_module("netns_topology", bluer)
        new_pid = service_of(restarted)["pid"]
        assert restarted.get("changed") and new_pid != pid and not alive(pid), restarted
        assert environment_of(new_pid)["LAB_COLOUR"] == "blue"

        # a namespace more: the hosts file changes in place, the running service sees it unrestarted
        extra = [{"name": f"{prefix}x", "loopback": ["198.18.9.99/32"]}]
        more = lab(prefix, [web_service(environment={"LAB_COLOUR": "blue"})], extra)
        grown = run_module("netns_topology", more)
        assert grown.get("changed") and service_of(grown)["pid"] == new_pid, grown
        assert f"198.18.9.99\t{prefix}x" in seen_file(new_pid, "/etc/hosts")

        os.kill(new_pid, signal.SIGKILL)  # restart: on-failure brings it back by itself
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and fetch(client, "http://198.18.9.1:8080/") != "200":
            time.sleep(0.2)
        assert fetch(client, "http://198.18.9.1:8080/") == "200"
        back = run_module("netns_topology", more)
        assert back.get("changed") is False and service_of(back)["pid"] not in (pid, new_pid), back

        stopped = run_module("netns_topology", lab(prefix, [], [{"name": f"{prefix}x"}]))
        assert [c for c in stopped["changes"] if c["kind"] == "service"] == \
            [{"kind": "service", "target": f"service web in namespace '{web}'", "action": "delete"}], stopped
        assert stopped["services"] == [] and not alive(service_of(back)["pid"])
        assert not [entry for entry in records() if entry.endswith(".json")]
    finally:  # with the namespace added on the way, and its hosts file
        gone = run_module("netns_topology", {**lab(prefix, [], [{"name": f"{prefix}x"}]), "state": "absent"})
    assert not gone.get("failed"), gone
    assert not os.path.exists(f"/etc/netns/{prefix}x")


def test_absent_stops_the_services_first_and_counts_only_others_processes_as_busy(prefix, services_stopped):
    web = f"{prefix}w"
    built = run_module("netns_topology", lab(prefix))
    assert not built.get("failed"), built
    pid = service_of(built)["pid"]
    outsider = subprocess.Popen(["ip", "netns", "exec", web, "sleep", "60"])
    try:
        time.sleep(0.3)
        refused = run_module("netns_topology", {**lab(prefix), "state": "absent"})
        assert is_clean_failure(refused), refused
        assert "in use by 1 process(es)" in refused["msg"] and f"{outsider.pid}" in refused["msg"], refused["msg"]
        assert str(pid) not in refused["msg"]
    finally:
        outsider.kill()
        outsider.wait()
    gone = run_module("netns_topology", {**lab(prefix), "state": "absent"})
    assert gone.get("changed") and not gone.get("failed"), gone
    assert gone["changes"][0] == {"kind": "service", "target": f"service web in namespace '{web}'",
                                  "action": "delete"}, gone["changes"]
    assert not alive(pid) and web not in netns_names()
    assert not [entry for entry in records() if entry.endswith(".json")]
    assert run_module("netns_topology", {**lab(prefix), "state": "absent"}).get("changed") is False


def test_a_service_that_is_not_ready_or_cannot_run_is_reported(prefix, services_stopped):
    try:
        missing = run_module("netns_topology", lab(prefix, [{"name": "ghost", "command": ["lnt-no-such-program"]}]))
        assert is_clean_failure(missing) and "'lnt-no-such-program' is not on this host" in missing["msg"], missing
        assert not [name for name in netns_names() if name.startswith(prefix)]  # refused before any change

        deaf = web_service(ready={"tcp_port": 8099, "timeout": 1})
        late = run_module("netns_topology", lab(prefix, [deaf]))
        assert is_clean_failure(late), late
        assert "nothing accepted a TCP connection on port 8099 within 1 s" in late["msg"], late["msg"]

        dying = {"name": "dies", "command": ["sh", "-c", "echo lnt-bad-config >&2; exit 3"], "restart": "no"}
        ended = run_module("netns_topology", lab(prefix, [dying]))
        assert is_clean_failure(ended), ended
        assert "service dies" in ended["msg"] and "ended (failed)" in ended["msg"] and "lnt-bad-config" in ended["msg"]
    finally:
        gone = run_module("netns_topology", {**lab(prefix), "state": "absent"})
    assert not gone.get("failed"), gone
