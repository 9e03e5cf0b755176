#!/usr/bin/env bash
# The molecule scenarios, run from the controller namespace of a fleet of three fake hosts: the
# single-host scenarios on the controller itself (localhost), the fleet scenario over SSH on the
# fake hosts. The fleet is stopped afterwards, whatever happened. The booted scenario runs from
# the machine's own namespaces: systemd-nspawn needs the cgroup file system under /sys, which
# `ip netns exec` hides behind a sysfs of the namespace's own.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
prefix=lntfmol$$  # this run's fleet alone is stopped, whatever else runs
trap 'python "$here/harness.py" down --prefix "$prefix"' EXIT
eval "$(python "$here/harness.py" up 3 --prefix "$prefix")"
export FLEET_INVENTORY
ip netns exec "$FLEET_CONTROLLER" molecule test --all --exclude booted
molecule test --scenario-name booted
