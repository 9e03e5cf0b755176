"""SIGKILL a topology apply at 20 points; every time the next run converges with no orphans."""
import subprocess
import time

from conftest import host_snapshot, module_command, netns_names, run_module, star, write_args

KILL_POINTS = 20


def described(prefix):
    args = star(prefix, 30)
    args["links"].append({"endpoints": [{"name": f"{prefix}h", "addresses": ["198.18.250.1/30"]},
                                        {"netns": f"{prefix}-1", "name": "host0", "addresses": ["198.18.250.2/30"]}]})
    return args


def host_links(prefix):
    output = subprocess.run(["ip", "-o", "link", "show"], capture_output=True, text=True, check=True).stdout
    return sorted(line.split(": ")[1].split("@")[0] for line in output.splitlines()
                  if line.split(": ")[1].startswith(prefix))


def test_killed_at_twenty_points_the_next_run_converges(prefix, capsys):
    args = described(prefix)
    absent = {**args, "state": "absent"}
    before = host_snapshot()
    expected_namespaces = sorted(n["name"] for n in args["namespaces"])

    started = time.perf_counter()
    assert not run_module("netns_topology", args).get("failed")
    duration = time.perf_counter() - started
    assert run_module("netns_topology", absent)["changed"]

    path = write_args(args)
    survived = 0
    for point in range(KILL_POINTS):
        delay = duration * (point + 0.5) / KILL_POINTS
        process = subprocess.Popen(module_command("netns_topology", path), stdout=subprocess.DEVNULL)
        time.sleep(delay)
        process.kill()
        process.wait()

        converged = run_module("netns_topology", args)
        assert not converged.get("failed"), f"kill point {point} ({delay:.2f} s): {converged.get('msg')}"
        again = run_module("netns_topology", args)
        assert again["changed"] is False, f"kill point {point}: second run changed {again['changes']}"
        assert sorted(n for n in netns_names() if n.startswith(prefix)) == expected_namespaces
        assert host_links(prefix) == [f"{prefix}h"], "an orphan link was left in the host namespace"

        assert not run_module("netns_topology", absent).get("failed")
        survived += 1
    assert survived == KILL_POINTS
    with capsys.disabled():
        print(f"\ncrash: {survived} of {KILL_POINTS} kill points converged (full apply {duration:.2f} s)")
    time.sleep(1)
    assert host_snapshot()["netns"] == before["netns"]
