"""Baseline: the same star with iproute2's batch mode.

    python ip_batch.py build|teardown N PREFIX

One `ip -batch` for the namespaces and veth pairs (each end created directly in its namespace),
then one `ip -n NS -batch` per namespace for what must be done inside it: batch lines take no -n.
"""
import ipaddress
import subprocess
import sys


def batch(lines, netns=None):
    command = ["ip"] + (["-n", netns] if netns else []) + ["-batch", "-"]
    subprocess.run(command, input="\n".join(lines) + "\n", text=True, check=True)


def build(size, prefix):
    hosts = ipaddress.ip_network("198.18.0.0/16").hosts()
    ips = [next(hosts) for _attempt in range(size + 1)]
    hub = f"{prefix}-hub"
    leaves = [f"{prefix}-{leaf}" for leaf in range(1, size + 1)]
    batch([f"netns add {name}" for name in [hub] + leaves]
          + [f"link add p{i} netns {hub} type veth peer name eth0 netns {leaves[i - 1]}" for i in range(1, size + 1)])
    batch(["link set lo up", "link add br0 type bridge", "link set br0 up", f"addr add {ips[0]}/16 dev br0"]
          + [f"link set p{i} master br0 up" for i in range(1, size + 1)], hub)
    for i, leaf in enumerate(leaves, start=1):
        batch(["link set lo up", "link set eth0 up", f"addr add {ips[i]}/16 dev eth0"], leaf)


def teardown(size, prefix):
    batch([f"netns del {prefix}-hub"] + [f"netns del {prefix}-{leaf}" for leaf in range(1, size + 1)])


if __name__ == "__main__":
    action, size, prefix = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    {"build": build, "teardown": teardown}[action](size, prefix)
