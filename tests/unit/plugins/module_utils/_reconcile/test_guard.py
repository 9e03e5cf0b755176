"""The guard of the host's own network (issue 22, items 2 and 3), against the fake kernel: routes,
alternative names, and default routes of policy-routing tables."""
import ipaddress

import pytest

from ansible_collections.linuxnet.netns.plugins.module_utils._errors import ConflictError
from ansible_collections.linuxnet.netns.plugins.module_utils._description.host_interfaces import MovedInterface
from ansible_collections.linuxnet.netns.plugins.module_utils._description.model import AddressSet, Bridge, Route
from ansible_collections.linuxnet.netns.plugins.module_utils._kernel.messages import RouteRecord
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.address import plan_addresses
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.bridge import plan_bridge
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.host_interfaces import plan_moved
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.route import plan_route

from ansible_collections.linuxnet.netns.tests.unit.plugins.module_utils._reconcile.fake_kernel import (
    converged,
    planned,
    with_namespaces,
)

GATEWAY = "198.18.200.1"


def route_record(destination, oif, gateway=None, table=254, metric=0):
    network = ipaddress.ip_network(destination)
    return RouteRecord(family=2 if network.version == 4 else 10, dst=network, oif=oif, metric=metric, proto=3,
                       gateway=ipaddress.ip_address(gateway) if gateway else None, table=table)


@pytest.fixture
def kernel():
    """A host with eth0 (altname lntalt0; 198.18.200.5/24, the default route via 198.18.200.1),
    eth1 (the default route of policy table 100 only), eth2 (spare), and a namespace."""
    fake = with_namespaces("red")
    host = fake.namespaces[None]
    eth0 = host.add_link("eth0", "device", up=True, altnames=("lntalt0",))
    host.addresses.append((eth0, ipaddress.ip_interface("198.18.200.5/24")))
    host.routes += [route_record("0.0.0.0/0", eth0, GATEWAY), route_record("198.18.200.0/24", eth0)]
    eth1 = host.add_link("eth1", "device", up=True)
    host.routes.append(route_record("0.0.0.0/0", eth1, "198.18.201.1", table=100))
    host.add_link("eth2", "device", up=True)
    return fake


def route(**params):
    return Route.from_params({"to": "default", "via": GATEWAY, **params})


@pytest.mark.parametrize("params, message", [
    ({"state": "absent"}, "refusing to delete the host's route to 0.0.0.0/0: it is the host's IPv4 default route"),
    ({"via": "198.18.200.9"}, "refusing to change the host's route to 0.0.0.0/0"),
    ({"to": "198.18.200.1/32", "via": None, "interface": "eth2"},
     "refusing to add the host's route to 198.18.200.1/32: the host reaches the gateway of its default route "
     "(198.18.200.1) by it"),
    ({"to": "198.18.200.0/24", "via": None, "interface": "eth0", "state": "absent"},
     "refusing to delete the host's route to 198.18.200.0/24"),
    ({"to": "198.18.201.0/30", "via": None, "interface": "eth2"}, "the gateway of its default route (198.18.201.1)"),
])
def test_host_routes_to_the_gateways_are_guarded(kernel, params, message):
    with pytest.raises(ConflictError, match=message.replace("(", r"\(").replace(")", r"\)")):
        planned(kernel, plan_route, route(**params))
    assert kernel.requests == []


def test_a_route_to_the_controller_is_guarded_and_allow_host_network_passes(kernel):
    kernel.controller = ipaddress.ip_address("198.18.99.7")
    wanted = route(to="198.18.99.0/24", via=None, interface="eth2")
    with pytest.raises(ConflictError, match=r"the host reaches the Ansible controller \(198.18.99.7\) by it"):
        planned(kernel, plan_route, wanted)
    assert converged(kernel, plan_route, route(to="198.18.99.0/24", via=None, interface="eth2",
                                               allow_host_network=True)).changed


def test_other_host_routes_and_routes_in_namespaces_are_not_guarded(kernel):
    assert planned(kernel, plan_route, route(to="198.19.5.0/24", via=None, interface="eth2")).changed
    kernel.namespaces["red"].add_link("eth0", "device", up=True)
    assert planned(kernel, plan_route, route(netns="red", via=None, interface="eth0")).changed


def test_an_alternative_name_is_the_interface_it_names(kernel):
    with pytest.raises(ConflictError, match="refusing to move into a namespace interface 'lntalt0' "
                                            "\\(an alternative name of 'eth0'\\): it carries the host's IPv4 default"):
        planned(kernel, plan_moved, MovedInterface(name="lntalt0", netns="red"))
    with pytest.raises(ConflictError, match="enslave to bridge 'br0' the interface 'lntalt0'"):
        planned(kernel, plan_bridge, Bridge(name="br0", ports=("lntalt0",)))
    assert kernel.requests == []


