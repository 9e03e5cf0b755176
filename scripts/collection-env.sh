# Sourced by the scripts that run this checkout: installs what they need (scripts/bootstrap.sh),
# puts the virtualenv first on PATH, and makes the checkout importable as linuxnet.netns through a
# temporary collections directory ($collections, removed on exit).
# Usage: source scripts/collection-env.sh REQUIREMENTS_FILE (always give it: a sourced file
# without arguments would see the caller's).
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
venv=$("$root/scripts/bootstrap.sh" "$1")
export PATH=$venv/bin:$PATH
collections=$(mktemp -d /tmp/linuxnet-netns.XXXXXX)
trap 'rm -rf "$collections"' EXIT
mkdir -p "$collections/ansible_collections/linuxnet"
ln -s "$root" "$collections/ansible_collections/linuxnet/netns"
export ANSIBLE_COLLECTIONS_PATH=$collections
