"""Eight runs applying the same topology at once all succeed and leave exactly the declared state."""
import json
import os
import subprocess
import time

from conftest import host_snapshot, module_command, netns_names, run_module, star, write_args

RUNS = 8


def test_eight_concurrent_runs_agree(prefix, capsys):
    args = star(prefix, 20)
    args["links"].append({"endpoints": [{"name": f"{prefix}h"}, {"netns": f"{prefix}-1", "name": "host0"}]})
    before = host_snapshot()
    path = write_args(args)
    try:
        processes = [subprocess.Popen(module_command("netns_topology", path), stdout=subprocess.PIPE, text=True)
                     for _attempt in range(RUNS)]
        results = [json.loads(process.communicate()[0].strip().splitlines()[-1]) for process in processes]
    finally:
        os.unlink(path)
    failures = [result["msg"] for result in results if result.get("failed")]
    assert failures == []
    again = run_module("netns_topology", args)
    assert again["changed"] is False, again["changes"]
    assert sorted(n for n in netns_names() if n.startswith(prefix)) == sorted(n["name"] for n in args["namespaces"])
    info = run_module("netns_info", {"names": [f"{prefix}-hub"]})
    ports = info["namespaces"][f"{prefix}-hub"]["interfaces"]["br0"]["ports"]
    assert sorted(ports) == sorted(f"p{i}" for i in range(1, 21))
    with capsys.disabled():
        print(f"\nconcurrency: {RUNS} simultaneous runs, {RUNS - len(failures)} succeeded, then no change")
    assert not run_module("netns_topology", {**args, "state": "absent"}).get("failed")
    time.sleep(1)
    assert host_snapshot()["netns"] == before["netns"]
