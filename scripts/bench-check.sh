#!/usr/bin/env bash
# Throughput of `check` (issue 11), as ratios measured in one run on this machine:
#   1. `check` against `serve` vs wrk sending valid PATCHes to the same server (requests/s);
#   2. against `serve --latency-ms 5-5`: `--lanes 16` vs `--lanes 1` (requests/s);
#   3. the default budget against the in-process model target (cases/s, no socket).
# Needs wrk (apt-get install wrk). Not run in CI: figures go to docs/MEASUREMENTS.md.
#
#   scripts/bench-check.sh            (no arguments)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
help_or_refuse_options "$@"
at_most_args 0 "$@"
command -v wrk >/dev/null || { echo "bench-check.sh: needs wrk (apt-get install wrk)" >&2; exit 1; }
cargo build --release --quiet
BIN=$TARGET_DIR/release/tpr-harness
TMP=$(mktemp -d); trap 'kill_jobs; rm -rf "$TMP"' EXIT
PORT=18471

rate() { python3 -c "import json,sys; r=json.load(open(sys.argv[1])); print(round(r['requests']*1000/max(r['duration_ms'],1)), r['requests'], r['duration_ms'], r['cases'])" "$1"; }

# A fresh `serve` for each measurement, with the extra arguments given (a run changes the state
# the next would start from, and `check` reports that as F1); sets SERVE.
start_serve() {
  $BIN serve --token t --port $PORT --fixtures "$TMP/fx.json" "$@" >/dev/null 2>&1 &
  SERVE=$!
  sleep 1
}
# `check` against it, its report to $1, the other arguments added. `serve` is the model: any
# finding (exit 1) or error (exit 2) fails the measurement, with check's output.
run_check() {
  local report=$1 rc=0
  shift
  $BIN check --quiet --base-url http://127.0.0.1:$PORT/beta --fixtures "$TMP/fx.json" --token t \
    --report-json "$report" "$@" >"$TMP/check.log" 2>&1 || rc=$?
  if [ $rc -ne 0 ]; then
    echo "bench-check.sh: check $* against serve exited $rc:" >&2
    tail -n 30 "$TMP/check.log" >&2
    exit 1
  fi
}

echo "== 1. check vs wrk against serve (same server binary, same run)"
$BIN fixtures --workflows 16 --out "$TMP/fx.json"
URL_PATH=$(first_entity_path "$TMP/fx.json")
write_wrk_patch "$TMP/patch.lua"
start_serve
WRK=$(wrk -t2 -c8 -d5s -s "$TMP/patch.lua" "http://127.0.0.1:$PORT$URL_PATH" | awk '/Requests\/sec/ {print int($2)}')
stop_server $SERVE
start_serve
run_check "$TMP/c4.json" --cases 3000 --sequences 100 --lanes 4
stop_server $SERVE
C4_RATE=$(rate "$TMP/c4.json")
read -r C4 REQ DUR CASES <<<"$C4_RATE"
echo "wrk (2 threads, 8 connections, valid PATCH): $WRK req/s"
echo "check --lanes 4: $C4 req/s ($REQ requests, $CASES cases in $DUR ms) = $(python3 -c "print(f'{100*$C4/$WRK:.0f} %')") of wrk"

echo "== 2. against serve --latency-ms 5-5: --lanes 16 vs --lanes 1"
start_serve --latency-ms 5-5
run_check "$TMP/j1.json" --cases 300 --sequences 20 --lanes 1
stop_server $SERVE
start_serve --latency-ms 5-5
run_check "$TMP/j16.json" --cases 300 --sequences 20 --lanes 16
stop_server $SERVE
J1_RATE=$(rate "$TMP/j1.json")
J16_RATE=$(rate "$TMP/j16.json")
read -r J1 R1 D1 _ <<<"$J1_RATE"
read -r J16 R16 D16 _ <<<"$J16_RATE"
echo "--lanes 1: $J1 req/s ($R1 requests in $D1 ms); --lanes 16: $J16 req/s ($R16 requests in $D16 ms) = $(python3 -c "print(f'{$J16/$J1:.1f}x')")"

echo "== 3. default budget against the in-process model target"
cargo bench --quiet --bench model -- check_in_process >"$TMP/bench.log" 2>&1
grep -E "check_in_process|cases/s" "$TMP/bench.log"
