"""The netns_topology module alone (no Ansible) at two revisions of this repository, side by side in
one run: build, no-change re-run and teardown of a star, each the best of several rounds that
alternate which revision goes first (a teardown's namespaces are still being freed by the kernel
when the next build starts). For a refactor that must not cost time. As root:

    python bench/revisions.py BEFORE [AFTER] [--size 800] [--rounds 4]

AFTER defaults to the working tree. Names start with lntrv and are removed afterwards.
"""
import argparse
import json
import os
import pathlib
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
MODULE = "ansible_collections/linuxnet/netns/plugins/modules/netns_topology.py"


def checkout(revision, into):
    """A tree holding the collection at `revision` (None: the working tree), for PYTHONPATH."""
    if revision is None:
        (into / "ansible_collections/linuxnet").mkdir(parents=True)
        (into / "ansible_collections/linuxnet/netns").symlink_to(ROOT)
    else:
        target = into / "ansible_collections/linuxnet/netns"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "-f", str(target), revision],
                       check=True, capture_output=True)
    return into


def run(tree, args):
    """Seconds the module took, and whether it changed anything."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump({"ANSIBLE_MODULE_ARGS": args}, handle)
    try:
        started = time.perf_counter()
        done = subprocess.run([sys.executable, str(tree / MODULE), handle.name], capture_output=True, text=True,
                              env={**os.environ, "PYTHONPATH": str(tree)}, check=False)
        took = time.perf_counter() - started
    finally:
        os.unlink(handle.name)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    if result.get("failed"):
        raise SystemExit(f"{tree}: {result.get('msg')}")
    return took, result["changed"]


def measure(trees, size, rounds):
    args = {"name": "revisions", "preset": {"name": "star", "size": size, "prefix": "lntrv"}}
    best = {label: {"build": [], "re-run": [], "teardown": []} for label in trees}
    for index in range(rounds):
        for label in (list(trees) if index % 2 == 0 else list(reversed(trees))):
            best[label]["build"].append(run(trees[label], args)[0])
            again = [run(trees[label], args), run(trees[label], args)]
            if any(changed for _seconds, changed in again):
                raise SystemExit(f"{label}: a no-change re-run reported a change")
            best[label]["re-run"].append(min(seconds for seconds, _changed in again))
            best[label]["teardown"].append(run(trees[label], {**args, "state": "absent"})[0])
    return best


def remove_leftovers():
    """What a failed round left: the star's namespaces (their links go with them)."""
    for name in os.listdir("/run/netns") if os.path.isdir("/run/netns") else []:
        if name.startswith("lntrv"):
            subprocess.run(["ip", "netns", "delete", name], check=False, capture_output=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before")
    parser.add_argument("after", nargs="?")
    parser.add_argument("--size", type=int, default=800)
    parser.add_argument("--rounds", type=int, default=4)
    options = parser.parse_args()
    try:
        with tempfile.TemporaryDirectory(prefix="lntrv-") as work:
            trees = {options.before: checkout(options.before, pathlib.Path(work, "before")),
                     options.after or "working tree": checkout(options.after, pathlib.Path(work, "after"))}
            best = measure(trees, options.size, options.rounds)
    finally:
        remove_leftovers()
        subprocess.run(["git", "-C", str(ROOT), "worktree", "prune"], check=False)
    (before, first), (after, second) = best.items()
    print(f"star of {options.size}, module alone, best of {options.rounds} rounds (seconds)")
    print(f"| phase | {before} | {after} | after / before |\n|---|---|---|---|")
    for phase in ("build", "re-run", "teardown"):
        old, new = min(first[phase]), min(second[phase])
        print(f"| {phase} | {old:.2f} | {new:.2f} | {new / old:.2f} |")


if __name__ == "__main__":
    main()
