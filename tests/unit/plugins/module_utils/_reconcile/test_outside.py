"""Uplinks, forwards, host interfaces, the guard and rollback, planned against the fake kernel."""
import ipaddress
import json

import pytest

from ansible_collections.linuxnet.netns.plugins.module_utils._errors import (
    ConflictError,
    KernelError,
    NotFoundError,
    ValidationError,
)
from ansible_collections.linuxnet.netns.plugins.module_utils._kernel.messages import RouteRecord
from ansible_collections.linuxnet.netns.plugins.module_utils._description.model import AddressSet
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.address import plan_addresses
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.plan import Plan
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.rollback import Journal
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.topology import plan_topology
from ansible_collections.linuxnet.netns.plugins.module_utils._reconcile.view import KernelView
from ansible_collections.linuxnet.netns.plugins.module_utils._description.topology import Topology

from ansible_collections.linuxnet.netns.tests.unit.plugins.module_utils._reconcile.fake_kernel import (
    FakeKernel,
    actions,
    converged,
    planned,
)

TABLE = ("inet", "linuxnet-lab")


@pytest.fixture
def kernel():
    """A host with eth0 carrying 198.18.200.5/24 and the default route."""
    fake = FakeKernel()
    host = fake.namespaces[None]
    index = host.add_link("eth0", "device", up=True)
    host.addresses.append((index, ipaddress.ip_interface("198.18.200.5/24")))
    host.routes.append(RouteRecord(family=2, dst=ipaddress.ip_network("0.0.0.0/0"),
                                   gateway=ipaddress.ip_address("198.18.200.1"), oif=index, metric=0, proto=3))
    return fake


def topology(state="present", **extra):
    params = {"name": "lab", "state": state,
              "namespaces": [{"name": "web", "uplink": {"addresses": ["198.18.110.1/30", "198.18.110.2/30"]}},
                             {"name": "api", "uplink": True}],
              "forwards": [{"port": 8080, "namespace": "web", "to_port": 80, "address": "any"}], "uplink_range": "198.19.0.0/24",
              **extra}
    return Topology.from_params(params)


def rules(kernel, netns=None):
    listed = kernel.nft_tables[(netns, *TABLE)]
    return [entry["rule"] for entry in listed if "rule" in entry]


def test_an_uplink_is_built_in_order_then_left_alone(kernel):
    plan = converged(kernel, plan_topology, topology())
    kinds = [kind for kind, _action in actions(plan)]
    assert kinds.index("veth") < kinds.index("sysctls") < kinds.index("nftables") < kinds.index("address")
    assert kinds.index("address") < kinds.index("route")
    assert kernel.link(None, "up-web") is not None and kernel.link("web", "uplink") is not None
    host = kernel.namespaces[None].sysctls
    assert host["net.ipv4.conf.eth0.forwarding"] == "1" and host["net.ipv4.conf.up-web.forwarding"] == "1"
    assert host["net.ipv4.ip_forward"] == "0"  # only where the traffic crosses
    owner, *others = rules(kernel)
    assert owner["chain"] == "owner" and owner["comment"] == "linuxnet.netns:lab"
    assert {rule["comment"] for rule in others} == {
        "uplink web", "uplink api", "forward tcp/*:8080 to web:80 from outside", "forward tcp/*:8080 to web:80 from this host",
        "uplink web: in", "uplink api: in"}
    assert not planned(kernel, plan_topology, topology()).changed


def test_traffic_into_an_uplinked_namespace_is_dropped_but_for_replies_forwards_and_its_neighbours(kernel):
    converged(kernel, plan_topology, topology())
    inbound = [rule["expr"] for rule in rules(kernel) if rule["chain"] == "forward"]
    into_web = [expr for expr in inbound if expr[0]["match"]["right"] == "up-web"]
    assert [expr[-1] for expr in into_web] == [{"accept": None}] * 3 + [{"drop": None}]
    assert into_web[0][1]["match"]["right"] == ["established", "related"] and into_web[1][1]["match"]["right"] == ["dnat"]
    assert into_web[2][1]["match"]["right"] == {"set": ["up-api", "up-web"]}
    opened = topology(namespaces=[{"name": "web", "uplink": {"addresses": ["198.18.110.1/30", "198.18.110.2/30"],
                                                             "inbound": True}}, {"name": "api", "uplink": True}])
    converged(kernel, plan_topology, opened)
    assert {rule["comment"] for rule in rules(kernel) if rule["chain"] == "forward"} == {"uplink api: in"}


