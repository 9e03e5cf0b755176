#!/usr/bin/env bash
# The unit tests as an unprivileged user (nobody), to prove they need no root: from a virtualenv and
# a copy of the collection that nobody can read, both under one temporary directory removed after.
# Usage, as root: bash tests/unit-unprivileged.sh COLLECTION_DIR
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
collection=${1:?collection directory}
dir=$(mktemp -d /tmp/linuxnet-netns-units.XXXXXX)
trap 'rm -rf "$dir"' EXIT
chmod 755 "$dir"
LINUXNET_VENV=$dir/venv "$root/scripts/bootstrap.sh" "$root/tests/requirements-units.txt" >/dev/null || exit 1
mkdir -p "$dir/ansible_collections/linuxnet"
cp -a "$collection" "$dir/ansible_collections/linuxnet/netns"
chmod -R a+rX "$dir"
cd "$dir/ansible_collections/linuxnet/netns" || exit 1
setpriv --reuid=nobody --regid=nogroup --clear-groups \
  env -i PATH=/usr/bin:/bin HOME=/nonexistent PYTHONDONTWRITEBYTECODE=1 PYTHONPATH="$dir" \
  "$dir/venv/bin/python" -c 'import os, sys; sys.exit(0 if os.geteuid() else "still root")' || exit 1
setpriv --reuid=nobody --regid=nogroup --clear-groups \
  env -i PATH=/usr/bin:/bin HOME=/nonexistent PYTHONDONTWRITEBYTECODE=1 PYTHONPATH="$dir" \
  "$dir/venv/bin/python" -m pytest -q -p no:cacheprovider tests/unit
