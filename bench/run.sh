#!/usr/bin/env bash
# The benchmarks, as root:
#   bash bench/run.sh [--sizes 10,100,1000] [--repeat 3] ...   control plane (see bench/bench.py)
#   bash bench/run.sh dataplane [--seconds 3] [--repeat 3] ...  data plane (see bench/dataplane.py)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/collection-env.sh" "$(dirname "${BASH_SOURCE[0]}")/../requirements.txt"
export LINUXNET_COLLECTIONS=$collections PYTHONPATH=$collections
if [[ ${1:-} == dataplane ]]; then
  shift
  python "$root/bench/dataplane.py" "$@"
else
  python "$root/bench/bench.py" "$@"
fi