def test_the_default_route_of_a_policy_table_is_guarded_too(kernel):
    wanted = AddressSet("eth1", (ipaddress.ip_interface("198.18.202.1/24"),))
    with pytest.raises(ConflictError, match=r"interface 'eth1': it carries the host's IPv4 default route "
                                            r"\(routing table 100\)"):
        planned(kernel, plan_addresses, wanted)


def test_a_forward_of_a_port_the_host_listens_on_is_refused(kernel):
    from ansible_collections.linuxnet.netns.plugins.module_utils._description.topology import Topology
    from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.topology import plan_topology

    def lab(port, **extra):
        return Topology.from_params({"name": "lab", "namespaces": [{"name": "web", "uplink": True}],
                                     "forwards": [{"port": port, "namespace": "web", "address": "any"}], **extra})

    kernel.listening_sockets[None] = {("tcp", ipaddress.ip_address("0.0.0.0"), 22),
                                      ("tcp", ipaddress.ip_address("127.0.0.1"), 631)}
    with pytest.raises(ConflictError, match=r"refusing to forward tcp port 22 \(tcp/\*:22 to web:22\): a service "
                                            r"of the host namespace listens on 0.0.0.0:22"):
        planned(kernel, plan_topology, lab(22))
    with pytest.raises(ConflictError, match="listens on 127.0.0.1:631"):
        planned(kernel, plan_topology, lab(631))
    assert kernel.requests == []
    assert planned(kernel, plan_topology, lab(8080)).changed
    assert planned(kernel, plan_topology, lab(22, allow_host_network=True)).changed


def test_listening_sockets_are_read_from_the_kernels_tables():
    from ansible_collections.linuxnet.netns.plugins.module_utils._kernel.sockets import parse

    header = "  sl  local_address rem_address   st\n"
    tables = {
        "tcp": header + "   0: 00000000:0016 00000000:0000 0A\n   1: 0100007F:1F90 0500A8C0:D431 01\n",
        "tcp6": header + "   0: 00000000000000000000000001000000:0050 00000000000000000000000000000000:0000 0A\n",
        "udp": header + "   0: 0A0012C6:0035 00000000:0000 07\n   1: 0A0012C6:9C40 0100A8C0:0035 01\n",
    }
    assert parse(tables, "little") == {("tcp", ipaddress.ip_address("0.0.0.0"), 22),
                                       ("tcp", ipaddress.ip_address("::1"), 80),
                                       ("udp", ipaddress.ip_address("198.18.0.10"), 53)}


@pytest.mark.parametrize("netns, on_host_lan, address, message", [
    (None, False, "198.18.200.1/24", "198.18.200.1 is the gateway of the host's default route"),
    (None, False, "198.18.200.5/24", "198.18.200.5 is the host's own address on 'eth0'"),
    ("red", True, "198.18.200.5/24", "198.18.200.5 is the host's own address on 'eth0'"),
])
def test_an_address_the_host_or_its_gateway_already_has_is_refused_on_the_host_and_its_lan(
        kernel, netns, on_host_lan, address, message):
    space = kernel.namespaces[netns]
    if space.by_name("lan0") is None:
        space.add_link("lan0", "macvlan", up=True)
    wanted = AddressSet("lan0", (ipaddress.ip_interface(address),), netns=netns, on_host_lan=on_host_lan)
    with pytest.raises(ConflictError, match=f"refusing to add {address}: {message}"):
        planned(kernel, plan_addresses, wanted)
    passed = AddressSet("lan0", (ipaddress.ip_interface(address),), netns=netns, on_host_lan=on_host_lan,
                        allow_host_network=True)
    assert planned(kernel, plan_addresses, passed).changed


def test_an_isolated_namespace_may_reuse_an_address_of_the_host(kernel):
    kernel.namespaces["red"].add_link("eth0", "veth", up=True)
    assert planned(kernel, plan_addresses, AddressSet("eth0", (ipaddress.ip_interface("198.18.200.5/24"),),
                                                      netns="red")).changed


def test_the_guard_reads_the_connection_from_the_kernel_not_from_the_plan(kernel):
    kernel.connection = ipaddress.ip_address("198.18.200.5")
    wanted = AddressSet("eth2", (ipaddress.ip_interface("198.18.200.5/24"),))
    with pytest.raises(ConflictError, match="addresses of eth2 in the host namespace: refusing to add 198.18.200.5/24: "
                                            "198.18.200.5 is the host's own address on 'eth0'"):
        planned(kernel, plan_addresses, wanted)
