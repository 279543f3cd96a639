#!/usr/bin/env bash
# test.sh - installs what is missing, builds TSNA twice (warnings as errors; then with
# AddressSanitizer + UndefinedBehaviorSanitizer), runs every test in both builds and each
# libFuzzer target for a few seconds. ctest's summary is the last thing it prints.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
jobs=$(nproc)

echo "== build (RelWithDebInfo, -Werror)"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTSNA_WERROR=ON >/dev/null
cmake --build build -j "$jobs"

echo "== build (ASan + UBSan)"
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DTSNA_SANITIZE=ON \
  -DTSNA_BUILD_BENCHMARKS=OFF >/dev/null
cmake --build build-asan -j "$jobs"

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

echo "== tests under ASan + UBSan"
ctest --test-dir build-asan --output-on-failure -j "$jobs" --timeout 600

echo "== fuzz targets, 5 s each (bash fuzz/run.sh SECONDS for longer runs)"
FUZZ_JOBS="$jobs" bash fuzz/run.sh 5

echo "== tests"
ctest --test-dir build --output-on-failure -j "$jobs" --timeout 600
