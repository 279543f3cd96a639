#!/usr/bin/env bash
# compare.sh - tsna-server against Redis on this machine, side by side, with one load generator
# (tsna-bench) driving both, in both client patterns. Prints a table of medians and ratios; see
# docs/PERFORMANCE.md.
#
# Usage: bench/compare.sh [--quick] [--rounds N] [--seconds S] [--idle M] [--configs LIST]
#                         [--pin] [--keep DIR] [--no-build]
#   --quick            about two minutes: 3 rounds of 1.5 s runs (default: 5 rounds of 5 s)
#   --rounds N         rounds; each runs every measurement on Redis, then on each tsna-server
#   --seconds S        measured seconds per run (plus a warmup of a fifth of it, at least 0.5 s)
#   --idle M           idle connections for the memory figure (default 10000)
#   --configs LIST     the tsna-server configurations, comma separated: "default" (no --threads)
#                      or a number of event loops (default: "default,1")
#   --pin              pin the servers to CPU 0 and the load (tsna-bench, redis-benchmark) to CPU 1
#   --keep DIR         keep every run's JSON and the servers' logs in DIR
#   --no-build         use the binaries in the build directory as they are
#
# It installs redis-server/redis-tools with apt-get if they are missing, brings tsna-server and
# tsna-bench up to date (Release, in build-release/ or $TSNA_BUILD_DIR; -j1 unless $JOBS),
# starts both servers on free ports of 127.0.0.1 (fresh ones each round), and stops everything
# it started when it exits.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${TSNA_BUILD_DIR:-$ROOT/build-release}
ROUNDS=5
SECONDS_PER_RUN=5
IDLE=10000
CONFIGS="default,1"
PIN=0
KEEP=""
BUILD_FIRST=1

while [[ $# -gt 0 ]]; do
  case "$1" in
    --quick) ROUNDS=3; SECONDS_PER_RUN=1.5 ;;
    --rounds) ROUNDS=$2; shift ;;
    --seconds) SECONDS_PER_RUN=$2; shift ;;
    --idle) IDLE=$2; shift ;;
    --configs) CONFIGS=$2; shift ;;
    --pin) PIN=1 ;;
    --keep) KEEP=$2; shift ;;
    --no-build) BUILD_FIRST=0 ;;
    -h|--help) sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "compare.sh: unknown option $1 (try --help)" >&2; exit 2 ;;
  esac
  shift
done
if (( ROUNDS < 3 )); then
  echo "compare.sh: at least 3 rounds, so that medians mean something" >&2
  exit 2
fi
IFS=, read -r -a CONFIG_LIST <<<"$CONFIGS"
for c in "${CONFIG_LIST[@]}"; do
  if [[ $c != default && ! $c =~ ^[1-9][0-9]*$ ]]; then
    echo "compare.sh: --configs takes \"default\" or numbers of event loops, not \"$c\"" >&2
    exit 2
  fi
done
PATTERNS=(window batch)
WARMUP=$(awk -v s="$SECONDS_PER_RUN" 'BEGIN { w = s / 5; if (w < 0.5) w = 0.5; print w }')

log() { printf '%s\n' "$*" >&2; }

# --- What it needs -----------------------------------------------------------------------------
as_root() {
  if [[ $(id -u) -eq 0 ]]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    log "compare.sh: need root to run: $*"; exit 1; fi
}
if ! command -v redis-server >/dev/null || ! command -v redis-benchmark >/dev/null ||
   ! command -v redis-cli >/dev/null; then
  log "installing redis-server and redis-tools"
  as_root apt-get install -y redis-server redis-tools >&2 ||
    { as_root apt-get update >&2 && as_root apt-get install -y redis-server redis-tools >&2; }
fi
if (( BUILD_FIRST )) || [[ ! -x $BUILD/src/tsna-server || ! -x $BUILD/src/tsna-bench ]]; then
  if [[ ! -f $BUILD/CMakeCache.txt ]]; then
    log "configuring a Release build in $BUILD"
    generator=()
    command -v ninja >/dev/null && generator=(-G Ninja)
    cmake -S "$ROOT" -B "$BUILD" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release \
      -DTSNA_BUILD_TESTS=OFF -DTSNA_BUILD_BENCHMARKS=OFF >&2
  fi
  log "building tsna-server and tsna-bench in $BUILD"
  cmake --build "$BUILD" --target tsna-server tsna-bench -j "${JOBS:-1}" >&2
