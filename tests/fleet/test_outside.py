"""Uplinks and port forwards, hermetic: a fake host of the fleet is the host, its controller is the
"internet" beyond the host's egress interface (it has a server address and no route back to the
namespaces' ranges). Egress from a namespace reaches the internet server, which sees the fake
host's address; a port forward reaches a server in the namespace from the internet and from the
host itself; a re-run changes nothing; absent gives the host back exactly as it was."""
import json
import subprocess
import time

import pytest
from conftest import playbook, recap

INTERNET_V6 = "2001:db8:100::1"
HOST_V6 = "2001:db8:100::11"
SERVER_PORT = 7000  # on the internet
SERVICE_PORT = 8080  # the host's forwarded port
LOCAL_PORT = 8090  # forwarded from the host's loopback only (a forward without address)
# A server that answers each connection with the address it came from, then goes on.
SERVER = ("import socket,sys\n"
          "s=socket.socket(socket.AF_INET6); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\n"
          "s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0); s.bind(('::', int(sys.argv[1]))); s.listen(8)\n"
          "s.settimeout(300)\n"
          "while True:\n"
          "    c, a = s.accept(); c.sendall(a[0].removeprefix('::ffff:').encode()); c.close()\n")
CLIENT = ("import socket,sys\n"
          "c=socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=5); print(c.recv(64).decode())\n")


def play(host):
    return f"- hosts: {host}\n  gather_facts: false\n  roles: [linuxnet.netns.topology]\n"


def description(name="outside"):
    return {
        "topology_name": name,
        "topology_when_busy": "kill",
        "topology_uplink_range": "198.19.200.0/24",
        "topology_namespaces": [
            {"name": "web", "uplink": {"nat": True,
                                       "addresses": [["198.18.110.1/30", "2001:db8:110::1/64"],
                                                     ["198.18.110.2/30", "2001:db8:110::2/64"]]}},
            {"name": "api", "uplink": True},
        ],
        "topology_forwards": [{"protocol": "tcp", "port": SERVICE_PORT, "namespace": "web", "to_port": 80, "address": "any"},
                              {"port": LOCAL_PORT, "namespace": "web", "to_port": 80}],
    }


def on(fleet, host, *argv):
    done = fleet.on_host(host, list(argv))
    return done.stdout.strip() if done.returncode == 0 else f"FAILED {done.returncode}: {done.stderr.strip()}"


def host_state(fleet, host):
    """What absent must give back exactly: links, addresses, routes, forwarding, the ruleset."""
    return {
        "links": on(fleet, host, "ip", "-o", "link", "show"),
        "addresses": on(fleet, host, "ip", "-o", "address", "show").replace(" tentative", ""),  # DAD, not us
        "routes": on(fleet, host, "ip", "route", "show") + on(fleet, host, "ip", "-6", "route", "show"),
        "forwarding": on(fleet, host, "sysctl", "net.ipv4.conf.eth0.forwarding", "net.ipv4.conf.all.forwarding",
                         "net.ipv6.conf.all.forwarding"),
        "ruleset": on(fleet, host, "nft", "list", "ruleset"),
        "namespaces": on(fleet, host, "ip", "netns", "list"),
    }


@pytest.fixture()
def internet(fleet, tmp_path):
    """IPv6 on the fake host's LAN, and a server on the internet (the controller) that says who called."""
    host = fleet.hosts[0]
    server_file = fleet.work / "who.py"
    server_file.write_text(SERVER)
    (fleet.work / "client.py").write_text(CLIENT)
    assert fleet.controller_command(["ip", "address", "add", f"{INTERNET_V6}/64", "dev", "br0", "nodad"]).returncode == 0
    assert on(fleet, host, "ip", "address", "add", f"{HOST_V6}/64", "dev", "eth0", "nodad") == ""
    assert on(fleet, host, "ip", "-6", "route", "add", "default", "via", INTERNET_V6) == ""
    server = fleet.controller_server(["python3", str(server_file), str(SERVER_PORT)])
    time.sleep(0.3)
    try:
        yield host
    finally:
        server.kill()
        server.wait()
        on(fleet, host, "ip", "-6", "route", "del", "default", "via", INTERNET_V6)
        on(fleet, host, "ip", "address", "del", f"{HOST_V6}/64", "dev", "eth0")
        fleet.controller_command(["ip", "address", "del", f"{INTERNET_V6}/64", "dev", "br0"])


