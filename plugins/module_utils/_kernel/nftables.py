# -*- coding: utf-8 -*-
# Copyright: linuxnet.netns contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""nftables through libnftables' JSON interface, inside one namespace. Private to linuxnet.netns.

Debian's python3-nftables binding when the interpreter has it, else the `nft -j` command: both
speak the same JSON, so nothing here parses nft's text. libnftables opens its netlink socket per
command in the calling thread's namespace, so a command runs with that thread moved into the namespace.
A batch of commands is one kernel transaction: all of it applies, or none.
"""

import json
import shutil
import subprocess

from ansible_collections.linuxnet.netns.plugins.module_utils._errors import KernelError, NotFoundError
from ansible_collections.linuxnet.netns.plugins.module_utils._kernel import namespaces

try:
    import nftables as _binding
except ImportError:
    _binding = None

NFT_COMMAND = "nft"


def available():
    """Whether this host can program nftables at all (the binding, or the nft command)."""
    return _binding is not None or shutil.which(NFT_COMMAND) is not None


def _run_here(commands):
    """Run the JSON commands in the calling thread's namespace; the JSON output ({} when none)."""
    payload = json.dumps({"nftables": commands})
    if _binding is not None:
        nft = _binding.Nftables()
        nft.set_json_output(True)
        code, output, error = nft.cmd(payload)
    else:
        command = shutil.which(NFT_COMMAND)
        if command is None:
            raise NotFoundError("nftables is not installed: neither the python3-nftables binding nor the nft "
                                "command is available")
        done = subprocess.run([command, "-j", "-f", "-"], input=payload, capture_output=True, text=True, check=False)
        code, output, error = done.returncode, done.stdout, done.stderr
    if code != 0:
        raise KernelError(f"nftables refused the change: {' '.join(error.split()) or f'exit code {code}'}")
    return json.loads(output) if output.strip() else {}


def _listed(output):
    """The objects of a listing, without nft's metainfo and without handles (which change on every
    apply and say nothing of the content)."""
    listed = []
    for entry in output.get("nftables", []):
        if "metainfo" in entry:
            continue
        (kind, body), = entry.items()
        listed.append({kind: {key: value for key, value in body.items() if key != "handle"}})
    return listed


class NftablesSession:
    """nftables in the namespace of one handle."""

    def __init__(self, handle):
        self._handle = handle

    def apply(self, commands):
        """Run the commands as one transaction."""
        self._handle.run(lambda: _run_here(commands))

    def ruleset(self):
        """Every table, chain and rule of the namespace, as listed objects without handles."""
        return _listed(self._handle.run(lambda: _run_here([{"list": {"ruleset": None}}])))


def table_in(ruleset, family, name):
    """The objects of one table of a listed ruleset (table, chains, rules), or None when it has none."""
    return [entry for entry in ruleset if _table_of(entry) == (family, name)] or None


def _table_of(entry):
    (kind, body), = entry.items()
    if kind == "table":
        return body.get("family"), body.get("name")
    return body.get("family"), body.get("table")


def canonical(commands, family, name):
    """How the kernel lists table `name` once the commands made it: run in a throwaway namespace,
    so that what a run wants compares with what a host has without guessing nft's normal form."""
    def inside():
        namespaces.enter_scratch()
        _run_here(commands)
        return _listed(_run_here([{"list": {"table": {"family": family, "name": name}}}]))

    return namespaces.visit(inside)