def test_absent_puts_forwarding_back_and_removes_the_table(kernel):
    converged(kernel, plan_topology, topology())
    converged(kernel, plan_topology, topology("absent"))
    assert kernel.namespaces[None].sysctls["net.ipv4.conf.eth0.forwarding"] == "0"
    assert (None, *TABLE) not in kernel.nft_tables and kernel.records == {}
    assert kernel.link(None, "up-web") is None and "web" not in kernel.namespaces


def test_prune_removes_the_table_and_forwarding_of_uplinks_no_longer_described(kernel):
    converged(kernel, plan_topology, topology())
    plan = converged(kernel, plan_topology, topology(namespaces=[{"name": "web"}, {"name": "api"}], forwards=[],
                                                     prune=True))
    assert ("nftables", "delete") in actions(plan) and ("sysctls", "delete") in actions(plan)
    assert (None, *TABLE) not in kernel.nft_tables and kernel.link(None, "up-web") is None
    assert kernel.namespaces[None].sysctls["net.ipv4.conf.eth0.forwarding"] == "0"
    assert not planned(kernel, plan_topology, topology(namespaces=[{"name": "web"}, {"name": "api"}], forwards=[],
                                                       prune=True)).changed


def test_forwarding_someone_else_turned_on_is_neither_recorded_nor_put_back(kernel):
    kernel.namespaces[None].sysctls["net.ipv4.conf.eth0.forwarding"] = "1"
    converged(kernel, plan_topology, topology())
    converged(kernel, plan_topology, topology("absent"))
    assert kernel.namespaces[None].sysctls["net.ipv4.conf.eth0.forwarding"] == "1"


def test_drift_inside_the_owned_table_is_corrected(kernel):
    converged(kernel, plan_topology, topology())
    stray = {"family": "inet", "table": "linuxnet-lab", "chain": "output", "expr": [{"accept": None}]}
    kernel.nft_tables[(None, *TABLE)].append({"rule": stray})
    assert actions(planned(kernel, plan_topology, topology())) == [("nftables", "update")]


def test_a_table_of_that_name_made_by_another_is_a_conflict_and_left_alone(kernel):
    kernel.nft_tables[(None, *TABLE)] = [{"table": {"family": "inet", "name": "linuxnet-lab"}}]
    with pytest.raises(ConflictError, match="exists but was not made by linuxnet.netns:lab"):
        planned(kernel, plan_topology, topology())
    plan = converged(kernel, plan_topology, topology("absent"))
    assert plan.kept == [{"target": "nftables table inet linuxnet-lab in the host namespace",
                          "reason": "not marked as made by linuxnet.netns:lab"}]
    assert (None, *TABLE) in kernel.nft_tables


def test_without_nftables_an_uplink_is_refused_before_any_change(kernel):
    kernel.nft_installed = False
    with pytest.raises(NotFoundError, match="nftables is not installed"):
        planned(kernel, plan_topology, topology())
    assert kernel.requests == []


def test_a_host_without_a_default_route_needs_an_egress(kernel):
    kernel.namespaces[None].routes.clear()
    with pytest.raises(NotFoundError, match="has no default route to leave by"):
        planned(kernel, plan_topology, topology())


def test_firewalld_and_forward_hooks_that_drop_are_warned_about(kernel):
    kernel.nft_tables[(None, "inet", "firewalld")] = [{"table": {"family": "inet", "name": "firewalld"}}]
    kernel.nft_tables[(None, "ip", "filter")] = [{"chain": {"family": "ip", "table": "filter", "name": "FORWARD",
                                                            "hook": "forward", "policy": "drop"}}]
    warnings = planned(kernel, plan_topology, topology()).warnings
    assert any("firewalld" in warning for warning in warnings)
    assert any("chain FORWARD of table ip filter drops forwarded traffic" in warning for warning in warnings)


