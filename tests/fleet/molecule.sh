#!/usr/bin/env bash
# The molecule scenarios, run from the controller namespace of a fleet of three fake hosts: the
# single-host scenarios on the controller itself (localhost), the fleet scenario over SSH on the
# fake hosts. The fleet is stopped afterwards, whatever happened.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
trap 'python "$here/harness.py" down' EXIT
eval "$(python "$here/harness.py" up 3)"
export FLEET_INVENTORY
ip netns exec "$FLEET_CONTROLLER" molecule test --all
