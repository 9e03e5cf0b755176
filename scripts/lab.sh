#!/usr/bin/env bash
# The main job: build the example lab on this host, show that it works, then tear it down
# (LAB_KEEP=1 leaves it up; remove it later with: scripts/lab.sh absent).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
venv=$("$root/scripts/bootstrap.sh")
export PATH=$venv/bin:$PATH
collections=$(mktemp -d /tmp/linuxnet-netns-lab.XXXXXX)
trap 'rm -rf "$collections"' EXIT
mkdir -p "$collections/ansible_collections/linuxnet"
ln -s "$root" "$collections/ansible_collections/linuxnet/netns"
export ANSIBLE_COLLECTIONS_PATH=$collections
play() { ansible-playbook -i localhost, "$root/examples/pair.yml" "$@"; }
if [[ ${1:-} == absent ]]; then play -e lab_state=absent; exit; fi
play
if [[ ${LAB_KEEP:-0} != 1 ]]; then
  play -e lab_state=absent
else
  echo "The lab is up: ip netns list; remove it with: scripts/lab.sh absent"
fi
