#!/usr/bin/env bash
# The benchmark, as root: bash bench/run.sh [--sizes 10,100,1000] [--repeat 3] ... (see bench/bench.py)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/collection-env.sh" "$(dirname "${BASH_SOURCE[0]}")/../requirements.txt"
export LINUXNET_COLLECTIONS=$collections PYTHONPATH=$collections
python "$root/bench/bench.py" "$@"