def reported(fleet, tmp_path, host, names):
    """What netns_info says on host about namespaces `names`."""
    path = fleet.work / f"info-{host}.json"
    task = (f"- hosts: {host}\n  gather_facts: false\n  tasks:\n"
            f"    - linuxnet.netns.netns_info: {{names: {json.dumps(names)}}}\n      register: info\n"
            f"    - ansible.builtin.copy: {{content: '{{{{ info | to_json }}}}', dest: {path}}}\n")
    done = playbook(fleet, tmp_path, task)
    assert done.returncode == 0, done.stdout[-3000:]
    return json.loads(path.read_text())


def client(fleet, host, netns, address, port):
    """Who the server at address:port says called it, from namespace netns of host (None: the host)."""
    prefix = ["ip", "netns", "exec", netns] if netns else []
    return on(fleet, host, *prefix, "python3", str(fleet.work / "client.py"), address, str(port))


def table(fleet, host, name="outside"):
    return on(fleet, host, "nft", "-j", "list", "table", "inet", f"linuxnet-{name}")


def without_handles(listed):
    return [{kind: {key: value for key, value in body.items() if key != "handle"} for kind, body in entry.items()}
            for entry in json.loads(listed)["nftables"]]


def test_uplink_nat_and_a_port_forward_then_the_host_given_back(fleet, tmp_path, internet):
    host = internet
    before = host_state(fleet, host)
    variables = description()
    server = None
    try:
        predicted = playbook(fleet, tmp_path, play(host), variables, check=True)
        assert predicted.returncode == 0 and recap(predicted.stdout)[host]["changed"] == 1, predicted.stdout[-3000:]
        assert host_state(fleet, host) == before  # check mode changes nothing
        built = playbook(fleet, tmp_path, play(host), variables)
        assert built.returncode == 0, built.stdout[-4000:]

        # egress: ping and TCP reach the internet, which sees the fake host's own address
        ping = on(fleet, host, "ip", "netns", "exec", "web", "ping", "-c", "1", "-W", "2", "198.18.100.1")
        assert "1 received" in ping, ping
        assert client(fleet, host, "web", "198.18.100.1", SERVER_PORT) == fleet.address(host)
        assert client(fleet, host, "api", "198.18.100.1", SERVER_PORT) == fleet.address(host)
        assert client(fleet, host, "web", INTERNET_V6, SERVER_PORT) == HOST_V6
        assert "198.19.200." in on(fleet, host, "ip", "-n", "api", "-o", "address", "show", "uplink")

        # ingress: the forward from the internet and from the host itself (hairpin), to a server in web
        server = on(fleet, host, "sh", "-c", f"ip netns exec web python3 {fleet.work}/who.py 80 >/dev/null 2>&1 & echo $!")
        assert server.isdigit(), server
        time.sleep(0.5)
        from_internet = fleet.controller_command(["python3", str(fleet.work / "client.py"), fleet.address(host),
                                                  str(SERVICE_PORT)])
        assert from_internet.stdout.strip() == "198.18.100.1", from_internet.stdout + from_internet.stderr
        from_v6_internet = fleet.controller_command(["python3", str(fleet.work / "client.py"), HOST_V6,
                                                     str(SERVICE_PORT)])
        assert from_v6_internet.stdout.strip() == INTERNET_V6, from_v6_internet.stdout + from_v6_internet.stderr
        assert client(fleet, host, None, fleet.address(host), SERVICE_PORT) == fleet.address(host)

        # a forward without address is on the host's loopback: from the host, never from outside
        assert client(fleet, host, None, "127.0.0.1", LOCAL_PORT) == "198.18.110.1"  # from the uplink's host end
        outside = fleet.controller_command(["python3", str(fleet.work / "client.py"), fleet.address(host), str(LOCAL_PORT)])
        assert outside.returncode != 0, outside.stdout

        # the LAN routes to the uplink's subnet through the host: a port never forwarded does not answer
        # (issue 22, item 5), though the forward above still does
        route = ["198.18.110.0/30", "via", fleet.address(host)]
        assert fleet.controller_command(["ip", "route", "add", *route]).returncode == 0
        try:
            direct = fleet.controller_command(["python3", str(fleet.work / "client.py"), "198.18.110.2", "80"])
            assert direct.returncode != 0 and "timed out" in direct.stderr, direct.stdout + direct.stderr
        finally:
            fleet.controller_command(["ip", "route", "del", *route])

        # netns_info reports the uplink, the owned table, its masquerades and the forward
        info = reported(fleet, tmp_path, host, ["web"])
        uplink = info["namespaces"]["web"]["uplink"]
        uplink["addresses"] = [address for address in uplink["addresses"] if not address.startswith("fe80:")]
        assert uplink == {"router": None, "router_interface": "up-web",
                          "addresses": ["198.18.110.2/30", "2001:db8:110::2/64"],
                          "gateways": ["198.18.110.1", "2001:db8:110::1"]}
        table_info = info["firewall"]["host"]["linuxnet-outside"]
        assert table_info["owner"] == "linuxnet.netns:outside"
        assert {"source": "198.18.110.0/30", "egress": "eth0"} in table_info["masquerade"]
        assert {"protocol": "tcp", "port": SERVICE_PORT, "address": None, "to_address": "198.18.110.2",
                "to_port": 80} in table_info["forwards"]

        # a re-run changes nothing, and the table is byte for byte the same
        listed = table(fleet, host)
        assert json.loads(listed)["nftables"][1]["table"]["name"] == "linuxnet-outside"
        again = playbook(fleet, tmp_path, play(host), variables)
        assert again.returncode == 0 and recap(again.stdout)[host]["changed"] == 0, again.stdout[-4000:]
        assert table(fleet, host) == listed

        # drift inside the owned table is corrected
        on(fleet, host, "nft", "add", "rule", "inet", "linuxnet-outside", "postrouting", "masquerade")
        fixed = playbook(fleet, tmp_path, play(host), variables)
        assert fixed.returncode == 0 and recap(fixed.stdout)[host]["changed"] == 1, fixed.stdout[-4000:]
        assert without_handles(table(fleet, host)) == without_handles(listed)  # made anew: new handles

        # verification pings the internet from web, and connects to forwards from the host and from api
        probed = json.loads(json.dumps(variables))
        probed["topology_verify"] = True
        probed["topology_namespaces"][0]["uplink"]["probe"] = "198.18.100.1"
        probed["topology_forwards"] += [{"port": SERVICE_PORT + 1, "namespace": "web", "to_port": 80, "probe_from": "host",
                                         "address": "any"},
                                        {"port": SERVICE_PORT + 2, "namespace": "web", "to_port": 80, "probe_from": "api",
                                         "address": "any"}]
        verified = playbook(fleet, tmp_path, play(host), probed)
        assert verified.returncode == 0 and recap(verified.stdout)[host]["changed"] == 1, verified.stdout[-4000:]
        subprocess.run(["kill", server], check=True)  # by its pid, which the machine's PID namespace sees too
        server = None
        unanswered = playbook(fleet, tmp_path, play(host), probed)  # nothing listens in web any more
        assert unanswered.returncode != 0, unanswered.stdout[-3000:]
        assert f"api -> web (a TCP probe of the port forward to 198.18.100.11 port {SERVICE_PORT + 2}" in unanswered.stdout, \
            unanswered.stdout[-3000:]
    finally:
        if server is not None:
            subprocess.run(["kill", server], check=False)
        gone = playbook(fleet, tmp_path, play(host), {**variables, "topology_state": "absent"})
    assert gone.returncode == 0, gone.stdout[-4000:]
    assert host_state(fleet, host) == before


