#!/usr/bin/env bash
# start.sh - installs what is missing, builds TSNA, starts tsna-server on its defaults
# (127.0.0.1:6016, SQLite in ./tsna-data) and opens the tsna client on it. Leaving the client
# stops the server. Pass server options after the script name (e.g. --allow-classic).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
cmake -S . -B build-release -G Ninja -DCMAKE_BUILD_TYPE=Release -DTSNA_BUILD_TESTS=OFF \
  -DTSNA_BUILD_BENCHMARKS=OFF >/dev/null
cmake --build build-release -j "$(nproc)" --target tsna-server tsna

mkdir -p tsna-data && chmod 0700 tsna-data
./build-release/src/tsna-server --data-dir tsna-data "$@" >tsna-data/server.log 2>&1 &
server=$!
trap 'kill -TERM "$server" 2>/dev/null; wait "$server" 2>/dev/null || true' EXIT
for _ in $(seq 50); do
  grep -q "^listening on" tsna-data/server.log 2>/dev/null && break
  if ! kill -0 "$server" 2>/dev/null; then
    cat tsna-data/server.log >&2
    exit 1
  fi
  sleep 0.1
done
echo "tsna-server: $(head -n 1 tsna-data/server.log) (log: tsna-data/server.log)"
echo "Type: register NAME, login NAME, sum 1 2 3, help, logout, exit"
./build-release/src/tsna 127.0.0.1:6016
