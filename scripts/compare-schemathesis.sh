#!/usr/bin/env bash
# Side by side: Schemathesis (fed the exported OpenAPI) and `tpr-harness check` against the
# reference endpoint and each deliberately broken one. Needs `pip install schemathesis`.
#   scripts/compare-schemathesis.sh [MAX_EXAMPLES]
set -uo pipefail
cd "$(dirname "$0")/.."
n=${1:-100}
bin=target/release/tpr-harness
cargo build --release --quiet
out=$(mktemp -d)
$bin openapi --out "$out/openapi.json"
$bin fixtures --out "$out/fx.json"
mutants="none $(grep -oE '^        Mutant::[A-Za-z0-9]+,' src/mutant.rs | sed 's/.*:://; s/,//' | tr '\n' ' ')"
printf "%-24s %-28s %-28s\n" mutant schemathesis tpr-harness
port=18700
for m in $mutants; do
  port=$((port + 1))
  arg=(); [ "$m" != none ] && arg=(--mutant "$m")
  $bin serve --token tok --port $port --fixtures "$out/fx.json" "${arg[@]}" >/dev/null 2>&1 &
  pid=$!
  sleep 0.5
  s0=$(date +%s.%N)
  st run "$out/openapi.json" --url "http://127.0.0.1:$port/beta" -H "Authorization: Bearer tok" -n "$n" >"$out/st-$m.txt" 2>&1
  s1=$(date +%s.%N)
  st_fail=$(grep -oE '[0-9]+ generated, [0-9]+ (found|passed)[^$]*' "$out/st-$m.txt" | head -1)
  t0=$(date +%s.%N)
  $bin check --quiet --base-url "http://127.0.0.1:$port/beta" --fixtures "$out/fx.json" --token tok >"$out/tpr-$m.txt" 2>&1
  t1=$(date +%s.%N)
  rules=$(grep -oE '^[A-Z][0-9]+ ' "$out/tpr-$m.txt" | tr -d ' ' | tr '\n' ',' | sed 's/,$//')
  printf "%-24s %-28s %-28s\n" "$m" "$(printf '%s (%.1fs)' "${st_fail:-?}" "$(echo "$s1 - $s0" | bc)")" "$(printf '%s (%.1fs)' "${rules:-0 findings}" "$(echo "$t1 - $t0" | bc)")"
  kill $pid 2>/dev/null; wait $pid 2>/dev/null
done
echo "logs in $out"
