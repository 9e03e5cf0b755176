"""One description across three fake hosts: namespaces pinned to hosts, a direct link between
two hosts, and a bridge on one host with ports reached from the two others, all as VXLAN tunnels
over the hosts' underlay; verified across the fleet (with a full-MTU probe through every tunnel),
a re-run that changes nothing on any host, and removal that leaves nothing on any host."""
from conftest import playbook, recap

ROLE = "- hosts: fleet\n  gather_facts: false\n  roles: [linuxnet.netns.topology]\n"


def description(fleet):
    h1, h2, h3 = fleet.hosts
    return {
        "topology_name": "spread",
        "topology_verify": True,
        "topology_namespaces": [{"name": "red", "host": h1}, {"name": "hub", "host": h1},
                                {"name": "blue", "host": h2}, {"name": "green", "host": h3}],
        "topology_bridges": [{"name": "br0", "netns": "hub", "addresses": ["198.18.50.1/24"]}],
        "topology_links": [
            {"endpoints": [{"netns": "red", "name": "eth0", "addresses": ["198.18.60.1/24", "2001:db8:60::1/64"]},
                           {"netns": "blue", "name": "eth0", "addresses": ["198.18.60.2/24", "2001:db8:60::2/64"]}]},
            {"endpoints": [{"netns": "blue", "name": "lan", "addresses": ["198.18.50.2/24"]},
                           {"netns": "hub", "name": "p-blue", "bridge": "br0"}]},
            {"endpoints": [{"netns": "green", "name": "lan", "addresses": ["198.18.50.3/24"]},
                           {"netns": "hub", "name": "p-green", "bridge": "br0"}]},
            {"endpoints": [{"netns": "red", "name": "lan", "addresses": ["198.18.50.4/24"]},
                           {"netns": "hub", "name": "p-red", "bridge": "br0"}]},
        ],
    }


def netns_list(fleet, host):
    return sorted(line.split()[0] for line in fleet.on_host(host, ["ip", "netns", "list"]).stdout.splitlines())


def vxlans_in_underlay(fleet, host):
    return fleet.on_host(host, ["ip", "-o", "link", "show", "type", "vxlan"]).stdout


def test_one_description_spread_over_three_hosts(fleet, tmp_path):
    h1, h2, h3 = fleet.hosts
    variables = description(fleet)
    try:
        built = playbook(fleet, tmp_path, ROLE, variables)
        assert built.returncode == 0, built.stdout[-4000:]
        assert all(recap(built.stdout)[host]["changed"] > 0 for host in fleet.hosts)
        assert netns_list(fleet, h1) == ["hub", "red"] and netns_list(fleet, h2) == ["blue"]
        assert netns_list(fleet, h3) == ["green"]
        assert all(vxlans_in_underlay(fleet, host) == "" for host in fleet.hosts)  # all moved into namespaces
        # the fleet's matrix, rows and columns as host/namespace, every probed pair ok
        assert f"{h1}/red" in built.stdout and f"{h3}/green" in built.stdout and "FAIL" not in built.stdout
        assert "tunnel-mtu" not in built.stdout  # no probe failed, so none is listed as unreachable
        lan = fleet.on_host(h1, ["ip", "-n", "red", "link", "show", "lan"]).stdout
        assert "mtu 1450" in lan  # a local port of a bridge with tunnel ports takes the tunnel's MTU
        ping = fleet.on_host(h3, ["ip", "netns", "exec", "green", "ping", "-c", "1", "-W", "2", "198.18.50.2"])
        assert ping.returncode == 0, ping.stdout + ping.stderr  # h3 to h2 through the bridge on h1

        again = playbook(fleet, tmp_path, ROLE, variables)
        assert again.returncode == 0, again.stdout[-4000:]
        assert all(recap(again.stdout)[host]["changed"] == 0 for host in fleet.hosts)
    finally:
        gone = playbook(fleet, tmp_path, ROLE, {**variables, "topology_state": "absent"})
    assert gone.returncode == 0, gone.stdout[-4000:]
    for host in fleet.hosts:
        assert netns_list(fleet, host) == [] and vxlans_in_underlay(fleet, host) == ""


def test_a_mistake_fails_on_every_host_in_the_same_words_before_any_change(fleet, tmp_path):
    variables = description(fleet)
    variables["topology_namespaces"][0]["host"] = "nosuchhost"
    failed = playbook(fleet, tmp_path, ROLE, variables)
    assert failed.returncode != 0
    message = "namespace 'red' is pinned to host 'nosuchhost', which is not a host of the play"
    assert failed.stdout.count(message) >= len(fleet.hosts), failed.stdout[-3000:]
    assert all(netns_list(fleet, host) == [] for host in fleet.hosts)


def test_the_same_names_on_two_hosts_are_two_namespaces(fleet, tmp_path):
    """Names unique per host: namespace lab with bridge br0 on each of two hosts, joined by a tunnel
    whose ends are both eth0, and a host namespace per host on the bridge. (No topology_hosts here:
    the fake hosts share one /etc, where each host would write its own hosts file.)"""
    h1, h2, _h3 = fleet.hosts
    variables = {
        "topology_name": "twins",
        "topology_namespaces": [{"name": "lab", "host": h1}, {"name": "lab", "host": h2},
                                {"name": "pc", "host": h1}, {"name": "pc", "host": h2}],
        "topology_bridges": [{"name": "br0", "netns": "lab", "host": h1}, {"name": "br0", "netns": "lab", "host": h2}],
        "topology_links": [
            {"endpoints": [{"netns": "lab", "host": h1, "name": "eth0", "bridge": "br0"},
                           {"netns": "lab", "host": h2, "name": "eth0", "bridge": "br0"}]},
            {"endpoints": [{"netns": "pc", "host": h1, "name": "lan", "addresses": ["198.18.70.1/24"]},
                           {"netns": "lab", "host": h1, "name": "pc", "bridge": "br0"}]},
            {"endpoints": [{"netns": "pc", "host": h2, "name": "lan", "addresses": ["198.18.70.2/24"]},
                           {"netns": "lab", "host": h2, "name": "pc", "bridge": "br0"}]},
        ],
        "topology_verify": True,
    }
    try:
        built = playbook(fleet, tmp_path, ROLE, variables)
        assert built.returncode == 0, built.stdout[-4000:]
        for host in (h1, h2):
            assert netns_list(fleet, host) == ["lab", "pc"]
        ping = fleet.on_host(h1, ["ip", "netns", "exec", "pc", "ping", "-c", "1", "-W", "2", "198.18.70.2"])
        assert ping.returncode == 0, ping.stdout + ping.stderr  # h1's pc to h2's, across the tunnel
        again = playbook(fleet, tmp_path, ROLE, variables)
        assert again.returncode == 0 and all(recap(again.stdout)[host]["changed"] == 0 for host in fleet.hosts), \
            again.stdout[-4000:]
    finally:
        gone = playbook(fleet, tmp_path, ROLE, {**variables, "topology_state": "absent"})
    assert gone.returncode == 0, gone.stdout[-4000:]
    for host in fleet.hosts:
        assert netns_list(fleet, host) == []
