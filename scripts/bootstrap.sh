#!/usr/bin/env bash
# Installs what the project needs on a fresh Debian machine, as root, and prints the virtualenv's path.
# Usage: scripts/bootstrap.sh [requirements file]   (default: requirements.txt)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
requirements=${1:-$root/requirements.txt}
venv=${LINUXNET_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/linuxnet-netns/venv}

# Every command a test calls: ping (iputils-ping), sysctl (procps), systemd-analyze (systemd),
# ssh-keygen for ansible-test and the fleet harness, sshd for its fake hosts (openssh-server; its
# own service is not what the tests use, so it is installed without being started), iperf3 for the
# data-plane benchmark and the shaping tests, ethtool and tc (iproute2) to read link settings back,
# nft and Debian's JSON binding for uplinks and port forwards (the fake hosts share /usr);
# systemd-nspawn, debootstrap and dpkg-scanpackages for the booted machines and their repository;
# BIRD 2 for the Clos lab (examples/clos.yml), whose apt task needs Debian's python3-apt.
missing=()
command -v ping >/dev/null || missing+=(iputils-ping)
command -v sysctl >/dev/null || missing+=(procps)
command -v systemd-analyze >/dev/null || missing+=(systemd)
[[ -x /usr/sbin/sshd ]] || missing+=(openssh-server)
command -v ssh-keygen >/dev/null || missing+=(openssh-client)
command -v git >/dev/null || missing+=(git)
command -v iperf3 >/dev/null || missing+=(iperf3)
command -v ethtool >/dev/null || missing+=(ethtool)
command -v nft >/dev/null || missing+=(nftables)
command -v systemd-nspawn >/dev/null || missing+=(systemd-container)  # booted machines (tests/booted)
command -v debootstrap >/dev/null || missing+=(debootstrap)
command -v dpkg-scanpackages >/dev/null || missing+=(dpkg-dev)
command -v bird >/dev/null || missing+=(bird2)
/usr/bin/python3 -c 'import apt' 2>/dev/null || missing+=(python3-apt)
/usr/bin/python3 -c 'import nftables' 2>/dev/null || missing+=(python3-nftables)
/usr/bin/python3 -c 'import pyroute2' 2>/dev/null || missing+=(python3-pyroute2)
/usr/bin/python3 -c 'import ensurepip, venv' 2>/dev/null || missing+=(python3-venv)
# `ip netns exec` binds a namespace's /etc/netns/NS/hosts over /etc/hosts and refuses to run when
# the host has none (a minimal image may lack it): the examples' and tests' hosts files need one.
[[ -e /etc/hosts ]] || printf '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n' > /etc/hosts
if ((${#missing[@]})); then
  echo "bootstrap: installing Debian packages: ${missing[*]}" >&2
  apt-get update -qq >&2
  no_start=
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then  # packages install their services without starting them
    no_start=/usr/sbin/policy-rc.d; printf '#!/bin/sh\nexit 101\n' > "$no_start"; chmod 755 "$no_start"
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
  [[ -z $no_start ]] || rm -f "$no_start"
fi

# The venv is built from Debian's Python, the same interpreter managed hosts run.
stamp=$(cat "$root/requirements.txt" "$requirements" | sha256sum | cut -c1-16)
if [[ ! -x $venv/bin/python || ! -f $venv/.stamp-$stamp ]]; then
  echo "bootstrap: preparing $venv" >&2
  [[ -x $venv/bin/python ]] || /usr/bin/python3 -m venv "$venv" >&2
  "$venv/bin/python" -m pip install -q --disable-pip-version-check -r "$requirements" >&2
  touch "$venv/.stamp-$stamp"
fi
echo "$venv"
