"""Shared helpers of the reliability tests. They need root and the real kernel.

Run through tests/run.sh (stage `reliability`), or by hand:
    PYTHONPATH=<dir holding ansible_collections/> python -m pytest tests/reliability
"""
import json
import os
import secrets
import subprocess
import sys
import tempfile

import pytest

COLLECTION = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MODULES = os.path.join(COLLECTION, "plugins", "modules")


def module_command(module, args_file):
    return [sys.executable, os.path.join(MODULES, f"{module}.py"), args_file]


def write_args(args, check_mode=False):
    payload = dict(args)
    if check_mode:
        payload["_ansible_check_mode"] = True
    handle = tempfile.NamedTemporaryFile("w", suffix=".json", delete=False)
    with handle:
        json.dump({"ANSIBLE_MODULE_ARGS": payload}, handle)
    return handle.name


def run_module(module, args, check_mode=False):
    """Run a module as Ansible does (its own process) and return its JSON result."""
    path = write_args(args, check_mode)
    try:
        done = subprocess.run(module_command(module, path), capture_output=True, text=True, check=False)
    finally:
        os.unlink(path)
    try:
        return json.loads(done.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        raise AssertionError(f"{module} printed no JSON result: {done.stdout!r} {done.stderr!r}") from None


def netns_names():
    try:
        return sorted(os.listdir("/run/netns"))
    except FileNotFoundError:
        return []


def host_snapshot():
    """Everything a run could change on the host: namespace files, their mounts, and the root
    namespace's links, addresses and routes."""
    from pyroute2 import IPRoute

    mounts = sorted(line.split(" ", 4)[4] for line in open("/proc/self/mountinfo", encoding="utf-8")
                    if "/run/netns" in line)
    with IPRoute() as ipr:
        links = sorted((m.get_attr("IFLA_IFNAME"), m["flags"] & 1, m.get_attr("IFLA_MTU"), m.get_attr("IFLA_MASTER"),
                        m.get_attr("IFLA_IFALIAS")) for m in ipr.get_links())
        addresses = sorted((m["index"], m.get_attr("IFA_ADDRESS"), m["prefixlen"]) for m in ipr.get_addr())
        routes = sorted(str(sorted((k, str(v)) for k, v in m["attrs"] if k != "RTA_CACHEINFO"))
                        for m in ipr.get_routes())
    return {"netns": netns_names(), "mounts": mounts, "links": links, "addresses": addresses, "routes": routes}


OWNER_RECORDS = "/run/linuxnet-netns/owners"


def remove_prefixed(prefix):
    for name in netns_names():
        if name.startswith(prefix):
            subprocess.run(["ip", "netns", "delete", name], capture_output=True, check=False)
            path = f"/run/netns/{name}"
            if os.path.exists(path):  # a stale plain file
                os.unlink(path)
    for name in os.listdir(OWNER_RECORDS) if os.path.isdir(OWNER_RECORDS) else []:
        if name.startswith(prefix):  # left by namespaces removed above with ip, not by the collection
            os.unlink(os.path.join(OWNER_RECORDS, name))
    links = subprocess.run(["ip", "-o", "link", "show"], capture_output=True, text=True, check=False).stdout
    for line in links.splitlines():
        name = line.split(": ")[1].split("@")[0]
        if name.startswith(prefix):
            subprocess.run(["ip", "link", "delete", name], capture_output=True, check=False)


@pytest.fixture
def prefix():
    """A unique name prefix; everything carrying it is removed after the test, pass or fail."""
    name = "lnt" + secrets.token_hex(3)
    remove_prefixed(name)
    yield name
    remove_prefixed(name)


def star(prefix, size, name="default", **extra):
    """A star description: hub with bridge br0, leaves PREFIX-1..N."""
    from ansible_collections.linuxnet.netns.plugins.module_utils._description.presets import expand

    description = expand({"name": "star", "size": size, "prefix": prefix, "ipv6": "2001:db8:77::/48"})
    return {**description, "name": name, **extra}


def is_clean_failure(result):
    message = result.get("msg", "")
    return (result.get("failed") is True and message and "Traceback" not in message
            and "MODULE FAILURE" not in message and not message.startswith("unexpected error"))
