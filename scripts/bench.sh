#!/usr/bin/env bash
# Throughput against its floors (issue 13), every ratio measured in one run on this machine:
#   1. model:    `model::apply` vs a bare gunzip+serde_json parse of the same requests
#                (`cargo bench --bench model -- --exact ratios`; goal <= 2x);
#   2. fuzzing:  exec/s of `body` vs `serde_json_baseline` on the same corpus (goal >= 50 %),
#                and of `sequence` and `differential` (goal >= 20 000 exec/s);
#   3. endpoint: wrk against `serve` vs against `examples/bare_server.rs` (goal >= 80 %);
#                then the resident memory of `serve` after the load.
# Not run in CI (no timed assertions anywhere): the figures go to docs/MEASUREMENTS.md.
#
#   scripts/bench.sh [FUZZ_SECONDS] [WRK_SECONDS]      (defaults 20 and 10; FUZZ_ROUNDS=3, WRK_ROUNDS=6)
#
# Needs wrk (apt-get install wrk) for part 3 and installs cargo-fuzz for part 2 when missing.
set -euo pipefail
shopt -s inherit_errexit
cd "$(dirname "$0")/.."
. scripts/lib.sh
help_or_refuse_options "$@"
at_most_args 2 "$@"
FUZZ_SECONDS=${1:-20}
WRK_SECONDS=${2:-10}
need_count FUZZ_SECONDS "$FUZZ_SECONDS"
need_count WRK_SECONDS "$WRK_SECONDS"
need_count FUZZ_ROUNDS "${FUZZ_ROUNDS:-3}"
need_count WRK_ROUNDS "${WRK_ROUNDS:-6}"
TMP=$(mktemp -d)
trap 'kill_jobs; rm -rf "$TMP"' EXIT

echo "== 1. model::apply vs bare decode+parse (same requests, same run)"
cargo bench --quiet --bench model -- --exact ratios 2>/dev/null | grep -E "^(workload|ratio)"

echo "== 2. fuzz targets: exec/s, one worker each, ${FUZZ_SECONDS}s per run, same seed corpus"
command -v cargo-fuzz >/dev/null 2>&1 || cargo install cargo-fuzz --locked
cargo run --release --quiet -- corpus --out "$TMP/seeds" --count 500 >/dev/null
# the structured targets as scripts/nightly-fuzz.sh builds them (no comparison tracing, their
# own target folder: decision 66; the edges of this repository's code only: decision 70), and
# with comparison tracing, for comparison (the same crates instrumented, so their edge counts
# compare)
OWN=$PWD/fuzz/instrument-own-code.sh
STRUCTURED=(--no-trace-compares --target-dir target-own-code)
TRACED=(--target-dir target-own-code-traced)
(cd fuzz && cargo fuzz build --sanitizer none -O >/dev/null 2>&1)
for t in sequence differential; do
  (cd fuzz && RUSTC_WRAPPER=$OWN cargo fuzz build --sanitizer none -O "${STRUCTURED[@]}" $t >/dev/null 2>&1)
  (cd fuzz && RUSTC_WRAPPER=$OWN cargo fuzz build --sanitizer none -O "${TRACED[@]}" $t >/dev/null 2>&1)
