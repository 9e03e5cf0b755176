"""Benchmark of the topology role against baselines of our own making, measured in one run.

    bash bench/run.sh [--sizes 10,100,1000] [--repeat 3] [--loop-size 200] [--single 20]
                      [--linear 100] [--output DIR]

Prints a table of medians and the ratios that docs/performance.md states as goals, and writes
results.json, table.md and chart.svg into DIR (default: docs/performance/).
"""
import argparse
import json
import os
import pathlib
import re
import statistics
import subprocess
import sys
import tempfile
import time

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from fleet import fleet_case  # noqa: E402  pylint: disable=wrong-import-position
PYTHON = sys.executable


def run(command, env=None, stdin=None):
    started = time.perf_counter()
    done = subprocess.run(command, env=env, input=stdin, text=True, capture_output=True, check=False)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"failed: {' '.join(map(str, command))}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return elapsed, done.stdout


def playbook(name, **extra):
    command = ["ansible-playbook", "-i", "localhost,", str(HERE / name)]
    for key, value in extra.items():
        command += ["-e", f"{key}={value}"]
    return command


def changed_count(output):
    found = re.search(r"localhost\s+: ok=\d+\s+changed=(\d+)", output)
    return int(found.group(1)) if found else None


class Bench:
    def __init__(self, args):
        self.args = args
        self.samples = {}

    def record(self, what, size, seconds):
        self.samples.setdefault((what, size), []).append(seconds)

    def median(self, what, size):
        values = self.samples.get((what, size))
        return statistics.median(values) if values else None

    def role(self, kind, size, prefix, state="present"):
        seconds, output = run(playbook("preset.yml", kind=kind, size=size, prefix=prefix, topology_state=state))
        return seconds, changed_count(output)

    def tree(self, size):
        """The routed tree through the role and through a plain script, per namespace."""
        prefix = f"lnbt{size}"
        seconds, _output = self.role("tree", size, prefix)
        self.record("tree role build", size, seconds)
        self.settle_after_build(size)
        seconds, changed = self.role("tree", size, prefix)
        if changed != 0:
            sys.exit(f"the re-run of the tree of {size} changed {changed} tasks")
        self.record("tree role re-run", size, seconds)
        self.record("tree module peak MB", size, self.module_alone(size, prefix, "tree")[1])
        seconds, _output = self.role("tree", size, prefix, "absent")
        self.record("tree role teardown", size, seconds)
        self.wait_for_kernel(size)
        preset = json.dumps({"name": "tree", "size": size, "prefix": prefix})
        for action in ("build", "check", "teardown"):
            seconds, _output = run([PYTHON, str(HERE / "baseline_description.py"), action, preset])
            self.record(f"tree pyroute2 {action}", size, seconds)
            if action == "build":
                self.settle_after_build(size)
        self.wait_for_kernel(size)

    def star(self, size, repeat):
        prefix = f"lnb{repeat}s{size}"
        seconds, _output = self.role("star", size, prefix)
        self.record("role build", size, seconds)
        self.settle_after_build(size)
        seconds, changed = self.role("star", size, prefix)
        if changed != 0:
            sys.exit(f"the re-run of the star of {size} changed {changed} tasks")
        self.record("role re-run", size, seconds)
        seconds, peak = self.module_alone(size, prefix)
        self.record("module re-run", size, seconds)
        self.record("module peak MB", size, peak)
        seconds, _output = self.role("star", size, prefix, "absent")
        self.record("role teardown", size, seconds)
        self.wait_for_kernel()
        self.role("star", size, prefix)
        self.wait_for_kernel()
        seconds, _peak = self.module_alone(size, prefix, state="absent")
        self.record("module teardown", size, seconds)
        self.wait_for_kernel()
        seconds, _output = run(playbook("single.yml", how="module", count=1, prefix="lnbfloor", state="absent"))
        self.record("ansible floor", size, seconds)

        for action in ("build", "check", "teardown"):
            seconds, _output = run([PYTHON, str(HERE / "baseline_pyroute2.py"), action, str(size), prefix])
            self.record(f"pyroute2 {action}", size, seconds)
            if action == "build":
                self.settle_after_build(size)
        self.wait_for_kernel()
        for action in ("build", "teardown"):
            seconds, _output = run([PYTHON, str(HERE / "ip_batch.py"), action, str(size), prefix])
            self.record(f"ip -batch {action}", size, seconds)
        self.wait_for_kernel()

    def module_alone(self, size, prefix, kind="star", state="present"):
        """The netns_topology module run directly, without Ansible: (seconds, peak RSS in MB)."""
        code = (
            "import resource, subprocess, sys, time\n"
            "started = time.perf_counter()\n"
            "subprocess.run([sys.executable, sys.argv[1], sys.argv[2]], check=True, capture_output=True)\n"
            "print(time.perf_counter() - started, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
        )
        arguments = {"preset": {"name": kind, "size": size, "prefix": prefix}, "state": state}
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
            json.dump({"ANSIBLE_MODULE_ARGS": arguments}, handle)
        env = dict(os.environ, PYTHONPATH=os.environ["LINUXNET_COLLECTIONS"])
        try:
            _seconds, output = run([PYTHON, "-c", code, str(ROOT / "plugins/modules/netns_topology.py"), handle.name], env=env)
        finally:
            os.unlink(handle.name)
        seconds, peak_kb = output.split()
        return float(seconds), int(peak_kb) / 1024

    def linear(self, size):
        prefix = f"lnbl{size}"
        for label, state in (("role build", "present"), ("role re-run", "present"), ("role teardown", "absent")):
            seconds, _output = self.role("linear", size, prefix, state)
            self.record(f"linear {label}", size, seconds)
        self.wait_for_kernel()

    def loop(self, size):
        """One `command: ip ...` task per object, against the role, on the same star."""
        prefix = f"lnbp{size}"
        commands = [f"ip netns add {prefix}-hub", f"ip -n {prefix}-hub link set lo up",
                    f"ip -n {prefix}-hub link add br0 type bridge", f"ip -n {prefix}-hub link set br0 up",
                    f"ip -n {prefix}-hub addr add 198.18.0.1/16 dev br0"]
        for leaf in range(1, size + 1):
            host = 198 * 2 ** 24 + 18 * 2 ** 16 + leaf + 1
            address = ".".join(str(host >> shift & 255) for shift in (24, 16, 8, 0))
            commands += [
                f"ip netns add {prefix}-{leaf}", f"ip -n {prefix}-{leaf} link set lo up",
                f"ip link add p{leaf} netns {prefix}-hub type veth peer name eth0 netns {prefix}-{leaf}",
                f"ip -n {prefix}-hub link set p{leaf} master br0 up", f"ip -n {prefix}-{leaf} link set eth0 up",
                f"ip -n {prefix}-{leaf} addr add {address}/16 dev eth0",
            ]
        with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as handle:
            handle.write("\n".join(commands))
        try:
            seconds, _output = run(playbook("loop.yml", commands_file=handle.name))
        finally:
            os.unlink(handle.name)
        self.record("task-per-object loop", size, seconds)
        self.record("task-per-object tasks", size, len(commands))
        run([PYTHON, str(HERE / "ip_batch.py"), "teardown", str(size), prefix])
        self.wait_for_kernel()
        seconds, _output = self.role("star", size, prefix)
        self.record("role build", size, seconds)
        self.role("star", size, prefix, "absent")
        self.wait_for_kernel()

    def single(self, count):
        prefix = f"lnbn{count}"
        for how in ("module", "command"):
            seconds, _output = run(playbook("single.yml", how=how, count=count, prefix=prefix))
            self.record(f"{how} task loop", count, seconds)
            run(playbook("single.yml", how="command", count=count, prefix=prefix, state="absent"))

    @staticmethod
    def settle_after_build(size):
        """A re-run is measured at rest, as a fleet runs it: for a second or two after interfaces come
        up the kernel is still busy with them (IPv6 duplicate address detection, router solicitations),
        and a read that starts at once competes with that work. Both the role and the scripts wait."""
        time.sleep(1 + 2 * size / 1000)

    @staticmethod
    def wait_for_kernel(size=1000):
        """Namespace removal finishes asynchronously in the kernel; let it settle between runs."""
        time.sleep(max(1, size // 1000))


def ratio(numerator, denominator):
    return numerator / denominator if numerator and denominator else None


def report(bench, args):
    sizes = args.sizes
    rows = ["| N | role build | pyroute2 build | ip -batch build | role re-run | pyroute2 check | "
            "role teardown | pyroute2 teardown | ip -batch teardown | role build per namespace | module peak MB |",
            "|---|---|---|---|---|---|---|---|---|---|---|"]
    columns = ["role build", "pyroute2 build", "ip -batch build", "role re-run", "pyroute2 check",
               "role teardown", "pyroute2 teardown", "ip -batch teardown"]
    for size in sizes:
        cells = [bench.median(what, size) for what in columns]
        per = bench.median("role build", size) / (size + 1) * 1000
        rows.append(f"| {size} | " + " | ".join(f"{c:.2f} s" for c in cells)
                    + f" | {per:.1f} ms | {bench.median('module peak MB', size):.0f} |")
    top = max(sizes)

    def goal(name, numerator, denominator, target, size):
        value = bench.median(numerator, size)
        if denominator is not None:
            value = ratio(value, bench.median(denominator, size))
        return name, value, target, size

    goals = [
        goal("cold build of the star, role / pyroute2 script", "role build", "pyroute2 build", "<= 1.0", top),
        goal("no-change re-run, role / pyroute2 read-and-compare", "role re-run", "pyroute2 check", "<= 1.0", top),
        goal("teardown of the star, role / pyroute2 teardown", "role teardown", "pyroute2 teardown", "<= 1.5", top),
        goal("no-change re-run, module alone (no Ansible) / pyroute2 read-and-compare", "module re-run", "pyroute2 check",
             "report", top),
        goal("teardown, module alone (no Ansible) / pyroute2 teardown", "module teardown", "pyroute2 teardown", "report",
             top),
        goal("ip -batch build / role build", "ip -batch build", "role build", ">= 1.5", top),
        goal("task-per-object loop / role build", "task-per-object loop", "role build", ">= 50", args.loop_size),
        goal("netns module task / command: ip netns add task", "module task loop", "command task loop", "<= 1.3",
             args.single),
        goal("module peak memory (MB)", "module peak MB", None, "<= 100", top),
    ]
    goals += tree_goals(bench, args.tree_sizes)
    if args.fleet:
        hosts, size = args.fleet
        shape = f"{hosts} x {size}"
        goals.append((f"fleet build, {hosts} hosts at once / one host of {hosts * size}",
                      ratio(bench.median("fleet build", args.fleet), bench.median("one host build", args.fleet)),
                      "<= 1.0", shape))
        goals.append((f"fleet teardown, {hosts} hosts at once / one host of {hosts * size}",
                      ratio(bench.median("fleet teardown", args.fleet), bench.median("one host teardown", args.fleet)),
                      "report", shape))
    lines = ["| goal | N | measured | target | verdict |", "|---|---|---|---|---|"]
    for name, value, target, size in goals:
        shown = f"{value:.2f}" if value is not None else "-"
        lines.append(f"| {name} | {size} | {shown} | {target} | {verdict(value, target)} |")
    lines += ["", f"Ansible's floor: ansible-playbook with one netns task that changes nothing takes "
              f"{bench.median('ansible floor', top):.2f} s; the pyroute2 teardown of N = {top} takes "
              f"{bench.median('pyroute2 teardown', top):.2f} s."]
    lines += tree_table(bench, args.tree_sizes)
    if args.linear:
        lines += ["", f"Linear chain of {args.linear} through the role: build "
                  f"{bench.median('linear role build', args.linear):.2f} s, re-run {bench.median('linear role re-run', args.linear):.2f} s, "
                  f"teardown {bench.median('linear role teardown', args.linear):.2f} s."]
    lines += ["", f"Task-per-object loop at N = {args.loop_size}: {bench.median('task-per-object tasks', args.loop_size):.0f} tasks in "
              f"{bench.median('task-per-object loop', args.loop_size):.1f} s; the role: {bench.median('role build', args.loop_size):.2f} s."]
    return "\n".join(rows) + "\n\n" + "\n".join(lines) + "\n"


def verdict(value, target):
    if value is None or target == "report":
        return "-"
    bound = float(target.split()[1])
    return "met" if (value <= bound if target.startswith("<=") else value >= bound) else "missed"


TREE_STEPS = (("build", "tree role build", "tree pyroute2 build"),
              ("re-run", "tree role re-run", "tree pyroute2 check"),
              ("teardown", "tree role teardown", "tree pyroute2 teardown"))


def per_namespace(bench, what, size):
    value = bench.median(what, size)
    return value / size * 1000 if value else None  # ms


def tree_table(bench, sizes):
    if not sizes:
        return []
    rows = ["", "Routed tree (the preset's binary tree), per namespace:", "",
            "| N | role build | plain build | role re-run | plain check | role teardown | plain teardown | "
            "module peak MB |", "|---|---|---|---|---|---|---|---|"]
    for size in sizes:
        cells = [per_namespace(bench, what, size) for _step, role, plain in TREE_STEPS for what in (role, plain)]
        rows.append(f"| {size} | " + " | ".join(f"{cell:.2f} ms" if cell else "-" for cell in cells)
                    + f" | {bench.median('tree module peak MB', size) or 0:.0f} |")
    return rows


def tree_goals(bench, sizes):
    """Per-namespace cost through the role against the plain script at the largest tree, and how
    each grows from the smallest tree measured to the largest."""
    if not sizes:
        return []
    small, large = min(sizes), max(sizes)
    goals = []
    for step, role, plain in TREE_STEPS:
        measured = ratio(per_namespace(bench, role, large), per_namespace(bench, plain, large))
        goals.append((f"tree {step} per namespace, role / plain script", measured, "<= 1.2", large))
    if small != large:
        for step, role, plain in TREE_STEPS:
            role_growth = ratio(per_namespace(bench, role, large), per_namespace(bench, role, small))
            plain_growth = ratio(per_namespace(bench, plain, large), per_namespace(bench, plain, small))
            goals.append((f"tree {step}: growth per namespace {small} -> {large}, role / plain script",
                          ratio(role_growth, plain_growth), "<= 1.0", large))
    goals.append(("module peak memory on the tree (MB)", bench.median("tree module peak MB", large), "<= 250", large))
    return goals


def chart(bench, args):
    """Time against N, log-log, as a small hand-written SVG."""
    import math
    series = [("role build", "#1f77b4"), ("pyroute2 build", "#2ca02c"), ("ip -batch build", "#ff7f0e"),
              ("task-per-object loop", "#d62728")]
    points = {name: sorted((size, value) for (what, size), values in bench.samples.items() if what == name
                           for value in [statistics.median(values)]) for name, _colour in series}
    all_values = [v for pts in points.values() for _size, v in pts] or [1]
    all_sizes = [s for pts in points.values() for s, _value in pts] or [10]
    x0, x1 = math.log10(min(all_sizes)), math.log10(max(all_sizes)) + 1e-9
    y0, y1 = math.floor(math.log10(min(all_values))), math.ceil(math.log10(max(all_values)))
    y1 = max(y1, y0 + 1)
    width, height, margin = 640, 400, 60

    def sx(size):
        return margin + (math.log10(size) - x0) / (x1 - x0) * (width - 2 * margin)

    def sy(seconds):
        return height - margin - (math.log10(seconds) - y0) / (y1 - y0) * (height - 2 * margin)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" font-size="12">',
           f'<rect width="{width}" height="{height}" fill="white"/>',
           f'<text x="{width / 2}" y="20" text-anchor="middle" font-size="14">Star topology: time against N (log-log)</text>']
    for exponent in range(y0, y1 + 1):
        y = sy(10 ** exponent)
        out.append(f'<line x1="{margin}" y1="{y:.1f}" x2="{width - margin}" y2="{y:.1f}" stroke="#ddd"/>')
        out.append(f'<text x="{margin - 6}" y="{y + 4:.1f}" text-anchor="end">{10 ** exponent:g} s</text>')
    for size in sorted(set(all_sizes)):
        out.append(f'<text x="{sx(size):.1f}" y="{height - margin + 16}" text-anchor="middle">{size}</text>')
    out.append(f'<text x="{width / 2}" y="{height - 12}" text-anchor="middle">namespaces (N)</text>')
    for index, (name, colour) in enumerate(series):
        pts = points[name]
        if pts:
            path = " ".join(f"{sx(s):.1f},{sy(v):.1f}" for s, v in pts)
            out.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
            out += [f'<circle cx="{sx(s):.1f}" cy="{sy(v):.1f}" r="3" fill="{colour}"/>' for s, v in pts]
        out.append(f'<rect x="{margin + 10}" y="{margin + index * 18 - 9}" width="12" height="4" fill="{colour}"/>')
        out.append(f'<text x="{margin + 28}" y="{margin + index * 18 - 3}">{name}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _fleet_shape(text):
    if text in ("", "0"):
        return None
    hosts, _times, size = text.partition("x")
    return int(hosts), int(size)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10,100,1000", type=lambda text: [int(n) for n in text.split(",")])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--loop-size", type=int, default=200)
    parser.add_argument("--single", type=int, default=20)
    parser.add_argument("--linear", type=int, default=100)
    parser.add_argument("--tree-sizes", default="1000,5000",
                        type=lambda text: [int(n) for n in text.split(",") if n] if text else [])
    parser.add_argument("--fleet", default="4x250", type=_fleet_shape,
                        help="HOSTSxSIZE: fake hosts of SIZE namespaces each, against one of HOSTS*SIZE; 0 skips it")
    parser.add_argument("--output", default=str(ROOT / "docs" / "performance"))
    args = parser.parse_args()
    bench = Bench(args)
    started = time.time()
    for size in args.sizes:
        for repeat in range(args.repeat):
            print(f"star N={size} run {repeat + 1}/{args.repeat}", flush=True)
            bench.star(size, repeat)
    if args.linear:
        print(f"linear N={args.linear}", flush=True)
        bench.linear(args.linear)
    for size in args.tree_sizes:
        print(f"tree N={size}", flush=True)
        bench.tree(size)
    if args.fleet:
        hosts, size = args.fleet
        print(f"fleet {hosts} hosts x {size} against one host of {hosts * size}", flush=True)
        fleet_case(hosts, size, args.repeat, lambda what, seconds: bench.record(what, args.fleet, seconds))
    print(f"task-per-object loop N={args.loop_size}", flush=True)
    bench.loop(args.loop_size)
    for repeat in range(args.repeat):
        print(f"single-object tasks x{args.single} run {repeat + 1}/{args.repeat}", flush=True)
        bench.single(args.single)
    output = pathlib.Path(args.output)
    output.mkdir(parents=True, exist_ok=True)
    (output / "results.json").write_text(json.dumps(  # first: the samples outlive a failing report
        {"sizes": args.sizes, "repeat": args.repeat, "seconds": round(time.time() - started),
         "samples": {f"{what} @ {size}": values for (what, size), values in sorted(bench.samples.items())}},
        indent=1))
    table = report(bench, args)
    print()
    print(table)
    (output / "table.md").write_text(table)
    (output / "chart.svg").write_text(chart(bench, args))
    print(f"wrote {output}/table.md, chart.svg, results.json in {time.time() - started:.0f} s")


if __name__ == "__main__":
    main()
