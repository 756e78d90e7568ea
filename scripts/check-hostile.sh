#!/usr/bin/env bash
# `check` against hostile implementations (issue 14): time and peak RSS of the whole run, with
# the default budget and shrinking on, request timeout 500 ms. Not run in CI (tests/hostile.rs
# asserts the time bounds there); figures go to docs/MEASUREMENTS.md.
#
#   scripts/check-hostile.sh          (no arguments; builds the release binary and the example)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
help_or_refuse_options "$@"
at_most_args 0 "$@"
cargo build --release --quiet --example hostile_server
cargo build --release --quiet
BIN=$TARGET_DIR/release/tpr-harness
TMP=$(mktemp -d); trap 'kill_jobs; rm -rf "$TMP"' EXIT
$BIN fixtures --out "$TMP/fx.json"
PORT=18473
printf "%-16s %6s %10s %12s  %s\n" mode exit seconds "peak RSS" "how it ended"
for mode in endless-chunked trickle slow-headers close-mid-body garbage reset late; do
  "$TARGET_DIR/release/examples/hostile_server" "$mode" $PORT >/dev/null &
  SRV=$!
  sleep 0.5
  # the exit code is what is measured (1 findings, 2 the run stopped): recorded, not ignored
  CODE=0
  /usr/bin/time -f "%e %M" -o "$TMP/time" $BIN check --quiet --base-url http://127.0.0.1:$PORT/beta \
    --fixtures "$TMP/fx.json" --token t --timeout-ms 500 --report-json "$TMP/$mode.json" >"$TMP/out" 2>"$TMP/err" || CODE=$?
  [ "$mode" = endless-chunked ] && python3 -c "import json,sys; r=json.load(open(sys.argv[1])); [print(\"   \", f[\"rule\"], f[\"cause\"], f[\"count\"]) for f in r[\"findings\"]]" "$TMP/$mode.json"
  read -r SECS KB < <(tail -1 "$TMP/time")
  # how it ended: the last summary line of its output, or its error; neither is a failure
  if ! HOW=$(grep -hE "finding\(s\)|stopped early|^error" "$TMP/out" "$TMP/err" | tail -n 1 | cut -c1-90); then
    echo "check against $mode printed neither a summary nor an error (exit $CODE)" >&2
    exit 1
  fi
  printf "%-16s %6s %10s %9s kB  %s\n" "$mode" "$CODE" "$SECS" "$KB" "$HOW"
  stop_server $SRV
done
