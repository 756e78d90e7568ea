#!/usr/bin/env bash
# serve's memory stays flat (issue 14): N requests (default 1 000 000) mixing valid, malformed,
# gzip-coded (H6, bombs included) and oversize bodies, 8 connections; prints RSS before and the
# peak after. Not run in CI; figures go to docs/MEASUREMENTS.md.
#
#   scripts/serve-memory.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
help_or_refuse_options "$@"
at_most_args 1 "$@"
N=${1:-1000000}
need_count N "$N"
cargo build --release --quiet
BIN=$TARGET_DIR/release/tpr-harness
PORT=18472
$BIN serve --token t --port $PORT >/dev/null 2>&1 &
PID=$!
trap 'kill_jobs' EXIT
sleep 1
echo "serve RSS at start: $(grep VmRSS /proc/$PID/status | awk '{print $2}') kB"
START=$(date +%s)
$BIN load --base-url http://127.0.0.1:$PORT/beta --token t --requests "$N" --concurrency 8 --with-oversize
echo "serve RSS after $N requests: $(grep VmRSS /proc/$PID/status | awk '{print $2}') kB, peak $(grep VmHWM /proc/$PID/status | awk '{print $2}') kB ($(( $(date +%s) - START )) s)"
