#!/usr/bin/env bash
# install-deps.sh - installs the Debian 12 packages TSNA builds and tests with, if missing.
# Every dependency is a Debian package found by CMake; nothing is downloaded at build time.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git
  libasio-dev libssl-dev openssl libsqlite3-dev libcli11-dev libedit-dev libgsasl-dev gsasl
  # the shared store (--store postgresql://...): libpq, and the server its tests start
  libpq-dev postgresql
  libgtest-dev libgmock-dev libbenchmark-dev
  clang libclang-rt-14-dev
  # tests/packaging: the .deb (dpkg-shlibdeps, lintian), the man pages (mandoc), the unit
  # (systemd-analyze; procps has the kill its ExecReload runs)
  dpkg-dev lintian mandoc systemd procps
  # tests/wireshark: the Lua dissector under tshark, captures made with dumpcap (as root)
  tshark wireshark-common
  # tests/integration/metrics_test.cpp: promtool checks a scrape of --metrics
  prometheus
  # tests/integration/haproxy_test.cpp: a real load balancer sending the PROXY protocol
  haproxy
)
if [[ "${1:-}" == "--bench" ]]; then
  # bench/compare.sh's Redis, and perf for the profiles in docs/PERFORMANCE.md.
  packages+=(redis-server redis-tools linux-perf)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if ((${#missing[@]} == 0)); then
  exit 0
fi
echo "install-deps: installing ${missing[*]}"
SUDO=""
if [[ $(id -u) -ne 0 ]]; then
  SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
# wireshark-common asks whether non-root users may capture; the tests capture as root.
echo "wireshark-common wireshark-common/install-setuid boolean false" | $SUDO debconf-set-selections
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
