"""A topology larger than the process's open-file limit allows to hold open at once: the module
releases the namespaces it used least recently and opens them again when needed, so that build,
re-run and teardown all work (the 5,000-namespace tree needs this on a 20,000-file limit)."""
import json
import os
import resource
import subprocess

from conftest import module_command, star, write_args

LIMIT = 320  # room for 8 namespaces at once: most of the star's 61 must be released and reopened


def run_limited(args):
    path = write_args(args)
    try:
        done = subprocess.run(module_command("netns_topology", path), capture_output=True, text=True, check=False,
                              preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (LIMIT, LIMIT)))
    finally:
        os.unlink(path)
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_more_namespaces_than_open_files_build_rerun_and_go(prefix):
    description = star(prefix, 60, name=prefix, verify=True)
    built = run_limited(description)
    assert not built.get("failed"), built.get("msg")
    assert built["verification"]["failed"] == 0 and built["counts"]["create"] > 60
    again = run_limited(description)
    assert not again.get("failed") and again["changed"] is False, again.get("msg")
    gone = run_limited({**description, "state": "absent"})
    assert not gone.get("failed") and gone["counts"]["delete"] == 61