@pytest.mark.parametrize("change, message", [
    ({"forwards": [{"port": 80, "namespace": "db", "address": "any"}]}, "namespace 'db' has no uplink"),
    ({"forwards": [{"port": 80, "namespace": "web", "address": "::1"}]}, "tcp port 80: address ::1 cannot be forwarded"),
    ({"forwards": [{"port": 80, "namespace": "web", "probe_from": "api"}]},
     "a forward on 127.0.0.1 is reached from the host itself only: probe it from 'host', not from namespace 'api'"),
    ({"forwards": [{"port": 8080, "namespace": "api", "address": "any"}, {"port": 8080, "namespace": "web", "address": "any"}]},
     "tcp port 8080 is already forwarded by forwards[0]"),
    ({"forwards": [{"port": 80, "namespace": "web", "address": "2001:db8::1"}]}, "has no IPv6 address"),
    ({"uplink_range": "198.19.0.0/29"}, "must be an IPv4 network of /28 or larger"),
    ({"namespaces": [{"name": "web", "uplink": {"nat": "yes"}}]}, "uplink nat 'yes' must be true or false"),
    ({"namespaces": [{"name": "web", "uplink": {"addresses": ["198.18.1.1/30", "198.18.2.2/30"]}}]},
     "must be two addresses of one subnet"),
    ({"namespaces": [{"name": "web", "uplink": True, "routes": [{"to": "default", "via": "198.18.1.1"}]}]},
     "its uplink sets the default route"),
    ({"namespaces": [{"name": "web", "uplink": {"router": "web"}}]}, "is the namespace itself"),
    ({"namespaces": [{"name": "web", "interfaces": [{"name": "m0", "kind": "moved", "parent": "eth0"}]}]},
     "parent is for macvlan and ipvlan children"),
    ({"namespaces": [{"name": "web", "interfaces": [{"name": "m0", "parent": "eth0", "mode": "l2"}]}]},
     "macvlan mode 'l2' must be one of"),
])
def test_bad_outside_world_input_is_refused_with_its_place(change, message):
    with pytest.raises(ValidationError, match=message.replace("[", r"\[").replace("]", r"\]")):
        topology(**change)


def test_uplinks_that_pick_the_same_subnet_move_on_and_a_full_range_is_refused():
    names = [{"name": f"n{index}", "uplink": True} for index in range(4)]
    taken = {uplink.router_addresses[0].network for uplink in
             topology(namespaces=names, forwards=[], uplink_range="198.19.0.0/28").uplinks.values()}
    assert len(taken) == 4
    with pytest.raises(ValidationError, match="has room for 4 uplinks"):
        topology(namespaces=names + [{"name": "n4", "uplink": True}], forwards=[], uplink_range="198.19.0.0/28")


def test_the_guard_refuses_the_default_route_and_connection_interfaces_unless_allowed(kernel):
    wanted = AddressSet("eth0", (ipaddress.ip_interface("198.18.201.1/24"),))
    with pytest.raises(ConflictError, match="refusing to re-address interface 'eth0': it carries the host's IPv4 "
                                            "default route"):
        planned(kernel, plan_addresses, wanted)
    kernel.connection = ipaddress.ip_address("198.18.200.5")
    with pytest.raises(ConflictError, match=r"the address of the current Ansible connection \(198.18.200.5\)"):
        planned(kernel, plan_addresses, wanted)
    allowed = planned(kernel, plan_addresses, AddressSet("eth0", wanted.addresses, allow_host_network=True))
    assert allowed.changed and allowed.deprecations == []
    forced = planned(kernel, plan_addresses, AddressSet("eth0", wanted.addresses, force=True))
    assert forced.changed and "with force is deprecated: set allow_host_network: true" in forced.deprecations[0]