done
execs() { # target, seed corpus dir, libFuzzer -seed, build options... -> "exec/s, edge coverage, corpus dir"
  local t=$1 seeds=$2 seed=$3 dir="$TMP/corpus-$1-$RANDOM" log
  shift 3
  log="$dir.log"
  mkdir -p "$dir"
  cp "$seeds"/* "$dir/"
  # a run that fails, or ends without its statistics, fails the script: no figure from a run
  # that did not happen
  if ! (cd fuzz && cargo fuzz run --sanitizer none -O "$@" "$t" "$dir" -- -dict=tpr.dict \
      -max_total_time="$FUZZ_SECONDS" -seed="$seed" -print_final_stats=1) >"$log" 2>&1 ||
    ! grep -q "stat::average_exec_per_sec" "$log"; then
    echo "the $t run failed or printed no statistics: $log" >&2
    tail -n 20 "$log" >&2
    return 1
  fi
  awk -v d="$dir" '/stat::average_exec_per_sec/ {e=$2} /DONE/ {for (i=1;i<NF;i++) if ($i=="cov:") c=$(i+1)} END {print e, c, d}' "$log"
}
# called as R=$(execs …), so that a failed run stops the script (`read < <(execs …)` would not)
steps() { # target, corpus dir -> mean steps (requests) per input of that corpus
  cargo run --release --quiet --example profile_fuzz -- "$1" "$2" 0 | awk '{print $2}'
}
ratio() { python3 -c "print(f'{$1/$2:.2f}')"; }
# body and its baseline alternate, FUZZ_ROUNDS times (default 3), each round both with the same
# libFuzzer -seed: one 20 s run of either can be off by a tenth (0.48 to 0.58 over three
# seeds in one session), so the ratio is of the sums
ROUNDS_F=${FUZZ_ROUNDS:-3}
BODIES=(); BASES=(); BODY_SUM=0; BASE_SUM=0
for r in $(seq "$ROUNDS_F"); do
  B=$(execs body "$TMP/seeds/body" "$r")
  A=$(execs serde_json_baseline "$TMP/seeds/body" "$r")
  read -r b BODY_COV _ <<<"$B"
  read -r a _ _ <<<"$A"
  BODIES+=("$b"); BASES+=("$a"); BODY_SUM=$((BODY_SUM + b)); BASE_SUM=$((BASE_SUM + a))
done
echo "body ${BODIES[*]} exec/s (cov $BODY_COV), serde_json_baseline ${BASES[*]} exec/s: ratio body/baseline = $(ratio $BODY_SUM $BASE_SUM) (goal >= 0.50)"
export RUSTC_WRAPPER=$OWN
R=$(execs sequence "$TMP/seeds/sequence" 1 "${STRUCTURED[@]}")
read -r SEQ SEQ_COV SEQ_DIR <<<"$R"
R=$(execs sequence "$TMP/seeds/sequence" 1 "${TRACED[@]}")
read -r SEQ_TC SEQ_TC_COV _ <<<"$R"
R=$(execs differential "$TMP/seeds/sequence" 1 "${STRUCTURED[@]}")
read -r DIFF DIFF_COV DIFF_DIR <<<"$R"
R=$(execs differential "$TMP/seeds/sequence" 1 "${TRACED[@]}")
read -r DIFF_TC DIFF_TC_COV _ <<<"$R"
unset RUSTC_WRAPPER
# an execution runs one input's steps (requests), 1 to 16: exec/s alone rises when inputs get
# shorter, so the cases per second are printed too (exec/s times the mean steps per input of
# the corpus the run ended with, which the executions were mutated from: an estimate)
SEQ_STEPS=$(steps sequence "$SEQ_DIR")
DIFF_STEPS=$(steps differential "$DIFF_DIR")
cases() { python3 -c "print(f'{$1*$2:.0f}')"; }
echo "sequence $SEQ exec/s, cov $SEQ_COV (goal >= 20000), $SEQ_STEPS steps per input: ~$(cases $SEQ $SEQ_STEPS) cases/s; with comparison tracing $SEQ_TC exec/s, cov $SEQ_TC_COV"
echo "differential $DIFF exec/s, cov $DIFF_COV (goal >= 20000), $DIFF_STEPS steps per input: ~$(cases $DIFF $DIFF_STEPS) cases/s; with comparison tracing $DIFF_TC exec/s, cov $DIFF_TC_COV"

echo "== 3. serve vs a bare hyper server under wrk (2 threads, 8 connections, ${WRK_SECONDS}s each)"
if ! command -v wrk >/dev/null 2>&1; then
  echo "wrk not installed (apt-get install wrk): skipped"
  exit 0
fi
cargo build --release --quiet
cargo build --release --quiet --example bare_server
BIN=$TARGET_DIR/release/tpr-harness
PORT=18471
BARE_PORT=18472
$BIN fixtures --workflows 16 --out "$TMP/fx.json" >/dev/null
PATH_=$(first_entity_path "$TMP/fx.json")
write_wrk_patch "$TMP/patch.lua"
rps() { wrk -t2 -c8 -d"${WRK_SECONDS}s" -s "$TMP/patch.lua" "$1" | awk '/Requests\/sec/ {print int($2)}'; }
$BIN serve --token t --port $PORT --fixtures "$TMP/fx.json" >/dev/null 2>&1 &
SERVE=$!
"$TARGET_DIR/release/examples/bare_server" $BARE_PORT >/dev/null 2>&1 &
BARE=$!
sleep 1
# alternate, WRK_ROUNDS times each (default 6), so drift in the machine's load hits both alike:
# one round of either can be off by a fifth (six rounds in one run read 0.75 to 0.85 each,
# 0.80 summed), so the ratio is of the sums
ROUNDS=${WRK_ROUNDS:-6}
SERVED=(); BARED=(); S_SUM=0; B_SUM=0
for _ in $(seq "$ROUNDS"); do
  s=$(rps "http://127.0.0.1:$PORT$PATH_"); b=$(rps "http://127.0.0.1:$BARE_PORT$PATH_")
  SERVED+=("$s"); BARED+=("$b"); S_SUM=$((S_SUM + s)); B_SUM=$((B_SUM + b))
done
RSS=$(awk '/VmRSS/ {print $2}' /proc/$SERVE/status)
echo "serve ${SERVED[*]} req/s, bare hyper ${BARED[*]} req/s: ratio serve/bare = $(ratio $S_SUM $B_SUM) (goal >= 0.80)"
echo "serve resident memory after $((S_SUM * WRK_SECONDS)) requests: $((RSS / 1024)) MB"
