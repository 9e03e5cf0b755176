#!/usr/bin/env bash
# Build the collection with ansible-galaxy, install the tarball into a fresh directory, and run the
# example playbook against the installed copy by FQCN: twice (the second run must change nothing),
# then tear it down. Usage: tests/galaxy-roundtrip.sh WORKDIR   (run from the collection root)
set -euo pipefail
work=$1
ansible-galaxy collection build --force --output-path "$work/dist" .
installed=$work/installed
ansible-galaxy collection install --force "$work"/dist/linuxnet-netns-*.tar.gz -p "$installed"
export ANSIBLE_COLLECTIONS_PATH=$installed
play() { ansible-playbook -i localhost, examples/pair.yml -e lab_prefix=lntgx "$@"; }
trap 'play -e lab_state=absent >/dev/null' EXIT
play
second=$(play) || { echo "$second"; exit 1; }
echo "$second" | tail -3
echo "$second" | grep -qE 'localhost +: ok=[0-9]+ +changed=0 ' || { echo "second run changed something"; exit 1; }
