"""Baseline: a plain pyroute2 script for the same star the role builds (hub namespace with bridge
br0 and address .1, leaf namespaces PREFIX-1..N each with eth0 and an address, lo up everywhere).

    python baseline_pyroute2.py build|check|teardown N PREFIX

It uses the fastest technique known on these machines, written here independently of the
collection: namespaces made by unshare() in a thread and bind-mounted into /run/netns, netlink
sockets opened in a thread that setns()-ed into the namespace, one request per object.
"""
import ctypes
import ipaddress
import os
import socket
import sys
import threading

from pyroute2 import IPRoute

libc = ctypes.CDLL(None, use_errno=True)
CLONE_NEWNET = 0x40000000
MS_BIND = 0x1000
MNT_DETACH = 2


def in_thread(function):
    box = {}

    def run():
        box["value"] = function()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    return box["value"]


def create(name, forwarding=False):
    path = f"/run/netns/{name}"
    os.makedirs("/run/netns", exist_ok=True)
    os.close(os.open(path, os.O_RDONLY | os.O_CREAT | os.O_EXCL, 0))

    def inside():
        assert libc.unshare(CLONE_NEWNET) == 0
        assert libc.mount(b"/proc/thread-self/ns/net", path.encode(), b"none", MS_BIND, None) == 0
        if forwarding:
            for key in ("ipv4/ip_forward", "ipv6/conf/all/forwarding"):
                with open(f"/proc/sys/net/{key}", "w", encoding="ascii") as handle:
                    handle.write("1")
        return socket.socket(socket.AF_NETLINK, socket.SOCK_DGRAM, 0).detach()

    return IPRoute(fileno=in_thread(inside)), os.open(path, os.O_RDONLY)


def open_ns(name):
    fd = os.open(f"/run/netns/{name}", os.O_RDONLY)

    def inside():
        assert libc.setns(fd, CLONE_NEWNET) == 0
        return socket.socket(socket.AF_NETLINK, socket.SOCK_DGRAM, 0).detach()

    return IPRoute(fileno=in_thread(inside)), fd


def addresses(size):
    hosts = ipaddress.ip_network("198.18.0.0/16").hosts()
    return [next(hosts) for _attempt in range(size + 1)]


def build(size, prefix):
    ips = addresses(size)
    hub, hub_fd = create(f"{prefix}-hub")
    hub.link("set", index=1, state="up")
    hub.link("add", ifname="br0", kind="bridge", state="up")
    bridge = hub.link_lookup(ifname="br0")[0]
    hub.addr("add", index=bridge, address=str(ips[0]), prefixlen=16)
    for leaf in range(1, size + 1):
        ipr, fd = create(f"{prefix}-{leaf}")
        ipr.link("set", index=1, state="up")
        hub.link("add", ifname=f"p{leaf}", kind="veth", state="up", master=bridge,
                 peer={"ifname": "eth0", "net_ns_fd": fd})
        index = ipr.link_lookup(ifname="eth0")[0]
        ipr.link("set", index=index, state="up")
        ipr.addr("add", index=index, address=str(ips[leaf]), prefixlen=16)
        ipr.close()
        os.close(fd)
    hub.close()
    os.close(hub_fd)


def check(size, prefix):
    """Read every namespace once (links and addresses) and compare with the star: True when all is there.

    As the module does, it also checks that each leaf's eth0 is paired with the hub: ifindexes repeat
    across namespaces, so that takes the id under which the leaf knows the hub (one query per leaf).
    """
    ips = addresses(size)
    ok = True
    hub_fd = os.open(f"/run/netns/{prefix}-hub", os.O_RDONLY)
    for leaf in range(0, size + 1):
        name = f"{prefix}-hub" if leaf == 0 else f"{prefix}-{leaf}"
        ipr, fd = open_ns(name)
        links = {msg.get_attr("IFLA_IFNAME"): msg for msg in ipr.get_links()}
        have = {(msg["index"], msg.get_attr("IFA_ADDRESS")) for msg in ipr.get_addr()}
        device = "br0" if leaf == 0 else "eth0"
        ok &= device in links and bool(links[device]["flags"] & 1) and bool(links["lo"]["flags"] & 1)
        ok &= device in links and (links[device]["index"], str(ips[leaf])) in have
        if leaf == 0:
            ok &= all(f"p{i}" in links for i in range(1, size + 1))
        else:
            ok &= links["eth0"].get_attr("IFLA_LINK_NETNSID") == ipr.get_netnsid(fd=hub_fd)["nsid"]
        ipr.close()
        os.close(fd)
    os.close(hub_fd)
    return ok


def remove(name):
    path = f"/run/netns/{name}"
    libc.umount2(path.encode(), MNT_DETACH)
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


def teardown(size, prefix):
    for name in [f"{prefix}-hub"] + [f"{prefix}-{leaf}" for leaf in range(1, size + 1)]:
        remove(name)


if __name__ == "__main__":
    action, size, prefix = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    result = {"build": build, "check": check, "teardown": teardown}[action](size, prefix)
    if action == "check" and not result:
        sys.exit("the star is not complete")