def test_nat_covers_the_namespaces_routed_behind_the_uplinked_one(fleet, tmp_path, internet):
    """gw has the uplink; lan routes through gw and deep through lan: both reach the internet as the
    host, and the host routes their replies back through gw; absent gives the host back."""
    host = internet
    before = host_state(fleet, host)
    variables = {
        "topology_name": "behind", "topology_uplink_range": "198.19.200.0/24",
        "topology_namespaces": [
            {"name": "gw", "forwarding": True, "uplink": {"addresses": ["198.18.111.1/30", "198.18.111.2/30"]},
             "routes": [{"to": "198.18.113.0/24", "via": "198.18.112.2"}]},  # deep's network, through lan
            {"name": "lan", "forwarding": True, "routes": [{"to": "default", "via": "198.18.112.1"}]},
            {"name": "deep", "routes": [{"to": "default", "via": "198.18.113.1"}]}],
        "topology_links": [
            {"endpoints": [{"netns": "gw", "name": "lan", "addresses": ["198.18.112.1/24"]},
                           {"netns": "lan", "name": "gw", "addresses": ["198.18.112.2/24"]}]},
            {"endpoints": [{"netns": "lan", "name": "deep", "addresses": ["198.18.113.1/24"]},
                           {"netns": "deep", "name": "lan", "addresses": ["198.18.113.2/24"]}]}],
    }
    try:
        built = playbook(fleet, tmp_path, play(host), variables)
        assert built.returncode == 0, built.stdout[-4000:]
        for netns in ("gw", "lan", "deep"):  # the server sees the fake host's address: masqueraded
            assert client(fleet, host, netns, "198.18.100.1", SERVER_PORT) == fleet.address(host), netns
        routes = on(fleet, host, "ip", "route", "show", "proto", "77")
        assert "198.18.112.0/24 via 198.18.111.2 dev up-gw" in routes and "198.18.113.0/24 via 198.18.111.2" in routes
        again = playbook(fleet, tmp_path, play(host), variables)
        assert again.returncode == 0 and recap(again.stdout)[host]["changed"] == 0, again.stdout[-4000:]
    finally:
        gone = playbook(fleet, tmp_path, play(host), {**variables, "topology_state": "absent"})
    assert gone.returncode == 0, gone.stdout[-4000:]
    assert host_state(fleet, host) == before


