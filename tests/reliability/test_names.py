"""Names in namespaces on the real kernel: `dns` gives a namespace its resolv.conf and `hosts:
true` every namespace a hosts file, which `ip netns exec` shows as /etc/resolv.conf and
/etc/hosts, so that `ping h2` resolves; absent removes them with the namespaces."""
import os
import subprocess

from conftest import run_module


def lab(prefix, **extra):
    h1, h2 = f"{prefix}h1", f"{prefix}h2"
    return {"name": prefix, "hosts": True,
            "namespaces": [{"name": h1, "dns": {"nameservers": ["198.18.0.53"], "search": ["lab.example"]}},
                           {"name": h2, "loopback": ["198.18.255.2/32"]}],
            "links": [{"endpoints": [{"netns": h1, "name": "eth0", "addresses": ["198.18.3.1/24"]},
                                     {"netns": h2, "name": "eth0", "addresses": ["198.18.3.2/24"]}]}],
            **extra}


def inside(netns, *argv):
    return subprocess.run(["ip", "netns", "exec", netns, *argv], capture_output=True, text=True, check=False)


def test_resolv_conf_and_hosts_are_what_the_namespaces_see(prefix):
    h1, h2 = f"{prefix}h1", f"{prefix}h2"
    try:
        built = run_module("netns_topology", lab(prefix))
        assert built.get("changed") and not built.get("failed"), built
        assert "nameserver 198.18.0.53\nsearch lab.example" in inside(h1, "cat", "/etc/resolv.conf").stdout
        assert f"198.18.3.2\t{h2}" in inside(h1, "cat", "/etc/hosts").stdout
        assert inside(h1, "ping", "-c", "1", "-W", "2", h2).returncode == 0  # by name
        assert inside(h1, "getent", "hosts", h2).stdout.split()[0] == "198.18.255.2"  # its loopback first
        assert oct(os.stat(f"/etc/netns/{h1}/hosts").st_mode & 0o777) == "0o644"
        assert run_module("netns_topology", lab(prefix)).get("changed") is False
    finally:
        gone = run_module("netns_topology", {**lab(prefix), "state": "absent"})
    assert not gone.get("failed"), gone
    assert not os.path.exists(f"/etc/netns/{h1}") and not os.path.exists(f"/etc/netns/{h2}")
