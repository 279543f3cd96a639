#!/usr/bin/env bash
# run.sh - builds TSNA's libFuzzer targets (ASan + UBSan) and runs each for SECONDS, one after
# another, from a scratch copy of its seed corpus with the protocol dictionary. Replays every
# input under fuzz/regressions/<target>/ first. Exits non-zero if any target crashes, leaks,
# times out or fails a check. Never writes to fuzz/corpus/.
#
#   bash fuzz/run.sh [SECONDS]        default 10 per target
#
# Environment: FUZZ_JOBS (build parallelism, default 1), FUZZ_BUILD_DIR (default build-fuzz),
# FUZZ_TARGETS (space-separated subset), CXX (default clang++).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-10}
jobs=${FUZZ_JOBS:-1}
build=${FUZZ_BUILD_DIR:-build-fuzz}
cxx=${CXX:-clang++}
all_targets="classic_decoder_fuzz tsna2_decoder_fuzz command_fuzz number_fuzz user_file_fuzz
             audit_fuzz session_fuzz scram_fuzz proxy_header_fuzz"
targets=${FUZZ_TARGETS:-$all_targets}

if ! [[ "$seconds" =~ ^[0-9]+$ ]] || [ "$seconds" -lt 1 ]; then
  echo "usage: $0 [SECONDS]" >&2
  exit 2
fi

# --- dependencies: clang with libFuzzer's runtime, cmake, ninja, OpenSSL and GNU SASL headers
can_build_fuzzer() {
  local probe
  probe=$(mktemp -d)
  printf 'extern "C" int LLVMFuzzerTestOneInput(const unsigned char*, unsigned long) { return 0; }\n' \
    >"$probe/probe.cpp"
  "$cxx" -fsanitize=fuzzer,address,undefined "$probe/probe.cpp" -o "$probe/probe" >/dev/null 2>&1
  local rc=$?
  rm -rf "$probe"
  return $rc
}

missing=()
command -v "$cxx" >/dev/null 2>&1 || missing+=(clang)
command -v cmake >/dev/null 2>&1 || missing+=(cmake)
command -v ninja >/dev/null 2>&1 || missing+=(ninja-build)
[ -f /usr/include/openssl/hmac.h ] || missing+=(libssl-dev)
[ -f /usr/include/gsasl.h ] || missing+=(libgsasl-dev)
if [ ${#missing[@]} -eq 0 ] && ! can_build_fuzzer; then
  missing+=(libclang-rt-14-dev)
fi
if [ ${#missing[@]} -ne 0 ]; then
  echo "== installing ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" clang \
    libclang-rt-14-dev >/dev/null
  can_build_fuzzer || { echo "error: $cxx cannot link -fsanitize=fuzzer" >&2; exit 1; }
fi

# --- build
echo "== build ($build, ASan + UBSan + libFuzzer)"
cmake -S fuzz -B "$build" -G Ninja -DCMAKE_CXX_COMPILER="$cxx" >/dev/null
# shellcheck disable=SC2086
cmake --build "$build" -j "$jobs" --target $targets

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

# Longest input per target: room for a 4096-byte line and its neighbours where lines matter.
max_len() {
  case "$1" in
    session_fuzz | tsna2_decoder_fuzz | user_file_fuzz) echo 8192 ;;
    *) echo 4200 ;;
  esac
}

failed=()
summary=()
for target in $targets; do
  work="$build/run/$target"
  rm -rf "$work"
  mkdir -p "$work/corpus" "$work/artifacts"
  if [ -d "fuzz/corpus/$target" ]; then
    cp -R "fuzz/corpus/$target/." "$work/corpus/"
  fi

  # Regressions: every saved reproducer must now pass.
  if compgen -G "fuzz/regressions/$target/*" >/dev/null; then
    echo "== $target: replaying fuzz/regressions/$target"
    if ! "$build/$target" -runs=1 fuzz/regressions/"$target"/* >"$work/regressions.log" 2>&1; then
      tail -n 40 "$work/regressions.log"
      failed+=("$target (regression)")
      summary+=("$(printf '%-22s %s' "$target" "REGRESSION FAILED (see $work/regressions.log)")")
      continue
    fi
  fi

  echo "== $target: fuzzing ${seconds}s"
  rc=0
  "$build/$target" "$work/corpus" -dict=fuzz/dict/tsna.dict -max_total_time="$seconds" \
    -max_len="$(max_len "$target")" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$work/artifacts/" >"$work/fuzz.log" 2>&1 || rc=$?

  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/fuzz.log" | tail -n 1)
  last=$(grep -E ' cov: [0-9]+' "$work/fuzz.log" | tail -n 1 || true)
  cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
  ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
  files=$(find "$work/corpus" -type f | wc -l)
  if [ "$rc" -ne 0 ]; then
    echo "!! $target failed (exit $rc):"
    grep -E 'ERROR|fuzz check failed|detail|SUMMARY|runtime error|Test unit written' \
      "$work/fuzz.log" | head -n 20 || true
    echo "   log: $work/fuzz.log; save the reproducer in fuzz/regressions/$target/"
    failed+=("$target")
    result="FAILED (exit $rc)"
  else
    result="ok"
  fi
  summary+=("$(printf '%-22s execs %-9s cov %-5s ft %-6s corpus %-5s %s' \
    "$target" "${execs:-?}" "${cov:-?}" "${ft:-?}" "$files" "$result")")
done

echo "== summary (${seconds}s per target)"
printf '%s\n' "${summary[@]}"
if [ ${#failed[@]} -ne 0 ]; then
  echo "FAILED: ${failed[*]}"
  exit 1
fi
echo "all fuzz targets passed"