def test_rollback_undoes_a_run_last_change_first(kernel):
    view = KernelView(kernel)
    plan = Plan()
    plan_topology(view, topology(), plan)
    journal = Journal(view, "linuxnet.netns:lab")
    plan.apply(journal)
    assert journal.pending and json.loads(json.dumps(journal.entries)) == journal.entries
    report = journal.roll_back(view.fresh())
    assert report["rolled_back"][0].startswith("route") and report["rolled_back"][-1] == "netns web"
    assert report["rollback_errors"] == [] and report["not_undone"] == []
    assert set(kernel.namespaces) == {None} and kernel.link(None, "up-web") is None
    assert kernel.nft_tables == {} and kernel.namespaces[None].sysctls["net.ipv4.conf.eth0.forwarding"] == "0"
    assert kernel.records == {}


def test_a_journal_left_by_a_killed_run_is_finished_by_the_next(kernel):
    view = KernelView(kernel)
    plan = Plan()
    plan_topology(view, topology(), plan)
    journal = Journal(view, "linuxnet.netns:lab")
    for change in plan.changes[:4]:  # killed after four changes
        journal.add(change.target, change.undo)
        change.run()
    later = Journal(KernelView(kernel), "linuxnet.netns:lab")
    assert later.pending and len(later.entries) == 4
    later.roll_back(KernelView(kernel))
    assert set(kernel.namespaces) == {None} and not Journal(KernelView(kernel), "linuxnet.netns:lab").pending


def test_an_undo_step_that_fails_is_reported_and_the_rest_still_run(kernel, monkeypatch):
    view = KernelView(kernel)
    plan = Plan()
    plan_topology(view, topology(), plan)
    journal = Journal(view, "linuxnet.netns:lab")
    plan.apply(journal)

    def refuse(self, commands):
        raise KernelError("nftables refused the change: busy")

    monkeypatch.setattr(type(kernel.nftables(None)), "apply", refuse)
    report = journal.roll_back(view.fresh())
    assert report["rollback_errors"] == ["nftables table inet linuxnet-lab in the host namespace: nftables refused "
                                         "the change: busy"]
    assert set(kernel.namespaces) == {None}


def test_an_uplinks_host_end_takes_the_name_given():
    from ansible_collections.linuxnet.netns.plugins.module_utils._description.topology import Topology
    from ansible_collections.linuxnet.netns.plugins.module_utils._errors import ValidationError

    named = Topology.from_params({"name": "up", "uplink_range": "198.19.0.0/24",
                                  "namespaces": [{"name": "web", "uplink": {"interface": "wan-web"}}]})
    assert [uplink.interface for uplink in named.uplinks.values()] == ["wan-web"]
    for bad in ("wan.web", "much-too-long-name"):
        with pytest.raises(ValidationError, match="uplink interface"):
            Topology.from_params({"name": "up", "namespaces": [{"name": "web", "uplink": {"interface": bad}}]})


def behind_gateway():
    """lan routes through gw, which has the uplink; deep routes through lan: both are behind gw."""
    return Topology.from_params({
        "name": "lab", "uplink_range": "198.19.0.0/24",
        "namespaces": [{"name": "gw", "forwarding": True, "uplink": {"addresses": ["198.18.110.1/30", "198.18.110.2/30"]}},
                       {"name": "lan", "forwarding": True, "loopback": ["198.18.255.7/32"],
                        "routes": [{"to": "default", "via": "198.18.5.1"}]},
                       {"name": "deep", "routes": [{"to": "default", "via": "198.18.6.1"}]},
                       {"name": "alone"}],
        "links": [{"endpoints": [{"netns": "gw", "name": "lan", "addresses": ["198.18.5.1/24"]},
                                 {"netns": "lan", "name": "gw", "addresses": ["198.18.5.2/24"]}]},
                  {"endpoints": [{"netns": "lan", "name": "deep", "addresses": ["198.18.6.1/24"]},
                                 {"netns": "deep", "name": "lan", "addresses": ["198.18.6.2/24"]}]},
                  {"endpoints": [{"netns": "alone", "name": "gw", "addresses": ["198.18.7.2/24"]},
                                 {"netns": "gw", "name": "alone", "addresses": ["198.18.7.1/24"]}]}]})