def without_bridge(state, bridge="lnt-lan"):
    """The host's state but the lines of `bridge`, whose carrier and link-local address come and go."""
    return {key: "\n".join(line for line in value.splitlines() if bridge not in line) for key, value in state.items()}


def test_an_uplink_on_an_existing_host_bridge_has_its_gateway_there(fleet, tmp_path):
    """The host's own bridge (made here as an operator would, with the host's address on it) takes
    the uplink's host end as a port; the namespace is on its network, its default route through
    the bridge's address; no NAT table; absent leaves the bridge as it was."""
    host = fleet.hosts[0]
    for command in (["ip", "link", "add", "lnt-lan", "type", "bridge"], ["ip", "address", "add", "198.18.150.1/24",
                                                                         "dev", "lnt-lan"],
                    ["ip", "link", "set", "lnt-lan", "up"]):
        assert on(fleet, host, *command) == "", command
    before = host_state(fleet, host)
    variables = {"topology_name": "onlan", "topology_namespaces": [{"name": "web", "uplink": {
        "bridge": "lnt-lan", "addresses": ["198.18.150.50/24"], "gateway": "198.18.150.1"}}]}
    try:
        built = playbook(fleet, tmp_path, play(host), variables)
        assert built.returncode == 0, built.stdout[-4000:]
        assert "master lnt-lan" in on(fleet, host, "ip", "link", "show", "up-web")
        assert on(fleet, host, "ip", "-n", "web", "route", "show", "default").startswith("default via 198.18.150.1")
        ping = on(fleet, host, "ip", "netns", "exec", "web", "ping", "-c", "1", "-W", "2", "198.18.150.1")
        assert "1 received" in ping, ping
        assert "linuxnet-onlan" not in on(fleet, host, "nft", "list", "tables")
        again = playbook(fleet, tmp_path, play(host), variables)
        assert again.returncode == 0 and recap(again.stdout)[host]["changed"] == 0, again.stdout[-4000:]
    finally:
        gone = playbook(fleet, tmp_path, play(host), {**variables, "topology_state": "absent"})
        after = host_state(fleet, host)
        ports = on(fleet, host, "ip", "link", "show", "master", "lnt-lan")
        on(fleet, host, "ip", "link", "delete", "lnt-lan")
    assert gone.returncode == 0, gone.stdout[-4000:]
    assert ports == ""  # the bridge has no port of ours left; its carrier comes and goes with ports:
    assert without_bridge(after) == without_bridge(before)


