#!/usr/bin/env bash
# The main job: build the example lab (a 10-namespace star and a 4-hop routed chain) on this host
# with the topology role, verify it with pings, show the reachability matrices, then tear it down.
# LAB_KEEP=1 leaves it up; remove it later with: scripts/lab.sh absent
# scripts/lab.sh clos: the Clos fabric instead (examples/clos.yml: 2 spines, 4 leaves, BIRD 2 in
# each router under OSPF, multipath routes); scripts/lab.sh clos absent removes it.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/collection-env.sh" "$(dirname "${BASH_SOURCE[0]}")/../requirements.txt"
example=lab args=
if [[ ${1:-} == clos ]]; then example=clos args=" clos"; shift; fi
play() { ansible-playbook -i localhost, "$root/examples/$example.yml" "$@"; }
if [[ ${1:-} == absent ]]; then play -e topology_state=absent; exit; fi
play
echo "Second run, which must change nothing:"
play | tail -2
if [[ ${LAB_KEEP:-0} != 1 ]]; then
  play -e topology_state=absent | tail -2
  echo "The lab was removed. LAB_KEEP=1 bash scripts/lab.sh$args leaves it up."
else
  echo "The lab is up (ip netns list); graphs in /tmp/linuxnet-netns-lab; remove it with: bash scripts/lab.sh$args absent"
fi
