"""Data-plane benchmark: what each path costs, built by the collection and by hand with iproute2
in the same run, measured with iperf3 against loopback inside one namespace as the ceiling.

    bash bench/run.sh dataplane [--seconds 3] [--repeat 3] [--output DIR]

Every path has its endpoints in separate namespaces (prefix lnb, all removed at the end, also on
failure). Measurements are interleaved across paths, repeat by repeat, and reported as medians
and as ratios, never as absolute goals. Writes dataplane.md, dataplane.svg and dataplane.json into
DIR (default: docs/performance/).
"""
import argparse
import json
import os
import pathlib
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent
PREFIX = "lnb"
HAND = f"{PREFIX}h"  # the prefix of the hand-built twin of each path
VNI = 4242
FRAME, PAYLOAD = 1514, 1448  # a full TCP/IPv4 frame with timestamps, and the goodput it carries


def sh(*command, check=True):
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if check and done.returncode != 0:
        sys.exit(f"failed: {' '.join(command)}\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    return done


def inside(netns, *command, check=True):
    return sh("ip", "netns", "exec", netns, *command, check=check)


def module(name, args, netns=None):
    """Run one of the collection's modules as Ansible would, optionally from inside a namespace."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump({"ANSIBLE_MODULE_ARGS": args}, handle)
    command = [sys.executable, str(ROOT / "plugins" / "modules" / f"{name}.py"), handle.name]
    try:
        done = sh(*(["ip", "netns", "exec", netns] if netns else []), *command, check=False)
    finally:
        os.unlink(handle.name)
    result = json.loads(done.stdout.strip().splitlines()[-1]) if done.stdout.strip() else {"failed": True}
    if result.get("failed"):
        sys.exit(f"{name} failed: {result.get('msg')}\n{done.stderr[-2000:]}")
    return result


# The paths. Each is described once, as a netns_topology description; the hand-built twin is made
# from the same description with ip commands.

@dataclass
class Path:
    name: str
    client: str
    server: str
    address: str
    description: dict = None
    hand: bool = True  # also built by hand, for the collection / hand ratio
    streams: tuple = (1,)
    latency: bool = False


def ns(tag, role):
    return f"{PREFIX}{tag}-{role}"


def subnet(index, host):
    return f"198.19.{index}.{host}/24"


def address_of(index, host):
    return f"198.19.{index}.{host}"


def direct(tag, index, **link):
    c, s = ns(tag, "c"), ns(tag, "s")
    description = {"name": f"{PREFIX}{tag}", "links": [{"endpoints": [
        {"netns": c, "name": "eth0", "addresses": [subnet(index, 1)]},
        {"netns": s, "name": "eth0", "addresses": [subnet(index, 2)]}], **link}]}
    return c, s, address_of(index, 2), description


BRIDGE_NETFILTER = pathlib.Path("/proc/sys/net/bridge/bridge-nf-call-iptables")
NO_BRIDGE_NETFILTER = {f"net.bridge.bridge-nf-call-{table}": 0 for table in ("iptables", "ip6tables", "arptables")}


def bridged(tag, index, hub_sysctls=None):
    c, s, hub = ns(tag, "c"), ns(tag, "s"), ns(tag, "hub")
    description = {"name": f"{PREFIX}{tag}", "bridges": [{"name": "br0", "netns": hub}], "links": [
        {"endpoints": [{"netns": c, "name": "eth0", "addresses": [subnet(index, 1)]},
                       {"netns": hub, "name": "pc", "bridge": "br0"}]},
        {"endpoints": [{"netns": s, "name": "eth0", "addresses": [subnet(index, 2)]},
                       {"netns": hub, "name": "ps", "bridge": "br0"}]}]}
    if hub_sysctls:
        description["namespaces"] = [{"name": hub, "sysctls": hub_sysctls}]
    return c, s, address_of(index, 2), description


def routed(tag, index, hops, **extra):
    """client - r1 - ... - rN - server, one /24 per segment, static routes both ways."""
    nodes = [ns(tag, "c")] + [ns(tag, f"r{hop}") for hop in range(1, hops + 1)] + [ns(tag, "s")]
    links, namespaces = [], []
    for segment in range(len(nodes) - 1):
        links.append({"endpoints": [
            {"netns": nodes[segment], "name": "right", "addresses": [subnet(index + segment, 1)]},
            {"netns": nodes[segment + 1], "name": "left", "addresses": [subnet(index + segment, 2)]}]})
    last = len(nodes) - 2  # segment index of the server's link
    for position, node in enumerate(nodes):
        routes = []
        for segment in range(len(nodes) - 1):
            if segment in (position - 1, position):
                continue  # directly connected
            if segment > position:
                routes.append({"to": f"198.19.{index + segment}.0/24", "via": address_of(index + position, 2)})
            else:
                routes.append({"to": f"198.19.{index + segment}.0/24", "via": address_of(index + position - 1, 1)})
        entry = {"name": node, "routes": routes}
        if 0 < position < len(nodes) - 1:
            entry["forwarding"] = True
        namespaces.append(entry)
    description = {"name": f"{PREFIX}{tag}", "namespaces": namespaces, "links": links, **extra}
    return nodes[0], nodes[-1], address_of(index + last, 2), description


def nat_uplink(tag, index):
    """client - router - server, the client joined to the router by its uplink and masqueraded out of
    the router's wan: the same shape as a routed hop, with NAT. The router is a namespace, so the
    machine's own firewall and forwarding are never touched."""
    c, router, s = ns(tag, "c"), ns(tag, "rt"), ns(tag, "s")
    description = {"name": f"{PREFIX}{tag}", "namespaces": [
        {"name": c, "uplink": {"router": router, "egress": "wan",
                               "addresses": [f"198.19.{index}.1/30", f"198.19.{index}.2/30"]}},
        {"name": router, "routes": [{"to": "default", "via": address_of(index + 1, 2)}]}],
        "links": [{"endpoints": [{"netns": router, "name": "wan", "addresses": [subnet(index + 1, 1)]},
                                 {"netns": s, "name": "eth0", "addresses": [subnet(index + 1, 2)]}]}]}
    return c, s, address_of(index + 1, 2), description


def macvlan(tag, index):
    """client's macvlan child of a host-namespace veth end whose peer is the server's."""
    c, s, parent = ns(tag, "c"), ns(tag, "s"), f"{PREFIX}{tag}p"
    description = {"name": f"{PREFIX}{tag}", "namespaces": [{"name": c, "interfaces": [
        {"name": "mv0", "parent": parent, "mode": "bridge", "addresses": [subnet(index, 1)]}]}],
        "links": [{"endpoints": [{"name": parent}, {"netns": s, "name": "eth0", "addresses": [subnet(index, 2)]}]}]}
    return c, s, address_of(index, 2), description


def hand_build(description):
    """The same topology with iproute2 and sysctl, as a user would script it."""
    commands = []
    names = {entry["name"] for entry in description.get("namespaces", [])}
    names |= {end["netns"] for link in description.get("links", []) for end in link["endpoints"]}
    names |= {bridge["netns"] for bridge in description.get("bridges", [])}
    for name in sorted(names):
        commands.append(["ip", "netns", "add", name])
        commands.append(["ip", "-n", name, "link", "set", "lo", "up"])
    for bridge in description.get("bridges", []):
        commands += [["ip", "-n", bridge["netns"], "link", "add", bridge["name"], "type", "bridge"],
                     ["ip", "-n", bridge["netns"], "link", "set", bridge["name"], "up"]]
    for link in description.get("links", []):
        a, b = link["endpoints"]
        mtu = ["mtu", str(link["mtu"])] if link.get("mtu") else []
        commands.append(["ip", "-n", a["netns"], "link", "add", a["name"], *mtu, "type", "veth", "peer", "name",
                         b["name"], "netns", b["netns"], *mtu])
        for end in (a, b):
            if end.get("bridge"):
                commands.append(["ip", "-n", end["netns"], "link", "set", end["name"], "master", end["bridge"]])
            commands += [["ip", "-n", end["netns"], "addr", "add", address, "dev", end["name"]]
                         for address in end.get("addresses", [])]
            commands.append(["ip", "-n", end["netns"], "link", "set", end["name"], "up"])
    for entry in description.get("namespaces", []):
        if entry.get("forwarding"):
            commands.append(["ip", "netns", "exec", entry["name"], "sysctl", "-qw", "net.ipv4.ip_forward=1"])
        commands += [["ip", "-n", entry["name"], "route", "add", route["to"], "via", route["via"]]
                     for route in entry.get("routes", [])]
    for command in commands:
        sh(*command)


def hand_twin(description):
    """The description with every namespace renamed for the hand-built copy."""
    return json.loads(json.dumps(description).replace(f'"{PREFIX}', f'"{HAND}'))


def vxlan_path(tag, index, hand=False):
    """Two "hosts" (namespaces) joined by a veth underlay; a VXLAN tunnel between them made inside
    each host, as the fleet makes it on real hosts."""
    prefix = HAND if hand else PREFIX
    ua, ub = f"{prefix}{tag}-ua", f"{prefix}{tag}-ub"
    underlay = {"name": f"{prefix}{tag}", "links": [{"endpoints": [
        {"netns": ua, "name": "u0", "addresses": [subnet(index, 1)]},
        {"netns": ub, "name": "u0", "addresses": [subnet(index, 2)]}]}]}
    ends = ((ua, subnet(index, 1), subnet(index, 2), subnet(index + 1, 1)),
            (ub, subnet(index, 2), subnet(index, 1), subnet(index + 1, 2)))
    if hand:
        hand_build(underlay)
        for host, local, remote, inner in ends:
            sh("ip", "-n", host, "link", "add", "vx0", "type", "vxlan", "id", str(VNI), "local", local.partition("/")[0],
               "remote", remote.partition("/")[0], "dstport", "4789", "dev", "u0")
            sh("ip", "-n", host, "addr", "add", inner, "dev", "vx0")
            sh("ip", "-n", host, "link", "set", "vx0", "up")
    else:
        module("netns_topology", underlay)
        for host, local, remote, inner in ends:
            module("netns_vxlan", {"name": "vx0", "vni": VNI, "local": local.partition("/")[0],
                                   "remote": remote.partition("/")[0]}, netns=host)
            module("netns_addr", {"interface": "vx0", "addresses": [inner], "nodad": True}, netns=host)
    return ua, ub, address_of(index, 2), address_of(index + 1, 2)


# Measuring


# Sender and receiver on CPUs of their own: on a small machine, where the scheduler puts them
# otherwise moves a single stream between two modes (both on one CPU: about half the throughput).
PINNING = (["-A", "0"], ["-A", "1"]) if (os.cpu_count() or 1) >= 2 else ([], [])


def iperf(client, server, address, seconds, streams=1):
    """Received bits per second, one iperf3 run."""
    port = "5201"
    daemon = subprocess.Popen(["ip", "netns", "exec", server, "iperf3", "-s", "-1", "-B", address, "-p", port,
                               *PINNING[1]], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _attempt in range(100):
            done = inside(client, "iperf3", "-c", address, "-p", port, "-t", str(seconds), "-P", str(streams), "-J",
                          "-O", "0" if seconds < 2 else "1", *PINNING[0], check=False)
            data = json.loads(done.stdout or "{}")
            if done.returncode == 0 and "error" not in data:
                return data["end"]["sum_received"]["bits_per_second"]
            time.sleep(0.05)
        sys.exit(f"iperf3 {client} -> {server} {address} failed: {done.stdout[-500:]}")
    finally:
        daemon.kill()
        daemon.wait()


def request_response(client, server, address, count):
    daemon = subprocess.Popen(["ip", "netns", "exec", server, sys.executable, str(HERE / "rr.py"), "serve", address,
                               "5301"], stdout=subprocess.PIPE, text=True)
    try:
        daemon.stdout.readline()  # "ready"
        return json.loads(inside(client, sys.executable, str(HERE / "rr.py"), "ask", address, "5301",
                                 str(count)).stdout)
    finally:
        daemon.kill()
        daemon.wait()


def df_ping(client, address, size):
    """Whether one don't-fragment ping of `size` bytes of IP packet gets an answer."""
    return inside(client, "ping", "-c", "1", "-W", "1", "-M", "do", "-s", str(size - 28), address,
                  check=False).returncode == 0


def offload_state(netns, interface):
    lines = inside(netns, "ethtool", "-k", interface).stdout.splitlines()
    wanted = ("tcp-segmentation-offload", "generic-segmentation-offload", "generic-receive-offload", "tx-checksumming")
    return {key.strip(): value.split()[0] for key, value in (line.split(":", 1) for line in lines if ":" in line)
            if key.strip() in wanted}


OWNER_RECORDS = pathlib.Path("/run/linuxnet-netns/owners")
SYSCTL_RECORDS = pathlib.Path("/run/linuxnet-netns/sysctls")


def cleanup():
    """Remove every namespace and host link of the benchmark, and the records the collection made."""
    links = sh("ip", "-o", "link", "show", check=False).stdout.splitlines()
    for name in (line.split(": ")[1].split("@")[0] for line in links):
        if name.startswith(PREFIX):  # a macvlan's parent: deleted now, not whenever the kernel frees its peer
            sh("ip", "link", "delete", name, check=False)
    for name in sorted(os.listdir("/run/netns")) if os.path.isdir("/run/netns") else []:
        if name.startswith(PREFIX):
            sh("ip", "netns", "delete", name, check=False)
    for record in OWNER_RECORDS.glob(f"{PREFIX}*") if OWNER_RECORDS.is_dir() else []:
        record.unlink()
    for record in SYSCTL_RECORDS.glob("*.json") if SYSCTL_RECORDS.is_dir() else []:
        if f'"linuxnet.netns:{PREFIX}' in record.read_text():  # what an uplink's router turned on
            record.unlink()


class Run:
    def __init__(self, args):
        self.args = args
        self.samples = {}  # (path, measure) -> [values]
        self.paths = []
        self.facts = {}

    def add(self, path):
        self.paths.append(path)

    def record(self, key, value):
        self.samples.setdefault(key, []).append(value)

    def median(self, *key):
        values = self.samples.get(key)
        return statistics.median(values) if values else None

    def build(self):
        index = 10
        for tag, variant in (("d", {}), ("m9", {"mtu": 9000}), ("m64", {"mtu": 65535}),
                             ("off", {"offloads": {"tso": False, "gso": False, "gro": False, "tx_checksum": False}})):
            c, s, address, description = direct(tag, index, **variant)
            module("netns_topology", description)
            self.add(Path(f"direct{'' if tag == 'd' else ' ' + tag}", c, s, address, description,
                          hand=tag == "d", streams=(1, 4) if tag == "d" else (1,), latency=tag == "d"))
            index += 1
        c, s, address, description = direct("tp", index)
        module("netns_topology", {**description, "profile": "throughput"})
        self.add(Path("direct throughput profile", c, s, address, description, hand=False))
        index += 1
        c, s, address, description = bridged("b", index)
        module("netns_topology", description)
        self.add(Path("bridge hop", c, s, address, description, streams=(1, 4), latency=True))
        index += 1
        if BRIDGE_NETFILTER.exists():  # br_netfilter is loaded: bridged frames pass the iptables hooks
            c, s, address, description = bridged("bnf", index, NO_BRIDGE_NETFILTER)
            module("netns_topology", description)
            self.add(Path("bridge hop, br_netfilter off", c, s, address, description, hand=False))
            index += 1
        for tag, hops in (("r", 1), ("rr", 2)):
            c, s, address, description = routed(tag, index, hops)
            module("netns_topology", description)
            self.add(Path("routed hop" if hops == 1 else "two routed hops", c, s, address, description,
                          streams=(1, 4), latency=True))
            index += hops + 1
        c, s, address, description = routed("rtp", index, 1, profile="throughput")
        module("netns_topology", description)
        self.add(Path("routed hop throughput profile", c, s, address, description, hand=False))
        index += 2
        ua, ub, underlay, inner = vxlan_path("v", index)
        self.add(Path("vxlan underlay", ua, ub, underlay, hand=False))
        self.add(Path("vxlan tunnel", ua, ub, inner, hand=False, latency=True))
        hua, hub, _underlay, hinner = vxlan_path("v", index, hand=True)
        self.add(Path("vxlan tunnel (by hand)", hua, hub, hinner, hand=False))
        index += 2
        c, s, address, description = nat_uplink("nat", index)
        module("netns_topology", description)
        self.add(Path("nat uplink", c, s, address, description, hand=False, latency=True))
        index += 2
        c, s, address, description = macvlan("mv", index)
        module("netns_topology", description)
        self.add(Path("macvlan", c, s, address, description, hand=False, latency=True))
        index += 1
        for tag, rate in (("s100", "100mbit"), ("s1g", "1gbit")):
            c, s, address, description = direct(tag, index, shape={"rate": rate})
            module("netns_topology", description)
            self.add(Path(f"shaped {rate}", c, s, address, description, hand=False))
            index += 1
        for path in list(self.paths):
            if path.hand:
                twin = hand_twin(path.description)
                hand_build(twin)
                self.add(Path(f"{path.name} (by hand)", twin_name(path.client), twin_name(path.server), path.address,
                              hand=False))
        loop = f"{PREFIX}lo"
        module("netns", {"name": loop})
        self.add(Path("loopback", loop, loop, "127.0.0.1", hand=False, latency=True))

    def measure(self):
        seconds = self.args.seconds
        for repeat in range(self.args.repeat):
            print(f"repeat {repeat + 1}/{self.args.repeat}", flush=True)
            for path in self.paths:
                for streams in path.streams:
                    received = iperf(path.client, path.server, path.address, seconds, streams)
                    self.record((path.name, f"{streams} stream"), received)
                if path.latency:
                    rtt = request_response(path.client, path.server, path.address, self.args.requests)
                    self.record((path.name, "p50"), rtt["p50"])
                    self.record((path.name, "p99"), rtt["p99"])

    def check_tunnel_mtu(self):
        tunnel = next(path for path in self.paths if path.name == "vxlan tunnel")
        mtu = json.loads(sh("ip", "-j", "-n", tunnel.client, "link", "show", "vx0").stdout)[0]["mtu"]
        self.facts["tunnel mtu"] = mtu
        self.facts["df at tunnel mtu passes"] = df_ping(tunnel.client, tunnel.address, mtu)
        self.facts["df one byte more fails"] = not df_ping(tunnel.client, tunnel.address, mtu + 1)

    def record_facts(self):
        default = next(path for path in self.paths if path.name == "direct")
        self.facts.update({
            "kernel": platform.release(), "vcpus": os.cpu_count(),
            "iperf3": sh("iperf3", "--version").stdout.split("\n")[0],
            "offloads after a default build": {"client": offload_state(default.client, "eth0"),
                                               "server": offload_state(default.server, "eth0")},
            "qdiscs on a default end": sh("tc", "-n", default.client, "qdisc", "show", "dev", "eth0").stdout.strip(),
            "br_netfilter": f"loaded, bridge-nf-call-iptables {BRIDGE_NETFILTER.read_text().strip()}"
            if BRIDGE_NETFILTER.exists() else "not loaded",
            "seconds per measurement": self.args.seconds, "repeats": self.args.repeat,
            "iperf3 pinning": " ".join(PINNING[0] + ["(client)"] + PINNING[1] + ["(server)"]) if PINNING[0] else "none",
        })


def twin_name(netns):
    return netns.replace(PREFIX, HAND, 1)


def ratio(numerator, denominator):
    return numerator / denominator if numerator and denominator else None


def goals(run):
    one = "1 stream"
    direct = run.median("direct", one)

    def of(name, base, target):
        return ratio(run.median(name, one), run.median(base, one)), target

    rows = []
    for name in ("direct", "bridge hop", "routed hop", "two routed hops", "vxlan tunnel"):
        value = ratio(run.median(name, one), run.median(f"{name} (by hand)", one))
        rows.append((f"{name}: collection / built by hand", value, ">= 0.95"))
    rows.append(("direct pair / loopback (reported)", ratio(direct, run.median("loopback", one)), "report"))
    rows.append(("direct, throughput profile / defaults", *of("direct throughput profile", "direct", "> 1.00")))
    rows.append(("routed hop, throughput profile / defaults", *of("routed hop throughput profile", "routed hop",
                                                                  "> 1.00")))
    offloads = run.facts["offloads after a default build"]
    on = all(state[key] == "on" for state in offloads.values()
             for key in ("tcp-segmentation-offload", "generic-segmentation-offload", "tx-checksumming"))
    rows.append(("TSO, GSO, tx checksum on both ends after a default build", 1.0 if on else 0.0, "== 1 (yes)"))
    rows.append(("offloads off / on (what turning them off costs)", *of("direct off", "direct", "report")))
    rows.append(("bridge hop / direct pair", *of("bridge hop", "direct", ">= 0.90")))
    if run.median("bridge hop, br_netfilter off", one):
        rows.append(("bridge hop with br_netfilter off in its namespace / direct pair (explains a miss above)",
                     *of("bridge hop, br_netfilter off", "direct", ">= 0.90")))
    rows.append(("routed hop / direct pair", *of("routed hop", "direct", ">= 0.85")))
    rows.append(("two routed hops / one routed hop", *of("two routed hops", "routed hop", ">= 0.85")))
    rows.append(("NAT uplink / the same path routed without NAT", *of("nat uplink", "routed hop", ">= 0.85")))
    rows.append(("macvlan child / direct pair", *of("macvlan", "direct", ">= 0.85")))
    rows.append(("vxlan tunnel / its veth underlay", *of("vxlan tunnel", "vxlan underlay", ">= 0.80")))
    tunnel_ok = run.facts["df at tunnel mtu passes"] and run.facts["df one byte more fails"]
    rows.append((f"DF ping at the tunnel MTU ({run.facts['tunnel mtu']}) passes, one byte more fails",
                 1.0 if tunnel_ok else 0.0, "== 1 (yes)"))
    for rate, bits in (("100mbit", 100e6), ("1gbit", 1e9)):
        measured = run.median(f"shaped {rate}", one)
        wire = measured * FRAME / PAYLOAD if measured else None
        rows.append((f"shaped {rate}: measured on the wire / configured", ratio(wire, bits), "0.95 - 1.05"))
    rows.append(("netem delay: measured / configured", None, "not measurable: this kernel has no netem qdisc"
                 if not netem_known() else "not measured"))
    return rows


def netem_known():
    from ansible_collections.linuxnet.netns.plugins.module_utils._kernel.netlink import qdisc_kind_known

    return qdisc_kind_known("netem")


def verdict(value, target):
    if value is None or not target[0] in "<>=0":
        return "-"
    if target.startswith(">="):
        return "met" if value >= float(target[2:]) else "missed"
    if target.startswith(">"):
        return "met" if value > float(target[1:]) else "missed"
    if target.startswith("=="):
        return "met" if value == float(target[2:].split()[0]) else "missed"
    low, high = (float(part) for part in target.split(" - "))
    return "met" if low <= value <= high else "missed"


def report(run):
    loopback = run.median("loopback", "1 stream")
    lines = ["| path | 1 stream Gbit/s | / loopback | 4 streams Gbit/s | p50 µs | p99 µs |",
             "|---|---|---|---|---|---|"]
    for path in run.paths:
        one, four = run.median(path.name, "1 stream"), run.median(path.name, "4 stream")
        p50, p99 = run.median(path.name, "p50"), run.median(path.name, "p99")
        lines.append(f"| {path.name} | {one / 1e9:.2f} | {ratio(one, loopback):.2f} | "
                     + (f"{four / 1e9:.2f}" if four else "-") + " | "
                     + (f"{p50:.0f} | {p99:.0f}" if p50 else "- | -") + " |")
    lines += ["", "| goal | measured | target | verdict |", "|---|---|---|---|"]
    for name, value, target in goals(run):
        shown = f"{value:.2f}" if value is not None else "-"
        lines.append(f"| {name} | {shown} | {target} | {verdict(value, target)} |")
    lines += ["", "Recorded with the results: " + "; ".join(
        f"{key}: {json.dumps(value) if isinstance(value, dict) else value}" for key, value in run.facts.items())]
    return "\n".join(lines) + "\n"


def chart(run):
    """Each path's single-stream throughput as a share of loopback, as horizontal bars."""
    loopback = run.median("loopback", "1 stream")
    bars = [(path.name, ratio(run.median(path.name, "1 stream"), loopback) or 0) for path in run.paths]
    width, row, left = 640, 20, 240
    height = 50 + row * len(bars)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" '
           f'font-size="12">', f'<rect width="{width}" height="{height}" fill="white"/>',
           f'<text x="{width / 2}" y="20" text-anchor="middle" font-size="14">Single-stream TCP throughput, share of '
           f'loopback (median)</text>']
    scale = (width - left - 60) / max(1.0, max(value for _name, value in bars))
    for index, (name, value) in enumerate(bars):
        y = 35 + index * row
        colour = "#999" if "(by hand)" in name else "#1f77b4"
        out.append(f'<text x="{left - 6}" y="{y + 12}" text-anchor="end">{name}</text>')
        out.append(f'<rect x="{left}" y="{y}" width="{value * scale:.1f}" height="{row - 6}" fill="{colour}"/>')
        out.append(f'<text x="{left + value * scale + 4:.1f}" y="{y + 12}">{value:.2f}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=3, help="length of each iperf3 run")
    parser.add_argument("--repeat", type=int, default=3, help="interleaved rounds; medians are reported")
    parser.add_argument("--requests", type=int, default=2000, help="request/response exchanges per latency sample")
    parser.add_argument("--output", default=str(ROOT / "docs" / "performance"))
    args = parser.parse_args()
    started = time.time()
    run = Run(args)
    cleanup()
    try:
        print("building the paths", flush=True)
        run.build()
        run.record_facts()
        run.check_tunnel_mtu()
        run.measure()
    finally:
        cleanup()
    table = report(run)
    print()
    print(table)
    output = pathlib.Path(args.output)
    output.mkdir(parents=True, exist_ok=True)
    (output / "dataplane.md").write_text(table)
    (output / "dataplane.svg").write_text(chart(run))
    (output / "dataplane.json").write_text(json.dumps(
        {"facts": run.facts, "seconds": round(time.time() - started),
         "samples": {f"{path} / {measure}": values for (path, measure), values in sorted(run.samples.items())}},
        indent=1))
    print(f"wrote {output}/dataplane.md, dataplane.svg, dataplane.json in {time.time() - started:.0f} s")


if __name__ == "__main__":
    main()
