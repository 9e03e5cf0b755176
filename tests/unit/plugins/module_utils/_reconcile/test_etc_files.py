"""A namespace's resolv.conf (dns) and hosts (hosts: true) under /etc/netns: written once, changed
in place, removed when no longer described or with the topology, and a file the topology did not
write is never removed."""
import pytest

from ansible_collections.linuxnet.netns.plugins.module_utils._description.topology import Topology
from ansible_collections.linuxnet.netns.plugins.module_utils._errors import NotFoundError, ValidationError
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.topology import plan_topology

from ansible_collections.linuxnet.netns.tests.unit.plugins.module_utils._reconcile.fake_kernel import (
    FakeKernel,
    converged,
    planned,
)


def lab(hosts=True, dns=None, state="present"):
    dns = dns if dns is not None else {"nameservers": ["198.18.0.53", "2001:db8::53"], "search": ["lab.example"]}
    return Topology.from_params({
        "name": "names", "hosts": hosts, "state": state,
        "namespaces": [{"name": "h1", "dns": dns, "loopback": ["198.18.255.1/32"]}, {"name": "h2"}],
        "links": [{"endpoints": [{"netns": "h1", "name": "eth0", "addresses": ["198.18.1.1/24", "2001:db8:1::1/64"]},
                                 {"netns": "h2", "name": "eth0", "addresses": ["198.18.1.2/24"]}]}],
    })


@pytest.fixture
def kernel():
    return FakeKernel()


def test_resolv_conf_and_hosts_are_written_once(kernel):
    converged(kernel, plan_topology, lab())
    resolv = kernel.etc[("h1", "resolv.conf")]
    assert resolv.splitlines()[1:] == ["nameserver 198.18.0.53", "nameserver 2001:db8::53", "search lab.example"]
    assert ("h2", "resolv.conf") not in kernel.etc
    hosts = kernel.etc[("h2", "hosts")].splitlines()
    assert hosts[0].startswith("# linuxnet.netns topology names")
    assert hosts[3:] == ["198.18.255.1\th1", "198.18.1.1\th1", "2001:db8:1::1\th1", "198.18.1.2\th2"]
    assert kernel.etc[("h1", "hosts")] == kernel.etc[("h2", "hosts")]
    assert not planned(kernel, plan_topology, lab()).changed


def test_a_file_no_longer_described_goes_and_one_the_topology_did_not_write_stays(kernel):
    converged(kernel, plan_topology, lab())
    kernel.etc[("h2", "resolv.conf")] = "nameserver 198.18.0.1\n"  # the operator's own
    plan = converged(kernel, plan_topology, lab(hosts=False, dns={"search": ["other.example"]}))
    assert ("h1", "hosts") not in kernel.etc and ("h2", "hosts") not in kernel.etc
    assert kernel.etc[("h1", "resolv.conf")].endswith("search other.example\n")
    assert kernel.etc[("h2", "resolv.conf")] == "nameserver 198.18.0.1\n"
    assert {change.action for change in plan.changes if change.kind == "file"} == {"delete", "update"}


def test_absent_removes_the_files_with_the_namespaces(kernel):
    converged(kernel, plan_topology, lab())
    converged(kernel, plan_topology, lab(state="absent"))
    assert kernel.etc == {}


@pytest.mark.parametrize("dns, message", [
    ({"nameservers": ["not-an-address"]}, "nameserver 'not-an-address' is not an IP address"),
    ({"search": ["bad domain"]}, "search domain 'bad domain' is not a domain name"),
    ({"servers": ["198.18.0.53"]}, "unknown key"),
    ({}, "needs nameservers, search domains or both"),
    ("198.18.0.53", "must be a mapping"),
])
def test_bad_dns_settings_are_named_with_their_namespace(dns, message):
    with pytest.raises(ValidationError, match=message) as raised:
        lab(dns=dns)
    assert "namespaces[0] (h1)" in str(raised.value)


def test_a_host_without_etc_hosts_is_told_before_any_change(kernel):
    kernel.host_etc.discard("hosts")  # ip netns exec would refuse to run anything in the namespaces
    with pytest.raises(NotFoundError, match=r"this host has no /etc/hosts, which `ip netns exec` .* leave hosts out"):
        planned(kernel, plan_topology, lab())
    assert kernel.requests == []