fi
TSNA_SERVER=$BUILD/src/tsna-server
TSNA_BENCH=$BUILD/src/tsna-bench

# 10,000 idle connections: the client holds them and each server accepts them.
hard=$(ulimit -Hn)
want=$((IDLE + 512))
if [[ $hard != unlimited && $hard -lt $want ]]; then
  IDLE=$((hard - 512))
  log "compare.sh: open-file hard limit $hard: measuring $IDLE idle connections instead"
fi
ulimit -n "$([[ $hard == unlimited ]] && echo "$want" || echo "$(( hard < want ? hard : want ))")"
MAX_CONNECTIONS=$((IDLE + 100))

SERVER_PIN=()
CLIENT_PIN=()
if (( PIN )); then
  if command -v taskset >/dev/null && (( $(nproc) >= 2 )); then
    SERVER_PIN=(taskset -c 0)
    CLIENT_PIN=(taskset -c 1)
  else
    log "compare.sh: --pin needs taskset and two CPUs; running unpinned"
    PIN=0
  fi
fi

# --- Servers -----------------------------------------------------------------------------------
WORK=$(mktemp -d /tmp/tsna-compare.XXXXXX)
TSNA_PIDS=()   # per configuration
TSNA_PORTS=()
REDIS_PID=""
stop_servers() {
  local pid
  for pid in "${TSNA_PIDS[@]}" $REDIS_PID; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${TSNA_PIDS[@]}" $REDIS_PID; do
    wait "$pid" 2>/dev/null || true
  done
  TSNA_PIDS=()
  TSNA_PORTS=()
  REDIS_PID=""
}
cleanup() {
  stop_servers
  if [[ -n $KEEP ]]; then
    mkdir -p "$KEEP"
    cp -r "$WORK"/*.json "$WORK"/*.log "$KEEP"/ 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A port that nothing listens on, below the ephemeral range (whose ports the load's own
# connections take).
free_port() {
  local low=32768 port
  read -r low _ </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || true
  (( low > 11000 )) || low=32768
  for _ in $(seq 100); do
    port=$((10000 + RANDOM % (low - 11000)))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return
    fi
  done
  log "compare.sh: no free port found"
  exit 1
}

threads_args() {  # configuration -> tsna-server arguments
  [[ $1 == default ]] || echo "--threads $1"
}
config_label() {  # configuration -> column label
  if [[ $1 == default ]]; then echo "tsna default"; else echo "tsna --threads $1"; fi
}

start_servers() {  # round
  local k name
  for k in "${!CONFIG_LIST[@]}"; do
    name=tsna-$1-$k
    # shellcheck disable=SC2046  # threads_args is meant to split
    "${SERVER_PIN[@]}" "$TSNA_SERVER" --bind 127.0.0.1 --port 0 --data-dir "$WORK/$name" \
      $(threads_args "${CONFIG_LIST[$k]}") --max-connections "$MAX_CONNECTIONS" \
      >"$WORK/$name.out" 2>"$WORK/$name.log" &
    TSNA_PIDS[$k]=$!
  done
  for _ in 1 2 3 4 5; do  # a port found free may be taken before Redis binds it
    REDIS_PORT=$(free_port)
    "${SERVER_PIN[@]}" redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --save '' \
      --appendonly no --daemonize no --maxclients "$MAX_CONNECTIONS" --protected-mode yes \
      >"$WORK/redis-$1.log" 2>&1 &
    REDIS_PID=$!
    for _ in $(seq 100); do
      if redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 || ! kill -0 "$REDIS_PID" 2>/dev/null; then
        break
      fi
      sleep 0.1
    done
    kill -0 "$REDIS_PID" 2>/dev/null && break
    wait "$REDIS_PID" 2>/dev/null || true
    REDIS_PID=""
  done
  for k in "${!CONFIG_LIST[@]}"; do
    name=tsna-$1-$k
    for _ in $(seq 100); do
      grep -q '^listening on ' "$WORK/$name.out" 2>/dev/null && break
      sleep 0.1
    done
    TSNA_PORTS[$k]=$(sed -n 's/^listening on .*:\([0-9]*\)$/\1/p' "$WORK/$name.out")
    if [[ -z ${TSNA_PORTS[$k]} ]]; then
      log "compare.sh: tsna-server did not start:"
      cat "$WORK/$name.log" >&2
      exit 1
    fi
  done
  if [[ -z $REDIS_PID ]] || ! redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1; then
    log "compare.sh: redis-server did not start:"
    cat "$WORK/redis-$1.log" >&2
    exit 1
  fi
}

# --- Measurements ------------------------------------------------------------------------------
# json_num FILE KEY: the first number after "KEY": in FILE ("" when null or absent).
json_num() {
  { grep -o "\"$2\":-\{0,1\}[0-9.]*" "$1" || true; } | head -n1 | sed 's/.*://'
}

# bench NAME ARGS...: one tsna-bench run, its JSON kept as $WORK/NAME.json; warns on errors.
bench() {
  local name=$1
  shift
  local out=$WORK/$name.json
  if ! "${CLIENT_PIN[@]}" "$TSNA_BENCH" --json --warmup "$WARMUP" "$@" >"$out" 2>"$WORK/$name.err"; then
    log "  warning: $name: $(cat "$WORK/$name.err") errors: $(grep -o '"errors":{[^}]*}' "$out" || true)"
  fi
}

declare -A VALUES  # "metric" -> space-separated values, one per round
add() { VALUES[$1]="${VALUES[$1]:-} $2"; }
# keep SIDE CASE FILE: the figures of one load run
keep() {
  add "$1_cps_$2" "$(json_num "$3" commands_per_s)"
  add "$1_p50_$2" "$(json_num "$3" p50)"
  add "$1_p99_$2" "$(json_num "$3" p99)"
  add "$1_p999_$2" "$(json_num "$3" p99_9)"
  add "$1_cpu_$2" "$(json_num "$3" server_us_per_op)"
  add "$1_ccpu_$2" "$(json_num "$3" client_us_per_op)"
}

redis_benchmark_rps() {  # extra args...
  "${CLIENT_PIN[@]}" redis-benchmark -p "$REDIS_PORT" -t ping_inline -c 50 "$@" -q 2>/dev/null |
    tr '\r' '\n' | grep -o '[0-9.]* requests per second' | tail -n1 | cut -d' ' -f1
}

RB_N=$(awk -v s="$SECONDS_PER_RUN" 'BEGIN { printf "%d", s * 100000 }')
RB_N16=$(awk -v s="$SECONDS_PER_RUN" 'BEGIN { printf "%d", s * 1000000 }')
REDIS_VERSION=$(redis-server --version | grep -o 'v=[0-9.]*' | cut -c3-)
SIDES=(redis)
for k in "${!CONFIG_LIST[@]}"; do SIDES+=("t$k"); done
LOAD_AVG=$(cut -d' ' -f1-3 /proc/loadavg)

log "tsna-server vs Redis $REDIS_VERSION: $ROUNDS rounds, $SECONDS_PER_RUN s runs (+$WARMUP s warmup)," \
    "$IDLE idle connections, tsna-server configurations: $CONFIGS," \
    "$( ((PIN)) && echo "pinned" || echo "unpinned"), $(nproc) CPUs, load average $LOAD_AVG"
for round in $(seq "$ROUNDS"); do
  start_servers "$round"
  log "round $round: redis :$REDIS_PORT (pid $REDIS_PID), tsna-server :${TSNA_PORTS[*]} (pids ${TSNA_PIDS[*]})"
  # Idle memory first, while the processes are fresh (Redis and the first configuration).
  bench "r$round-redis-idle" --redis --port "$REDIS_PORT" -c 0 --idle "$IDLE" --seconds 0.5 \
    --server-pid "$REDIS_PID"
  bench "r$round-t0-idle" --port "${TSNA_PORTS[0]}" -c 0 --idle "$IDLE" --seconds 0.5 \
    --server-pid "${TSNA_PIDS[0]}"
  add redis_idle "$(json_num "$WORK/r$round-redis-idle.json" bytes_per_idle_connection)"
  add t0_idle "$(json_num "$WORK/r$round-t0-idle.json" bytes_per_idle_connection)"
  # Every load on Redis, then on each configuration in turn (A B C A B C ...).
  for pattern in "${PATTERNS[@]}"; do
    for depth in 1 16; do
      case_name=$pattern-d$depth
      bench "r$round-redis-$case_name" --redis --port "$REDIS_PORT" -c 50 --depth "$depth" \
        --pattern "$pattern" --seconds "$SECONDS_PER_RUN" --server-pid "$REDIS_PID"
      keep redis "$case_name" "$WORK/r$round-redis-$case_name.json"
      for k in "${!CONFIG_LIST[@]}"; do
        bench "r$round-t$k-$case_name" --port "${TSNA_PORTS[$k]}" -c 50 --depth "$depth" \
          --pattern "$pattern" --seconds "$SECONDS_PER_RUN" --server-pid "${TSNA_PIDS[$k]}"
        keep "t$k" "$case_name" "$WORK/r$round-t$k-$case_name.json"
      done
    done
  done
  add rb_d1 "$(redis_benchmark_rps -n "$RB_N")"
  add rb_d16 "$(redis_benchmark_rps -n "$RB_N16" -P 16)"
  for k in "${!CONFIG_LIST[@]}"; do
    bench "r$round-t$k-logins" --port "${TSNA_PORTS[$k]}" --logins --concurrency 16 \
      --seconds "$SECONDS_PER_RUN" --server-pid "${TSNA_PIDS[$k]}"
    add "t${k}_logins" "$(json_num "$WORK/r$round-t$k-logins.json" logins_per_s)"
    add "t${k}_login_cpu" "$(json_num "$WORK/r$round-t$k-logins.json" server_us_per_op)"
  done
  for side in "${SIDES[@]}"; do
    line="  $side:"
    for c in window-d1 window-d16 batch-d1 batch-d16; do
      v=${VALUES[${side}_cps_$c]:-}
      line+=" $c=${v##* }/s"
    done
    log "$line p99(window-d1)=$(v=${VALUES[${side}_p99_window-d1]:-}; echo "${v##* }")us"
  done
  stop_servers
  # The audit log takes about 130 bytes per command: gigabytes over a run. Keep only its tail.
  for k in "${!CONFIG_LIST[@]}"; do
    if [[ -n $KEEP ]]; then
      tail -n 20 "$WORK/tsna-$round-$k/data_log.jsonl" >"$WORK/tsna-$round-$k-audit-tail.log" 2>/dev/null || true
    fi
    rm -rf "$WORK/tsna-$round-$k"
  done
done

# --- The table ---------------------------------------------------------------------------------
median() {  # values... (empty ones ignored)
  printf '%s\n' "$@" | grep -E '^[0-9.]+$' | sort -g |
    awk '{ v[NR] = $1 } END { if (NR == 0) print ""; else if (NR % 2) print v[(NR + 1) / 2];
                               else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
# shellcheck disable=SC2086  # the values are meant to split into arguments
med() { median ${VALUES[$1]:-}; }
fmt() {  # number -> with thousands separators, no decimals ("-" when empty)
  [[ -z $1 ]] && { echo "-"; return; }
  LC_ALL=C awk -v n="$1" 'BEGIN { s = sprintf("%.0f", n); o = "";
    while (length(s) > 3) { o = "," substr(s, length(s) - 2) o; s = substr(s, 1, length(s) - 3) }
    print s o }'
}
fmt1() { if [[ -z $1 ]]; then echo "-"; else LC_ALL=C printf '%.1f' "$1"; fi; }
fmt2() { if [[ -z $1 ]]; then echo "-"; else LC_ALL=C printf '%.2f' "$1"; fi; }
ratio() {  # a / b to two decimals ("-" when either is missing or b is 0)
  if [[ -z $1 || -z $2 ]]; then echo "-"; return; fi
  awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) print "-"; else printf "%.2f", a / b }'
}
verdict() {  # ratio, op (ge|le), target
  [[ $1 == "-" ]] && { echo "?"; return; }
  awk -v r="$1" -v op="$2" -v t="$3" 'BEGIN { ok = (op == "ge") ? (r >= t) : (r <= t); print ok ? "met" : "NOT met" }'
}

# row LABEL CELL...: the label, then one cell per side (Redis, each configuration), then extras.
row() {
  local label=$1
  shift
  printf '%-40s' "$label"
  printf ' %16s' "$@"
  printf '\n'
}
# figure LABEL METRIC FORMAT [TARGET_OP TARGET]: one row of medians, and for the first
# configuration its ratio to Redis and the verdict.
figure() {
  local label=$1 metric=$2 format=$3 op=${4:-} target=${5:-} cells=() side r
  for side in "${SIDES[@]}"; do
    cells+=("$($format "$(med "${side}_$metric")")")
  done
  r=$(ratio "$(med "t0_$metric")" "$(med "redis_$metric")")
  if [[ -n $op ]]; then
    row "$label" "${cells[@]}" "$r" "$( [[ $op == ge ]] && echo ">=" || echo "<=") $target $(verdict "$r" "$op" "$target")"
  else
    row "$label" "${cells[@]}" "$r" ""
  fi
}

echo
echo "tsna-server vs Redis $REDIS_VERSION, medians of $ROUNDS rounds (runs alternate Redis, then each"
echo "tsna-server configuration), $SECONDS_PER_RUN s each; 50 connections; tsna-bench 1 thread; $(nproc) CPUs"
echo "shared by servers and load$( ((PIN)) && echo " (servers on CPU 0, load on CPU 1)"); load average at the start $LOAD_AVG."
echo "Patterns: window = tsna-bench's own (depth kept in flight, one write per read of replies);"
echo "batch = typical clients (a batch of depth requests per send, the next once all are answered)."
echo "Ratio and target: the first configuration ($(config_label "${CONFIG_LIST[0]}")) against Redis."
echo
header=("Redis")
for c in "${CONFIG_LIST[@]}"; do header+=("$(config_label "$c")"); done
row "measure" "${header[@]}" "ratio" "target"
for pattern in "${PATTERNS[@]}"; do
  echo "-- pattern $pattern"
  figure "commands/s, unpipelined" "cps_$pattern-d1" fmt ge 1.1
  figure "commands/s, depth 16" "cps_$pattern-d16" fmt ge 1.1
  if [[ $pattern == window ]]; then
    figure "p99 us, unpipelined" "p99_$pattern-d1" fmt1 le 1.0
  else
    figure "p99 us, unpipelined" "p99_$pattern-d1" fmt1
  fi
  figure "p99.9 us, unpipelined" "p999_$pattern-d1" fmt1
  figure "p50 us, unpipelined" "p50_$pattern-d1" fmt1
  figure "p99 us, depth 16" "p99_$pattern-d16" fmt1
  figure "p99.9 us, depth 16" "p999_$pattern-d16" fmt1
  figure "server CPU us/command, unpipelined" "cpu_$pattern-d1" fmt2 le 1.0
  figure "server CPU us/command, depth 16" "cpu_$pattern-d16" fmt2 le 1.0
  figure "client CPU us/command, unpipelined" "ccpu_$pattern-d1" fmt2
done
echo "-- other"
cells=("n/a")
for k in "${!CONFIG_LIST[@]}"; do cells+=("$(fmt "$(med "t${k}_logins")")"); done
row "logins/s, 16 concurrent (TSNA/2)" "${cells[@]}"
cells=("n/a")
for k in "${!CONFIG_LIST[@]}"; do cells+=("$(fmt2 "$(med "t${k}_login_cpu")")"); done
row "server CPU us per login" "${cells[@]}"
r=$(ratio "$(med t0_idle)" "$(med redis_idle)")
row "server RSS bytes/idle conn ($(fmt "$IDLE"))" "$(fmt "$(med redis_idle)")" "$(fmt "$(med t0_idle)")" "$r" "<= 1024 B $(verdict "$(ratio "$(med t0_idle)" 1024)" le 1)"
row "redis-benchmark ping_inline -c 50" "$(fmt "$(med rb_d1)")"
row "redis-benchmark ping_inline -c 50 -P 16" "$(fmt "$(med rb_d16)")"
echo
echo "Per round, commands/s:"
for pattern in "${PATTERNS[@]}"; do
  for depth in 1 16; do
    for side in "${SIDES[@]}"; do
      if [[ $side == redis ]]; then label=Redis; else label=$(config_label "${CONFIG_LIST[${side#t}]}"); fi
      printf '  %-7s depth %-3s %-18s%s\n' "$pattern" "$depth" "$label" "${VALUES[${side}_cps_$pattern-d$depth]:-}"
    done
  done
done
printf '  %-30s%s\n' "p99 us, window, unpipelined:" ""
for side in "${SIDES[@]}"; do
  if [[ $side == redis ]]; then label=Redis; else label=$(config_label "${CONFIG_LIST[${side#t}]}"); fi
  printf '    %-18s%s\n' "$label" "${VALUES[${side}_p99_window-d1]:-}"
done
for k in "${!CONFIG_LIST[@]}"; do
  printf '  logins/s %-21s%s\n' "$(config_label "${CONFIG_LIST[$k]}")" "${VALUES[t${k}_logins]:-}"
done
printf '  idle bytes/conn: Redis%s; %s%s\n' "${VALUES[redis_idle]:-}" "$(config_label "${CONFIG_LIST[0]}")" "${VALUES[t0_idle]:-}"
