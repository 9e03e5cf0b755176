#!/usr/bin/env bash
# Build the collection with ansible-galaxy, install the tarball into a fresh directory, and run the
# example playbook against the installed copy by FQCN: twice (the second run must change nothing),
# then tear it down; and check what ansible-builder makes of it for an execution environment.
# Usage: tests/galaxy-roundtrip.sh WORKDIR   (run from the collection root)
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

# The installed collection tells ansible-builder what an execution environment needs, and the
# build context it writes asks for them.
introspected=$(ansible-builder introspect --sanitize "$installed")
echo "$introspected"
grep -q "pyroute2" <<< "$introspected" || { echo "ansible-builder does not see the Python requirement"; exit 1; }
grep -q "openssh-client" <<< "$introspected" || { echo "ansible-builder does not see the system requirements"; exit 1; }
printf 'version: 3\nimages:\n  base_image:\n    name: quay.io/ansible/awx-ee:latest\ndependencies:\n  galaxy:\n    collections:\n      - name: %s\n        type: file\n' \
  "$(ls "$work"/dist/linuxnet-netns-*.tar.gz)" > "$work/execution-environment.yml"
ansible-builder create --file "$work/execution-environment.yml" --context "$work/ee-context" >/dev/null
[[ -f $work/ee-context/Containerfile || -f $work/ee-context/Dockerfile ]] \
  || { echo "ansible-builder wrote no build context"; exit 1; }
echo "ansible-builder: the execution environment's build context is in $work/ee-context"
