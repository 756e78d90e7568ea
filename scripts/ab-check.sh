#!/usr/bin/env bash
# `check` of two binaries side by side (issue 31), as ratios measured in one run on this machine:
#   1. requests/s of `check --lanes 4` against `serve` (the AFTER binary's) vs wrk sending valid
#      PATCHes to the same server, ROUNDS alternations of wrk, BEFORE and AFTER;
#   2. peak RSS (VmHWM) of the default `check` (embedded endpoint) of each, ROUNDS times.
#
#   scripts/ab-check.sh BEFORE_BIN AFTER_BIN [ROUNDS]      (ROUNDS defaults to 3)
#
# Needs wrk (apt-get install wrk). Not run in CI: figures go to docs/MEASUREMENTS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
help_or_refuse_options "$@"
[ $# -ge 2 ] || usage_error "needs BEFORE_BIN and AFTER_BIN (two tpr-harness binaries)"
at_most_args 3 "$@"
BEFORE=$1
AFTER=$2
ROUNDS=${3:-3}
need_count ROUNDS "$ROUNDS"
for b in "$BEFORE" "$AFTER"; do
  [ -x "$b" ] || usage_error "'$b' is not an executable tpr-harness binary"
done
command -v wrk >/dev/null || { echo "ab-check.sh: needs wrk (apt-get install wrk)" >&2; exit 1; }
TMP=$(mktemp -d); trap 'kill_jobs; rm -rf "$TMP"' EXIT
PORT=18474
rate() { python3 -c "import json,sys; r=json.load(open(sys.argv[1])); print(round(r['requests']*1000/max(r['duration_ms'],1)))" "$1"; }
"$AFTER" fixtures --workflows 16 --out "$TMP/fx.json" >/dev/null
URL_PATH=$(first_entity_path "$TMP/fx.json")
write_wrk_patch "$TMP/patch.lua"
W=(); B=(); A=()
for r in $(seq "$ROUNDS"); do
  for who in wrk before after; do
    # a fresh server each time: every check starts from the fixture's state
    "$AFTER" serve --token t --port $PORT --fixtures "$TMP/fx.json" >/dev/null 2>&1 &
    SERVE=$!
    sleep 1
    case $who in
      wrk) W+=("$(wrk -t2 -c8 -d3s -s "$TMP/patch.lua" "http://127.0.0.1:$PORT$URL_PATH" | awk '/Requests\/sec/ {print int($2)}')") ;;
      before|after)
        BIN=$BEFORE; [ $who = after ] && BIN=$AFTER
        # `serve` is the model: any finding (exit 1) or error (exit 2) fails the measurement
        "$BIN" check --quiet --base-url http://127.0.0.1:$PORT/beta --fixtures "$TMP/fx.json" --token t \
          --cases 3000 --sequences 100 --lanes 4 --report-json "$TMP/$who.json" >/dev/null
        if [ $who = before ]; then B+=("$(rate "$TMP/$who.json")"); else A+=("$(rate "$TMP/$who.json")"); fi ;;
    esac
    stop_server $SERVE
  done
done
sum() { local s=0; for x in "$@"; do s=$((s + x)); done; echo $s; }
SW=$(sum "${W[@]}"); SB=$(sum "${B[@]}"); SA=$(sum "${A[@]}")
echo "wrk ${W[*]} req/s; check before ${B[*]}, after ${A[*]} req/s"
echo "check / wrk (sums): before $(python3 -c "print(f'{100*$SB/$SW:.0f} %')"), after $(python3 -c "print(f'{100*$SA/$SW:.0f} %')") (goal >= 50 %)"
for r in $(seq "$ROUNDS"); do
  for who in before after; do
    BIN=$BEFORE; [ $who = after ] && BIN=$AFTER
    /usr/bin/time -f "%M" -o "$TMP/rss" "$BIN" check --quiet >/dev/null
    echo "default check peak RSS, $who: $(( $(tail -1 "$TMP/rss") / 1024 )) MB"
  done
done
