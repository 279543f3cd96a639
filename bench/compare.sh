#!/usr/bin/env bash
# compare.sh - tsna-server against Redis on this machine, side by side, with one load generator
# (tsna-bench) driving both. Prints a table of medians and ratios; see docs/PERFORMANCE.md.
#
# Usage: bench/compare.sh [--quick] [--rounds N] [--seconds S] [--idle M] [--server-threads N]
#                         [--pin] [--keep DIR] [--no-build]
#   --quick            about one minute: 3 rounds of 1.5 s runs (default: 5 rounds of 5 s)
#   --rounds N         rounds; each runs every measurement on Redis, then on tsna-server
#   --seconds S        measured seconds per run (plus a warmup of a fifth of it, at least 0.5 s)
#   --idle M           idle connections for the memory figure (default 10000)
#   --server-threads N tsna-server --threads (default 1: Redis also runs commands on one thread)
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
SERVER_THREADS=1
PIN=0
KEEP=""
BUILD_FIRST=1

while [[ $# -gt 0 ]]; do
  case "$1" in
    --quick) ROUNDS=3; SECONDS_PER_RUN=1.5 ;;
    --rounds) ROUNDS=$2; shift ;;
    --seconds) SECONDS_PER_RUN=$2; shift ;;
    --idle) IDLE=$2; shift ;;
    --server-threads) SERVER_THREADS=$2; shift ;;
    --pin) PIN=1 ;;
    --keep) KEEP=$2; shift ;;
    --no-build) BUILD_FIRST=0 ;;
    -h|--help) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "compare.sh: unknown option $1 (try --help)" >&2; exit 2 ;;
  esac
  shift
done
if (( ROUNDS < 3 )); then
  echo "compare.sh: at least 3 rounds, so that medians mean something" >&2
  exit 2