def test_nat_covers_every_network_routed_behind_the_uplinked_namespace_and_the_host_routes_back(kernel):
    topology = behind_gateway()
    assert [str(network) for network in topology.uplinks["gw"].behind] == \
        ["198.18.255.7/32", "198.18.5.0/24", "198.18.6.0/24"]  # not alone's: it has no route through gw
    converged(kernel, plan_topology, topology)
    masqueraded = [rule["expr"][0]["match"]["right"]["prefix"]["addr"] for rule in rules(kernel)
                   if rule["chain"] == "postrouting"]
    assert masqueraded == ["198.18.110.0", "198.18.255.7", "198.18.5.0", "198.18.6.0"]
    host_routes = {str(route.dst): str(route.gateway) for route in kernel.namespaces[None].routes if route.proto == 77}
    assert host_routes == {"198.18.5.0/24": "198.18.110.2", "198.18.255.7/32": "198.18.110.2",
                           "198.18.6.0/24": "198.18.110.2"}
    assert not planned(kernel, plan_topology, behind_gateway()).changed


def test_a_forward_without_address_is_on_the_hosts_loopback_only(kernel):
    local = topology(forwards=[{"port": 8080, "namespace": "web", "to_port": 80}])
    assert str(local.forwards[0].address) == "127.0.0.1"
    converged(kernel, plan_topology, local)
    chains = [(rule["chain"], rule["comment"]) for rule in rules(kernel) if "forward" in rule["comment"]]
    assert chains == [("output", "forward tcp/127.0.0.1:8080 to web:80 from this host"),
                      ("postrouting", "uplink web: forwards from the loopback")]  # no prerouting: never from outside
    snat = [rule for rule in rules(kernel) if rule["chain"] == "postrouting" and "loopback" in rule["comment"]][0]
    assert snat["expr"][-1] == {"snat": {"family": "ip", "addr": "198.18.110.1"}}
    assert kernel.namespaces[None].sysctls["net.ipv4.conf.up-web.route_localnet"] == "1"
    assert not planned(kernel, plan_topology, topology(forwards=[{"port": 8080, "namespace": "web", "to_port": 80}])).changed


def on_lan_bridge(**uplink):
    return Topology.from_params({"name": "lab", "namespaces": [{"name": "web", "uplink": {
        "bridge": "br-lan", "addresses": ["198.18.200.50/24"], "gateway": "198.18.200.1", **uplink}}]})


def test_an_uplink_on_an_existing_host_bridge_joins_its_network_without_nat(kernel):
    lan = kernel.namespaces[None].add_link("br-lan", "bridge", up=True)
    converged(kernel, plan_topology, on_lan_bridge())
    host_end = kernel.namespaces[None].by_name("up-web")
    assert host_end["master"] == lan  # a port of the host's bridge
    routes = {str(route.dst): str(route.gateway) for route in kernel.namespaces["web"].routes if route.proto == 77}
    assert routes == {"0.0.0.0/0": "198.18.200.1"}
    assert (None, *TABLE) not in kernel.nft_tables  # no NAT, no filter: the bridge's network routes it
    assert "net.ipv4.conf.up-web.forwarding" not in kernel.namespaces[None].sysctls or \
        kernel.namespaces[None].sysctls["net.ipv4.conf.up-web.forwarding"] != "1"
    assert not planned(kernel, plan_topology, on_lan_bridge()).changed


@pytest.mark.parametrize("uplink, message", [
    ({"nat": True}, "uplink bridge 'br-lan': nat is for a routed uplink"),
    ({"gateway": None}, "uplink bridge 'br-lan': give addresses"),
    ({"gateway": "198.18.201.1"}, r"uplink gateway 198.18.201.1 is on none of the namespace's networks \(198.18.200.0/24\)"),
])
def test_a_bridge_uplink_needs_an_address_and_a_gateway_on_its_network(uplink, message):
    with pytest.raises(ValidationError, match=message):
        on_lan_bridge(**uplink)


def test_a_bridge_that_does_not_exist_is_refused_before_any_change(kernel):
    with pytest.raises(NotFoundError, match="br-lan"):
        planned(kernel, plan_topology, on_lan_bridge())
    assert kernel.requests == []
