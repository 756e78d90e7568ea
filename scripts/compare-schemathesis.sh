#!/usr/bin/env bash
# Side by side: Schemathesis (fed the exported OpenAPI) and `tpr-harness check` against the
# reference endpoint and each deliberately broken one (`serve --mutant NAME`, each built-in
# bug). Needs Schemathesis (`pip install schemathesis`, its `st` command on
# PATH). Figures: docs/MEASUREMENTS.md ("Side by side with a generic schema fuzzer").
#   scripts/compare-schemathesis.sh [MAX_EXAMPLES [MUTANT…]]     (default 100, every mutant)
#   scripts/compare-schemathesis.sh 5 none OpenEnum                 (a quick run: two endpoints)
# Exits non-zero when a tool is missing, the mutant list is empty, or a run gives no result.
set -uo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
die() { echo "compare-schemathesis.sh: $*" >&2; exit 1; }
help_or_refuse_options "$@"
n=${1:-100}
need_count MAX_EXAMPLES "$n"
shift $(( $# > 0 ? 1 : 0 ))
command -v st >/dev/null || die "Schemathesis's \`st\` is not on PATH (pip install schemathesis)"
command -v bc >/dev/null || die "needs bc (apt-get install bc)"
cargo build --release --quiet || die "cargo build --release failed"
bin=$TARGET_DIR/release/tpr-harness
out=$(mktemp -d)
$bin openapi --out "$out/openapi.json" || die "tpr-harness openapi failed"
$bin fixtures --out "$out/fx.json" || die "tpr-harness fixtures failed"
if [ $# -gt 0 ]; then
  mutants="$*"
else
  # the binary's own list (a wrong name makes `serve` name every built-in bug)
  all=$($bin serve --token t --port 0 --mutant '?' 2>&1 | sed -n 's/.*expected one of //p' | tr -d ',')
  [ -n "$all" ] || die "could not read the list of built-in bugs from \`serve --mutant\`"
  mutants="none $all"
fi
echo "$(echo "$mutants" | wc -w) endpoint(s), $n examples per operation; logs in $out"
printf "%-24s %-36s %-28s\n" mutant schemathesis tpr-harness
port=18700
failed=0
for m in $mutants; do
  port=$((port + 1))
  arg=(); [ "$m" != none ] && arg=(--mutant "$m")
  $bin serve --token tok --port $port --fixtures "$out/fx.json" "${arg[@]}" >"$out/serve-$m.txt" 2>&1 &
  pid=$!
  for _ in $(seq 50); do grep -q '^press Ctrl-C' "$out/serve-$m.txt" 2>/dev/null && break; sleep 0.1; done
  if ! grep -q '^press Ctrl-C' "$out/serve-$m.txt"; then
    echo "$m: serve did not start: $(head -3 "$out/serve-$m.txt")" >&2
    failed=1; kill $pid 2>/dev/null; wait $pid 2>/dev/null; continue
  fi
  s0=$(date +%s.%N)
  # run from the temporary directory: Schemathesis writes its cache (.schemathesis/) where it runs
  (cd "$out" && st run "$out/openapi.json" --url "http://127.0.0.1:$port/beta" -H "Authorization: Bearer tok" -n "$n") >"$out/st-$m.txt" 2>&1
  s1=$(date +%s.%N)
  # Schemathesis 4 ends with a summary such as "N generated, N found M unique failures" or
  # "N generated, N passed"
  st_sum=$(grep -oE '[0-9]+ generated, [0-9]+ (found|passed)[^$]*' "$out/st-$m.txt" | head -1)
  t0=$(date +%s.%N)
  $bin check --quiet --base-url "http://127.0.0.1:$port/beta" --fixtures "$out/fx.json" --token tok >"$out/tpr-$m.txt" 2>&1
  rc=$?
  t1=$(date +%s.%N)
  kill $pid 2>/dev/null; wait $pid 2>/dev/null
  rules=$(grep -oE '^[A-Z][0-9]+ ' "$out/tpr-$m.txt" | tr -d ' ' | tr '\n' ',' | sed 's/,$//')
  if [ -z "$st_sum" ]; then
    echo "$m: no Schemathesis summary (log: $out/st-$m.txt)" >&2; failed=1
  fi
  if [ $rc -eq 2 ] || { [ $rc -eq 1 ] && [ -z "$rules" ]; }; then
    echo "$m: check gave no result (exit $rc; log: $out/tpr-$m.txt)" >&2; failed=1
  fi
  printf "%-24s %-36s %-28s\n" "$m" "$(printf '%s (%.1fs)' "${st_sum:-?}" "$(echo "$s1 - $s0" | bc)")" "$(printf '%s (%.1fs)' "${rules:-0 findings}" "$(echo "$t1 - $t0" | bc)")"
done
echo "logs in $out"
[ $failed -eq 0 ] || die "some runs gave no result (above)"
