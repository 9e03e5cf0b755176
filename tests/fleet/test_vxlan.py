"""netns_vxlan between two fake hosts: a tunnel from a namespace on one to a namespace on the other
over their underlay, its automatic MTU proven by don't-fragment pings, idempotent, and removed."""
from conftest import playbook, recap

TUNNEL = """
- hosts: "{{ pair }}"
  gather_facts: false
  vars:
    peer: "{{ (pair | difference([inventory_hostname])) | first }}"
    number: "{{ pair.index(inventory_hostname) + 1 }}"
  tasks:
    - linuxnet.netns.netns: {name: red, state: "{{ state }}"}
    - linuxnet.netns.netns_vxlan:
        name: tun0
        netns: red
        vni: 4242
        local: "{{ ansible_host }}"
        remote: "{{ hostvars[peer].ansible_host }}"
      when: state == 'present'
    - linuxnet.netns.netns_addr:
        netns: red
        interface: tun0
        addresses: ["198.18.200.{{ number }}/24"]
        nodad: true
      when: state == 'present'
"""


def ping(fleet, host, *args):
    return fleet.on_host(host, ["ip", "netns", "exec", "red", "ping", "-c", "1", "-W", "2", *args])


def test_a_tunnel_joins_namespaces_on_two_hosts(fleet, tmp_path):
    pair = fleet.hosts[:2]
    variables = {"pair": pair, "state": "present"}
    built = playbook(fleet, tmp_path, TUNNEL, variables)
    assert built.returncode == 0, built.stdout[-3000:]
    try:
        assert ping(fleet, pair[0], "198.18.200.2").returncode == 0
        mtu = fleet.on_host(pair[0], ["ip", "netns", "exec", "red", "cat", "/sys/class/net/tun0/mtu"]).stdout
        assert int(mtu) == 1450  # the fake hosts' underlay MTU 1500, less 50 for VXLAN over IPv4
        assert ping(fleet, pair[0], "-M", "do", "-s", "1422", "198.18.200.2").returncode == 0  # 1450 bytes
        assert ping(fleet, pair[0], "-M", "do", "-s", "1423", "198.18.200.2").returncode != 0  # one more
        port = fleet.on_host(pair[0], ["ip", "-n", "red", "-d", "link", "show", "tun0"]).stdout
        assert "dstport 4789" in port and "vxlan id 4242" in port
        assert "vxlan" not in fleet.on_host(pair[0], ["ip", "-d", "link", "show"]).stdout  # moved out of the underlay
        again = playbook(fleet, tmp_path, TUNNEL, variables)
        assert again.returncode == 0 and all(recap(again.stdout)[host]["changed"] == 0 for host in pair)
    finally:
        gone = playbook(fleet, tmp_path, TUNNEL, {**variables, "state": "absent"})
    assert gone.returncode == 0, gone.stdout[-3000:]
    assert fleet.on_host(pair[0], ["ip", "netns", "list"]).stdout == ""