def test_a_table_of_that_name_made_by_another_is_left_alone(fleet, tmp_path, internet):
    host = internet
    variables = description("lookalike")
    on(fleet, host, "nft", "add", "table", "inet", "linuxnet-lookalike")
    on(fleet, host, "nft", "add", "chain", "inet", "linuxnet-lookalike", "owner")
    on(fleet, host, "nft", "add", "rule", "inet", "linuxnet-lookalike", "owner", "accept", "comment", '"someone else"')
    try:
        theirs = table(fleet, host, "lookalike")
        before = host_state(fleet, host)
        refused = playbook(fleet, tmp_path, play(host), variables)
        assert refused.returncode != 0
        assert "nftables table inet linuxnet-lookalike in the host namespace exists but was not made by " \
               "linuxnet.netns:lookalike" in refused.stdout, refused.stdout[-3000:]
        gone = playbook(fleet, tmp_path, play(host), {**variables, "topology_state": "absent"})
        assert gone.returncode == 0, gone.stdout[-3000:]
        assert table(fleet, host, "lookalike") == theirs
        after = host_state(fleet, host)
        assert after == before
    finally:
        on(fleet, host, "nft", "delete", "table", "inet", "linuxnet-lookalike")


def test_the_guard_refuses_the_hosts_own_interfaces_and_allow_host_network_overrides_it(fleet, tmp_path):
    host = fleet.hosts[1]
    task = ("- hosts: {host}\n  gather_facts: false\n  tasks:\n"
            "    - linuxnet.netns.netns_addr: {{interface: {name}, addresses: [{address}], {option}: {allowed}}}\n")
    # an IPv6 default route through a veth of the host's own, beside eth0 (which carries the connection)
    on(fleet, host, "ip", "link", "add", "lntg0", "type", "veth", "peer", "name", "lntg1")
    on(fleet, host, "ip", "link", "set", "lntg0", "up")
    on(fleet, host, "ip", "-6", "route", "add", "default", "dev", "lntg0")
    try:
        before = host_state(fleet, host)
        for name, carried in (("eth0", f"the address of the current Ansible connection ({fleet.address(host)})"),
                              ("lntg0", "the host's IPv6 default route")):
            refused = playbook(fleet, tmp_path, task.format(host=host, name=name, address="198.18.120.1/24",
                                                            option="allow_host_network", allowed="false"))
            assert refused.returncode != 0
            assert f"refusing to re-address interface '{name}': it carries {carried}" in refused.stdout, \
                refused.stdout[-3000:]
        assert host_state(fleet, host) == before
        allowed = playbook(fleet, tmp_path, task.format(host=host, name="lntg0", address="198.18.120.1/24",
                                                        option="allow_host_network", allowed="true"))
        assert allowed.returncode == 0 and "DEPRECATION" not in allowed.stdout + allowed.stderr, allowed.stdout[-3000:]
        assert "198.18.120.1/24" in on(fleet, host, "ip", "-o", "address", "show", "lntg0")
        # force still passes the guard, with a deprecation warning
        forced = playbook(fleet, tmp_path, task.format(host=host, name="lntg0", address="198.18.120.2/24",
                                                       option="force", allowed="true"))
        assert forced.returncode == 0, forced.stdout[-3000:]
        said = " ".join((forced.stdout + forced.stderr).split())  # warnings may be wrapped
        assert "passing the guard of the host's network with force is deprecated" in said, said[-3000:]
        assert "198.18.120.2/24" in on(fleet, host, "ip", "-o", "address", "show", "lntg0")
    finally:
        on(fleet, host, "ip", "link", "delete", "lntg0")


