#!/usr/bin/env bash
# The benchmark, as root: bash bench/run.sh [--sizes 10,100,1000] [--repeat 3] ... (see bench/bench.py)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
venv=$("$root/scripts/bootstrap.sh")
export PATH=$venv/bin:$PATH
collections=$(mktemp -d /tmp/linuxnet-netns-bench.XXXXXX)
trap 'rm -rf "$collections"' EXIT
mkdir -p "$collections/ansible_collections/linuxnet"
ln -s "$root" "$collections/ansible_collections/linuxnet/netns"
export ANSIBLE_COLLECTIONS_PATH=$collections LINUXNET_COLLECTIONS=$collections PYTHONPATH=$collections
python "$root/bench/bench.py" "$@"
