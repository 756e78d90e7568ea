#!/usr/bin/env bash
# Fuzz smoke for CI: every fuzz target of fuzz/fuzz_targets/ runs briefly from its committed
# seeds, on stable Rust (cargo-fuzz --sanitizer none). It fails when cargo-fuzz is absent and
# cannot be installed, when a target does not build, and when any run exits non-zero, hits
# `timeout` (124), never starts (no executions in its log), or leaves any artifact (crash-,
# timeout-, oom-, leak-, slow-unit- …).
#
#   scripts/fuzz-smoke.sh [SECONDS_PER_TARGET [TARGET...]]   # default: 8 s, every target
#
# Not run: serde_json_baseline. It is built with the others (so it keeps compiling for
# scripts/bench.sh), but it asserts nothing of this harness: it is a bare serde_json parse,
# the denominator of the body target's exec/s ratio, and a crash in it would be serde_json's.
# Logs: target/fuzz-smoke/<target>.log; artifacts: target/fuzz-smoke/<target>/artifacts/.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
help_or_refuse_options "$@"

seconds=${1:-8}
need_count SECONDS_PER_TARGET "$seconds"
[ $# -gt 0 ] && shift
for t in "$@"; do
  [ -f "fuzz/fuzz_targets/$t.rs" ] || usage_error "no fuzz target '$t' (fuzz/fuzz_targets/)"
done
out=target/fuzz-smoke
rm -rf "$out"
mkdir -p "$out"

if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "cargo-fuzz is not installed: installing it (cargo install cargo-fuzz --locked)"
  cargo install cargo-fuzz --locked
fi
cargo fuzz --version

# every target in fuzz/fuzz_targets/, the baseline left out (see above), unless named
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for f in fuzz/fuzz_targets/*.rs; do
    t=$(basename "$f" .rs)
    [ "$t" = serde_json_baseline ] && continue
    targets+=("$t")
  done
  [ ${#targets[@]} -ge 6 ] || { echo "fuzz smoke: only ${#targets[@]} targets: ${targets[*]}" >&2; exit 1; }
fi

timeout 1200 cargo fuzz build --sanitizer none -O

failed=()
for t in "${targets[@]}"; do
  seeds="fuzz/seeds/$t"
  [ "$t" = differential ] && seeds=fuzz/seeds/sequence
  if [ ! -d "$seeds" ] || [ -z "$(ls -A "$seeds")" ]; then
    echo "fuzz smoke: $t has no seeds in $seeds" >&2
    failed+=("$t (no seeds)")
    continue
  fi
  corpus="$out/$t/corpus"
  artifacts="$out/$t/artifacts"
  log="$out/$t.log"
  mkdir -p "$corpus" "$artifacts"
  # -timeout: one input running 10 s is a hang (a timeout- artifact, exit non-zero);
  # the outer `timeout` bounds the whole run (exit 124)
  rc=0
  timeout $((seconds + 60)) cargo fuzz run --sanitizer none -O "$t" "$corpus" "$seeds" -- \
    -dict=fuzz/tpr.dict -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$artifacts/" >"$log" 2>&1 || rc=$?
  runs=$(sed -n '/^stat::number_of_executed_units: *[0-9]/{s/.*: *//p;q}' "$log")
  speed=$(sed -n '/^stat::average_exec_per_sec: *[0-9]/{s/.*: *//p;q}' "$log")
  left=$(find "$artifacts" -type f | wc -l)
  echo "-- $t: exit $rc, ${runs:-no} executions, ${speed:-?} exec/s, $left artifact(s)"
  why=""
  if [ "$rc" -eq 124 ]; then
    why="timed out (timeout 124)"
  elif [ "$rc" -ne 0 ]; then
    why="exit $rc"
  fi
  if ! [[ "$runs" =~ ^[0-9]+$ ]] || [ "$runs" -eq 0 ]; then
    why="${why:+$why, }never ran an input"
  fi
  if [ "$left" -ne 0 ]; then
    why="${why:+$why, }artifacts: $(find "$artifacts" -type f -printf '%f ')"
  fi
  if [ -n "$why" ]; then
    echo "fuzz smoke: $t failed: $why (log: $log)" >&2
    tail -n 30 "$log" >&2
    failed+=("$t ($why)")
  fi
done

if [ ${#failed[@]} -ne 0 ]; then
  echo "FUZZ SMOKE FAILED: ${failed[*]}" >&2
  exit 1
fi
echo "fuzz smoke: ${#targets[@]} targets x ${seconds}s, no failure: ${targets[*]}"