def test_the_guard_covers_host_routes_alternative_names_and_policy_tables(fleet, tmp_path):
    """Issue 22, items 2, 3, 4 and 6, on a fake host: its default route via 198.18.100.1 on eth0, eth0
    also named lntalt0, a default route of policy table 100 on a veth of its own, and its sshd on
    port 22."""
    host = fleet.hosts[1]
    on(fleet, host, "ip", "link", "property", "add", "dev", "eth0", "altname", "lntalt0")
    on(fleet, host, "ip", "link", "add", "lntg2", "type", "veth", "peer", "name", "lntg3")
    on(fleet, host, "ip", "link", "set", "lntg2", "up")
    on(fleet, host, "ip", "link", "add", "lntg4", "type", "veth", "peer", "name", "lntg5")
    on(fleet, host, "ip", "route", "add", "default", "dev", "lntg2", "table", "100")
    on(fleet, host, "ip", "rule", "add", "fwmark", "7", "lookup", "100")
    attacks = [
        ("netns_route: {to: default, via: 198.18.100.1, state: absent}",
         "refusing to delete the host's route to 0.0.0.0/0: it is the host's IPv4 default route"),
        ("netns_route: {to: default, via: 198.18.100.9}", "refusing to change the host's route to 0.0.0.0/0"),
        ("netns_route: {to: 198.18.100.1/32, interface: lntg2}",
         "the host reaches the gateway of its default route (198.18.100.1) by it"),
        ("netns_host_interface: {name: lntalt0, netns: lntguard}",
         "refusing to move into a namespace interface 'lntalt0' (an alternative name of 'eth0')"),
        ("netns_bridge: {name: lntbr9, ports: [lntalt0]}", "enslave to bridge 'lntbr9' the interface 'lntalt0'"),
        ("netns_addr: {interface: lntg2, addresses: [198.18.122.1/24]}",
         "it carries the host's IPv4 default route (routing table 100)"),
        # item 6: an address the host's gateway or the host itself has
        ("netns_addr: {interface: lntg4, addresses: [198.18.100.1/24]}",
         "refusing to add 198.18.100.1/24: 198.18.100.1 is the gateway of the host's default route"),
        (f"netns_addr: {{interface: lntg4, addresses: [{fleet.address(host)}/24]}}",
         f"{fleet.address(host)} is the host's own address on 'eth0'"),
        # item 4: a forward of the port the host's sshd listens on would cut Ansible off
        ("netns_topology: {name: lntsteal, uplink_range: 198.19.201.0/24, namespaces: [{name: lntsteal, uplink: true}], "
         "forwards: [{port: 22, namespace: lntsteal, address: any}]}",
         "refusing to forward tcp port 22 (tcp/*:22 to lntsteal:22): a service of the host namespace listens on"),
    ]
    task = "- hosts: {host}\n  gather_facts: false\n  tasks:\n    - linuxnet.netns.{task}\n"
    try:
        made = playbook(fleet, tmp_path, task.format(host=host, task="netns: {name: lntguard}"))
        assert made.returncode == 0, made.stdout[-3000:]
        before = {**host_state(fleet, host), "policy": on(fleet, host, "ip", "route", "show", "table", "100")}
        for attack, refusal in attacks:
            refused = playbook(fleet, tmp_path, task.format(host=host, task=attack))
            assert refused.returncode != 0 and refusal in refused.stdout, (attack, refused.stdout[-3000:])
        assert {**host_state(fleet, host), "policy": on(fleet, host, "ip", "route", "show", "table", "100")} == before
        allowed = playbook(fleet, tmp_path, task.format(
            host=host, task="netns_route: {to: 198.18.100.1/32, interface: eth0, allow_host_network: true}"))
        assert allowed.returncode == 0, allowed.stdout[-3000:]
        assert "198.18.100.1 dev eth0" in on(fleet, host, "ip", "route", "show", "198.18.100.1/32")
    finally:
        on(fleet, host, "ip", "route", "del", "198.18.100.1/32", "dev", "eth0")
        on(fleet, host, "ip", "rule", "del", "fwmark", "7", "lookup", "100")
        on(fleet, host, "ip", "link", "delete", "lntg2")
        on(fleet, host, "ip", "link", "delete", "lntg4")
        on(fleet, host, "ip", "link", "property", "del", "dev", "eth0", "altname", "lntalt0")
        on(fleet, host, "ip", "netns", "delete", "lntguard")


def kernel_has_link_kind(kind):
    subprocess.run(["ip", "netns", "add", "lnt-kindprobe"], check=True)
    try:
        made = subprocess.run(["ip", "-n", "lnt-kindprobe", "link", "add", "probe0", "type", kind],
                              capture_output=True, text=True, check=False)
        return "Unknown device type" not in made.stderr and "not supported" not in made.stderr.lower()
    finally:
        subprocess.run(["ip", "netns", "delete", "lnt-kindprobe"], check=True)