fi
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
TSNA_PID=""
REDIS_PID=""
stop_servers() {
  local pid
  for pid in $TSNA_PID $REDIS_PID; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in $TSNA_PID $REDIS_PID; do
    wait "$pid" 2>/dev/null || true
  done
  TSNA_PID=""
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

start_servers() {  # round
  local dir=$WORK/tsna-$1
  "${SERVER_PIN[@]}" "$TSNA_SERVER" --bind 127.0.0.1 --port 0 --data-dir "$dir" \
    --threads "$SERVER_THREADS" --max-connections "$MAX_CONNECTIONS" \
    >"$WORK/tsna-$1.out" 2>"$WORK/tsna-$1.log" &
  TSNA_PID=$!
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
  for _ in $(seq 100); do
    if grep -q '^listening on ' "$WORK/tsna-$1.out" 2>/dev/null && [[ -n $REDIS_PID ]] &&
       redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1; then
      TSNA_PORT=$(sed -n 's/^listening on .*:\([0-9]*\)$/\1/p' "$WORK/tsna-$1.out")
      return
    fi
    sleep 0.1
  done
  log "compare.sh: servers did not start:"
  cat "$WORK/tsna-$1.log" "$WORK/redis-$1.log" >&2
  exit 1
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

redis_benchmark_rps() {  # extra args...
  "${CLIENT_PIN[@]}" redis-benchmark -p "$REDIS_PORT" -t ping_inline -c 50 "$@" -q 2>/dev/null |
    tr '\r' '\n' | grep -o '[0-9.]* requests per second' | tail -n1 | cut -d' ' -f1
}

RB_N=$(awk -v s="$SECONDS_PER_RUN" 'BEGIN { printf "%d", s * 100000 }')
RB_N16=$(awk -v s="$SECONDS_PER_RUN" 'BEGIN { printf "%d", s * 1000000 }')

log "tsna-server vs Redis $(redis-server --version | grep -o 'v=[0-9.]*' | cut -c3-): $ROUNDS rounds," \
    "$SECONDS_PER_RUN s runs (+$WARMUP s warmup), $IDLE idle connections," \
    "tsna-server --threads $SERVER_THREADS, $( ((PIN)) && echo "pinned" || echo "unpinned"), $(nproc) CPUs"
for round in $(seq "$ROUNDS"); do
  start_servers "$round"
  log "round $round: redis :$REDIS_PORT (pid $REDIS_PID), tsna-server :$TSNA_PORT (pid $TSNA_PID)"
  # Idle memory first, while both processes are fresh.
  bench "r$round-redis-idle" --redis --port "$REDIS_PORT" -c 0 --idle "$IDLE" --seconds 0.5 \
    --server-pid "$REDIS_PID"
  bench "r$round-tsna-idle" --port "$TSNA_PORT" -c 0 --idle "$IDLE" --seconds 0.5 \
    --server-pid "$TSNA_PID"
  add redis_idle "$(json_num "$WORK/r$round-redis-idle.json" bytes_per_idle_connection)"
  add tsna_idle "$(json_num "$WORK/r$round-tsna-idle.json" bytes_per_idle_connection)"
  for depth in 1 16; do
    bench "r$round-redis-d$depth" --redis --port "$REDIS_PORT" -c 50 --depth "$depth" \
      --seconds "$SECONDS_PER_RUN" --server-pid "$REDIS_PID"
    bench "r$round-tsna-d$depth" --port "$TSNA_PORT" -c 50 --depth "$depth" \
      --seconds "$SECONDS_PER_RUN" --server-pid "$TSNA_PID"
    for side in redis tsna; do
      f=$WORK/r$round-$side-d$depth.json
      add "${side}_cps_d$depth" "$(json_num "$f" commands_per_s)"
      add "${side}_p50_d$depth" "$(json_num "$f" p50)"
      add "${side}_p99_d$depth" "$(json_num "$f" p99)"
      add "${side}_cpu_d$depth" "$(json_num "$f" server_us_per_op)"
      add "${side}_ccpu_d$depth" "$(json_num "$f" client_us_per_op)"
    done
  done
  add rb_d1 "$(redis_benchmark_rps -n "$RB_N")"
  add rb_d16 "$(redis_benchmark_rps -n "$RB_N16" -P 16)"
  bench "r$round-tsna-logins" --port "$TSNA_PORT" --logins --concurrency 16 \
    --seconds "$SECONDS_PER_RUN" --server-pid "$TSNA_PID"
  add tsna_logins "$(json_num "$WORK/r$round-tsna-logins.json" logins_per_s)"
  add tsna_login_cpu "$(json_num "$WORK/r$round-tsna-logins.json" server_us_per_op)"
  log "  redis: $(printf '%s ' "unpiped=${VALUES[redis_cps_d1]##* }/s" "p99=${VALUES[redis_p99_d1]##* }us" \
        "depth16=${VALUES[redis_cps_d16]##* }/s" "idle=${VALUES[redis_idle]##* }B" \
        "redis-benchmark=${VALUES[rb_d1]##* }/s,${VALUES[rb_d16]##* }/s")"
  log "  tsna:  $(printf '%s ' "unpiped=${VALUES[tsna_cps_d1]##* }/s" "p99=${VALUES[tsna_p99_d1]##* }us" \
        "depth16=${VALUES[tsna_cps_d16]##* }/s" "idle=${VALUES[tsna_idle]##* }B" \
        "logins=${VALUES[tsna_logins]##* }/s")"
  stop_servers
  # The audit log takes about 130 bytes per command: gigabytes over a run. Keep only its tail.
  if [[ -n $KEEP ]]; then
    tail -n 20 "$WORK/tsna-$round/data_log.jsonl" >"$WORK/tsna-$round-audit-tail.log" 2>/dev/null || true
  fi
  rm -rf "$WORK/tsna-$round"
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
ratio() {  # a / b to two decimals ("-" when either is missing or b is 0)
  if [[ -z $1 || -z $2 ]]; then echo "-"; return; fi
  awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) print "-"; else printf "%.2f", a / b }'
}
verdict() {  # ratio, op (ge|le), target
  [[ $1 == "-" ]] && { echo "?"; return; }
  awk -v r="$1" -v op="$2" -v t="$3" 'BEGIN { ok = (op == "ge") ? (r >= t) : (r <= t); print ok ? "met" : "NOT met" }'
}

