#!/usr/bin/env bash
# The whole test suite, as root on a Debian machine, from a clean clone:  bash tests/run.sh
# Installs what it needs, then runs: unit tests (through ansible-test, and again as nobody to prove
# they need no root), ansible-test sanity, integration targets with the venv's pyroute2 (0.9)
# through ansible-test and with Debian's python3-pyroute2 (0.7.2), molecule
# scenarios of the topology role, reliability tests (crash, concurrency, busy namespaces, ownership,
# check mode, hostile input, persistence, link settings and shaping), the role over SSH on a fleet of fake hosts (tests/fleet)
# and on booted Debian 11, 12 and 13 machines with systemd and real reboots (tests/booted),
# ansible-lint, a docs-are-current check, changelog lint, a galaxy build/install round trip, the
# benchmark at N = 10 and the data-plane benchmark at one short round (to prove they run, not to
# time anything), and a leak check against the host's
# namespaces, links, the files a persistent topology installs and the services' records.
# LINUXNET_STAGES="units integration" runs only some stages.
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
stages=${LINUXNET_STAGES:-units units-unprivileged sanity integration integration-debian reliability fleet booted molecule lint docs changelog galaxy bench dataplane}
[[ $(id -u) == 0 ]] || { echo "tests/run.sh must run as root (it makes namespaces and links)" >&2; exit 2; }

venv=$("$root/scripts/bootstrap.sh" "$root/tests/requirements-dev.txt") || exit 1
export PATH=$venv/bin:$PATH
pyver=$(python -c 'import sys; print("%d.%d" % sys.version_info[:2])')

# ansible-test runs only from <ROOT>/ansible_collections/linuxnet/netns and refuses symlinks: test a copy.
work=$(mktemp -d /tmp/linuxnet-netns-test.XXXXXX)
coll=$work/ansible_collections/linuxnet/netns
mkdir -p "$coll"
(cd "$root" && git ls-files -co --exclude-standard -z | xargs -0 -I{} find {} -maxdepth 0 -type f -print0 \
  | tar --null -T - -cf -) | tar -xf - -C "$coll"
(cd "$coll" && git init -q && git add -A && git -c user.name=ci -c user.email=ci@localhost commit -qm snapshot)
export ANSIBLE_COLLECTIONS_PATH=$work
export ANSIBLE_PYTHON_INTERPRETER=$venv/bin/python

pip_version=$(grep -oP "pip='\K[0-9.]+" "$venv"/lib/python*/site-packages/ansible_test/_internal/python_requirements.py | head -1)
mkdir -p ~/.ansible/test/cache
cp "$root/scripts/ansible-test-get-pip.py" ~/.ansible/test/cache/get_pip_${pip_version//./_}.py

host_state() {  # namespaces, links, the records under /run, and what a persistent topology installs
  { ip netns list | awk '{print "netns " $1}'; ip -o link show | awk -F': ' '{print "link " $2}' | cut -d@ -f1
    find /run/linuxnet-netns/owners -mindepth 1 -maxdepth 1 -printf 'record %f\n' 2>/dev/null
    find /run/linuxnet-netns/owners-unfinished /run/linuxnet-netns/sysctls /run/linuxnet-netns/journal /run/linuxnet-netns/moved /run/linuxnet-netns/services -type f \
      -printf 'record %p\n' 2>/dev/null
    { find /etc/linuxnet-netns /usr/local/lib/linuxnet-netns /usr/local/sbin/linuxnet-netns -maxdepth 2
      find /etc/systemd/system -maxdepth 2 -name 'linuxnet-netns@*'
      find /var/tmp /run/linuxnet-netns-machines -maxdepth 1 -name 'lntb*'
      find /etc/netns /run/linuxnet-netns-lab -maxdepth 1 -name 'lnt*'; } 2>/dev/null | awk '{print "file " $1}'; } | sort
}
before=$(host_state)

passed=0 failed=0 failures=()
stage() {
  local name=$1; shift
  [[ " $stages " == *" $name "* ]] || return 0
  echo "=== $name: $*"
  local started=$SECONDS
  if (cd "$coll" && "$@"); then
    passed=$((passed + 1)); echo "=== $name: passed in $((SECONDS - started)) s"
  else
    failed=$((failed + 1)); failures+=("$name"); echo "=== $name: FAILED after $((SECONDS - started)) s"
  fi
}

no_skips() {  # ansible-test exits 0 when every target is skipped; that is a failure here
  local log; log=$(mktemp)
  "$@" 2>&1 | tee "$log"; local rc=${PIPESTATUS[0]}
  if grep -q "All targets skipped" "$log"; then echo "every target was skipped"; rc=1; fi
  rm -f "$log"; return "$rc"
}

stage units ansible-test units --local --python "$pyver" --requirements
stage units-unprivileged bash tests/unit-unprivileged.sh "$coll"
stage sanity ansible-test sanity --local --python "$pyver"
stage integration no_skips ansible-test integration --local --python "$pyver" --requirements --allow-destructive
stage integration-debian env ANSIBLE_ROLES_PATH=tests/integration/targets \
  ansible-playbook -i localhost, tests/integration/run-targets.yml -e target_python=/usr/bin/python3
stage reliability env PYTHONPATH="$work" LINUXNET_FUZZ_EXAMPLES="${LINUXNET_FUZZ_EXAMPLES:-300}" \
  python -m pytest -q -rs -p no:cacheprovider tests/reliability
stage fleet env PYTHONPATH="$work" python -m pytest -q -p no:cacheprovider tests/fleet
stage booted env PYTHONPATH="$work" python -m pytest -q -s -p no:cacheprovider tests/booted
stage molecule bash tests/fleet/molecule.sh
stage lint ansible-lint
stage docs bash scripts/docs.sh --check
stage changelog antsibull-changelog lint
stage galaxy bash tests/galaxy-roundtrip.sh "$work"
stage bench bash bench/run.sh --sizes 10 --repeat 1 --loop-size 10 --single 3 --linear 4 --tree-sizes 10,20 --fleet 2x5 \
  --output "$work/bench"
stage dataplane bash bench/run.sh dataplane --seconds 1 --repeat 1 --requests 200 --output "$work/dataplane"

# Leak check: whatever the stages did, the host must hold exactly what it held before.
leftovers=$(comm -13 <(echo "$before") <(host_state))
if [[ -n $leftovers ]]; then
  failed=$((failed + 1)); failures+=("leak-check")
  echo "=== leak-check: FAILED, the suite left behind: $(echo $leftovers | cut -c1-2000)"
  while read -r kind name; do  # remove only what carries the tests' prefix
    [[ $name == lnt* ]] || continue
    case $kind in
      netns) ip netns delete "$name" ;;
      link) ip link delete "$name" ;;
      record) rm -f "/run/linuxnet-netns/owners/$name" ;;
    esac
  done <<< "$leftovers"
else
  passed=$((passed + 1)); echo "=== leak-check: passed (no namespace, link or record under /run left behind)"
fi

rm -rf "$work"
((failed)) && echo "failed stages: ${failures[*]}"
echo "stages: $passed passed, $failed failed"
((failed == 0))