def test_a_macvlan_on_the_hosts_lan_and_a_moved_interface_that_comes_back(fleet, tmp_path):
    host = fleet.hosts[2]
    on(fleet, host, "ip", "link", "add", "lntspare", "type", "veth", "peer", "name", "lntspare-p")
    on(fleet, host, "ip", "address", "add", "198.18.121.1/24", "dev", "lntspare")
    on(fleet, host, "ip", "link", "set", "lntspare", "up")
    variables = {
        "topology_name": "onlan",
        "topology_namespaces": [{"name": "lan", "interfaces": [
            {"name": "lan0", "kind": "macvlan", "parent": "eth0", "mode": "bridge", "addresses": ["198.18.100.150/24"]},
            {"name": "lntspare", "kind": "moved", "addresses": ["198.18.121.5/24"]},
        ]}],
    }
    try:
        before = host_state(fleet, host)
        built = playbook(fleet, tmp_path, play(host), variables)
        assert built.returncode == 0, built.stdout[-4000:]
        ping = on(fleet, host, "ip", "netns", "exec", "lan", "ping", "-c", "1", "-W", "2", "198.18.100.1")
        assert "1 received" in ping, ping  # the controller is the host's LAN neighbour
        assert "macvlan mode bridge" in on(fleet, host, "ip", "-d", "-n", "lan", "link", "show", "lan0")
        assert "198.18.121.5/24" in on(fleet, host, "ip", "-n", "lan", "-o", "address", "show", "lntspare")
        assert "lntspare:" not in on(fleet, host, "ip", "-o", "link", "show")
        again = playbook(fleet, tmp_path, play(host), variables)
        assert again.returncode == 0 and recap(again.stdout)[host]["changed"] == 0, again.stdout[-4000:]

        # passthru would take eth0 over, and eth0 carries the connection: refused before any change
        passthru = json.loads(json.dumps(variables))
        passthru["topology_namespaces"][0]["interfaces"][0].update(name="lan1", mode="passthru")
        refused = playbook(fleet, tmp_path, play(host), passthru)
        assert refused.returncode != 0
        assert "refusing to take over (macvlan passthru) interface 'eth0'" in refused.stdout, refused.stdout[-3000:]
    finally:
        gone = playbook(fleet, tmp_path, play(host), {**variables, "topology_state": "absent"})
        assert gone.returncode == 0, gone.stdout[-4000:]
        try:
            assert host_state(fleet, host) == before  # lntspare back, with its address, up
        finally:
            on(fleet, host, "ip", "link", "delete", "lntspare")


def test_ipvlan_is_refused_by_a_kernel_without_it_before_any_change(fleet, tmp_path):
    if kernel_has_link_kind("ipvlan"):
        pytest.skip("this kernel has ipvlan: the refusal cannot happen here")
    host = fleet.hosts[2]
    before = host_state(fleet, host)
    variables = {"topology_name": "ipv", "topology_namespaces": [{"name": "lan", "interfaces": [
        {"name": "ipv0", "kind": "ipvlan", "parent": "eth0", "mode": "l2"}]}]}
    refused = playbook(fleet, tmp_path, play(host), variables)
    assert refused.returncode != 0
    assert "ipvlan ipv0 in namespace 'lan': this kernel has no ipvlan link kind" in refused.stdout, \
        refused.stdout[-3000:]
    assert host_state(fleet, host) == before


@pytest.mark.parametrize("failure", ["verification", "kernel refusal"])
def test_rollback_gives_the_host_back_as_it_was(fleet, tmp_path, internet, failure):
    host = internet
    variables = {**description("rollback"), "topology_rollback": True, "topology_verify": True}
    if failure == "verification":  # a namespace that answers no ping: the last step, verification, fails
        variables["topology_namespaces"].append({"name": "deaf", "sysctls": {"net.ipv4.icmp_echo_ignore_all": 1}})
        addresses = (["198.18.122.1/30"], ["198.18.122.2/30"])
    else:  # an IPv6 address where IPv6 is off: the kernel refuses it once the uplinks are made
        variables["topology_namespaces"].append({"name": "deaf", "sysctls": {
            "net.ipv6.conf.all.disable_ipv6": 1, "net.ipv6.conf.default.disable_ipv6": 1}})
        addresses = (["198.18.122.1/30"], ["2001:db8:122::2/64"])
    variables["topology_links"] = [{"endpoints": [{"netns": "web", "name": "side", "addresses": addresses[0]},
                                                  {"netns": "deaf", "name": "side", "addresses": addresses[1]}]}]
    before = host_state(fleet, host)
    try:
        failed = playbook(fleet, tmp_path, play(host), variables)
        assert failed.returncode != 0
        assert "rolled back: " in failed.stdout and "nftables table inet linuxnet-rollback" in failed.stdout, \
            failed.stdout[-4000:]
        assert host_state(fleet, host) == before
    finally:
        playbook(fleet, tmp_path, play(host), {**variables, "topology_state": "absent"})