row() {  # label redis tsna ratio target verdict
  printf '%-44s %14s %14s %8s  %-12s %s\n' "$@"
}
echo
echo "tsna-server vs Redis $(redis-server --version | grep -o 'v=[0-9.]*' | cut -c3-), medians of $ROUNDS rounds (A B alternating), $SECONDS_PER_RUN s each;"
echo "tsna-server --threads $SERVER_THREADS; tsna-bench 1 thread; $(nproc) CPUs shared by servers and load$( ((PIN)) && echo ", servers on CPU 0, load on CPU 1")."
echo
row "measure" "Redis" "tsna-server" "ratio" "target" ""
row "--------------------------------------------" "--------------" "--------------" "--------" "------------" "-------"
r=$(ratio "$(med tsna_cps_d1)" "$(med redis_cps_d1)")
row "commands/s, 50 conns, unpipelined" "$(fmt "$(med redis_cps_d1)")" "$(fmt "$(med tsna_cps_d1)")" "$r" ">= 1.0" "$(verdict "$r" ge 1)"
r=$(ratio "$(med tsna_cps_d16)" "$(med redis_cps_d16)")
row "commands/s, 50 conns x depth 16" "$(fmt "$(med redis_cps_d16)")" "$(fmt "$(med tsna_cps_d16)")" "$r" ">= 1.0" "$(verdict "$r" ge 1)"
r=$(ratio "$(med tsna_p99_d1)" "$(med redis_p99_d1)")
row "p99 latency us, 50 conns, unpipelined" "$(fmt1 "$(med redis_p99_d1)")" "$(fmt1 "$(med tsna_p99_d1)")" "$r" "<= 1.0" "$(verdict "$r" le 1)"
row "p50 latency us, 50 conns, unpipelined" "$(fmt1 "$(med redis_p50_d1)")" "$(fmt1 "$(med tsna_p50_d1)")" "$(ratio "$(med tsna_p50_d1)" "$(med redis_p50_d1)")" "" ""
row "p99 latency us, 50 conns x depth 16" "$(fmt1 "$(med redis_p99_d16)")" "$(fmt1 "$(med tsna_p99_d16)")" "$(ratio "$(med tsna_p99_d16)" "$(med redis_p99_d16)")" "" ""
logins=$(med tsna_logins)
row "logins/s, 16 concurrent (TSNA/2, full)" "n/a" "$(fmt "$logins")" "" ">= 10,000" "$(verdict "$(ratio "$logins" 10000)" ge 1)"
r=$(ratio "$(med tsna_idle)" "$(med redis_idle)")
row "server RSS bytes per idle conn ($(fmt "$IDLE") idle)" "$(fmt "$(med redis_idle)")" "$(fmt "$(med tsna_idle)")" "$r" "<= 1.0" "$(verdict "$r" le 1)"
row "server CPU us per command, unpipelined" "$(ratio "$(med redis_cpu_d1)" 1)" "$(ratio "$(med tsna_cpu_d1)" 1)" "$(ratio "$(med tsna_cpu_d1)" "$(med redis_cpu_d1)")" "" ""
row "server CPU us per command, depth 16" "$(ratio "$(med redis_cpu_d16)" 1)" "$(ratio "$(med tsna_cpu_d16)" 1)" "$(ratio "$(med tsna_cpu_d16)" "$(med redis_cpu_d16)")" "" ""
row "server CPU us per login" "n/a" "$(ratio "$(med tsna_login_cpu)" 1)" "" "" ""
row "client CPU us per command, unpipelined" "$(ratio "$(med redis_ccpu_d1)" 1)" "$(ratio "$(med tsna_ccpu_d1)" 1)" "" "" ""
row "redis-benchmark ping_inline -c 50" "$(fmt "$(med rb_d1)")" "" "" "" ""
row "redis-benchmark ping_inline -c 50 -P 16" "$(fmt "$(med rb_d16)")" "" "" "" ""
echo
echo "Per round (unpipelined commands/s): Redis${VALUES[redis_cps_d1]}; tsna-server${VALUES[tsna_cps_d1]}"
echo "Per round (depth 16 commands/s):    Redis${VALUES[redis_cps_d16]}; tsna-server${VALUES[tsna_cps_d16]}"
echo "Per round (p99 us, unpipelined):    Redis${VALUES[redis_p99_d1]}; tsna-server${VALUES[tsna_p99_d1]}"
echo "Per round (logins/s):               tsna-server${VALUES[tsna_logins]}"
echo "Per round (idle bytes/conn):        Redis${VALUES[redis_idle]}; tsna-server${VALUES[tsna_idle]}"
