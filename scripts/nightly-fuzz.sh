#!/usr/bin/env bash
# Nightly fuzzing: build every target, fuzz each for a time budget on all cores with the
# dictionary and a generated seed corpus, minimise the corpus, minimise any crash and turn it
# into a regression input that plain `cargo test` replays (tests/fuzz_crashes/<target>/).
# Exits non-zero when anything crashed, so a nightly job fails loudly.
#
#   scripts/nightly-fuzz.sh [SECONDS_PER_TARGET] [TARGET...]
#
# Works on stable Rust (--sanitizer none); uses AddressSanitizer when a nightly toolchain is
# installed (FUZZ_TOOLCHAIN=stable forces stable). Needs nothing but cargo: it installs
# cargo-fuzz when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
help_or_refuse_options "$@"

seconds=${1:-300}
need_count SECONDS_PER_TARGET "$seconds"
[ $# -gt 0 ] && shift
for t in "$@"; do
  [ -f "fuzz/fuzz_targets/$t.rs" ] || usage_error "no fuzz target '$t' (fuzz/fuzz_targets/)"
done
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(timestamp path body sequence differential endpoint_bytes)
jobs=${FUZZ_JOBS:-$(nproc)}

command -v cargo-fuzz >/dev/null 2>&1 || cargo install cargo-fuzz --locked

if [ "${FUZZ_TOOLCHAIN:-}" != stable ] && rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
  fuzz=(cargo +nightly fuzz)
  san=()
  echo "fuzzing with nightly and AddressSanitizer"
else
  fuzz=(cargo fuzz)
  san=(--sanitizer none)
  echo "fuzzing with stable Rust, no sanitizer"
fi

# Copies the files of folder $1 that folder $2 does not have yet (none is an error: a seed
# folder must hold seeds).
copy_missing() {
  local f n=0
  for f in "$1"/*; do
    [ -f "$f" ] || continue
    n=$((n + 1))
    [ -e "$2/$(basename "$f")" ] || cp "$f" "$2/"
  done
  [ "$n" -gt 0 ] || { echo "no seeds in $1" >&2; return 1; }
}

echo "== seed corpus from the generators"
cargo run --release --quiet -- corpus --out fuzz/corpus --count "${FUZZ_SEEDS:-500}"
for t in "${targets[@]}"; do
  src=$t
  [ "$t" = differential ] && src=sequence
  mkdir -p "fuzz/corpus/$t"
  if [ "$src" != "$t" ]; then
    copy_missing "fuzz/corpus/$src" "fuzz/corpus/$t"
  fi
  copy_missing "fuzz/seeds/$src" "fuzz/corpus/$t"
done

# The structured targets (sequence, differential) decode their input with `arbitrary`: few input
# bytes meet a constant, so comparison tracing costs them about half their time and, measured
# side by side, reaches no more edges (docs/DECISIONS.md 66, docs/MEASUREMENTS.md). They are
# built without it, in their own target folder so the byte-level targets keep it. They also
# count the edges of this repository's code only (decision 70): fuzz/instrument-own-code.sh,
# as RUSTC_WRAPPER, leaves the dependencies (zlib-rs, serde_json, …) uninstrumented.
build_flags() {
  case $1 in
    sequence | differential) echo "--no-trace-compares --target-dir fuzz/target-own-code" ;;
  esac
}
wrapper() {
  case $1 in
    sequence | differential) echo "$PWD/fuzz/instrument-own-code.sh" ;;
  esac
}

crashed=0
failed=()
mkdir -p fuzz/logs
for t in "${targets[@]}"; do
  echo "== $t: ${seconds}s on $jobs worker(s)"
  read -ra flags <<<"$(build_flags "$t")"
  export RUSTC_WRAPPER="$(wrapper "$t")"
  [ -n "$RUSTC_WRAPPER" ] || unset RUSTC_WRAPPER
  "${fuzz[@]}" build "${san[@]}" -O "${flags[@]}" "$t"
  log="fuzz/logs/$t.log"
  rc=0
  "${fuzz[@]}" run "${san[@]}" -O "${flags[@]}" "$t" "fuzz/corpus/$t" -- \
      -dict=fuzz/tpr.dict -max_total_time="$seconds" -jobs="$jobs" -workers="$jobs" \
      -print_final_stats=1 >"$log" 2>&1 || rc=$?
  # with -jobs the workers log to fuzz-N.log
  for w in fuzz-*.log; do
    [ -e "$w" ] || continue
    cat "$w" >>"$log"
    rm -f "$w"
  done
  if ! grep -E "stat::number_of_executed_units|stat::average_exec_per_sec|cov:" "$log" | tail -n 4; then
    echo "!! $t printed no statistics: it did not run (see $log)"
    failed+=("$t: no statistics")
  fi
  [ "$rc" -eq 0 ] || failed+=("$t: exit $rc")
  echo "-- minimising the corpus of $t"
  if ! "${fuzz[@]}" cmin "${san[@]}" -O "${flags[@]}" "$t" >"fuzz/logs/$t.cmin.log" 2>&1; then
    echo "!! minimising the corpus of $t failed: fuzz/logs/$t.cmin.log"
    failed+=("$t: cmin")
  fi
  # every artifact: crash-, timeout-, oom-, leak-, slow-unit- (minimised copies aside)
  for crash in fuzz/artifacts/"$t"/*; do
    [ -f "$crash" ] || continue
    name=$(basename "$crash")
    case "$name" in minimized-from-*) continue ;; esac
    crashed=1
    echo "!! $t left $crash"
    if ! "${fuzz[@]}" tmin "${san[@]}" -O "${flags[@]}" "$t" "$crash" -- -runs=20000 \
        >"fuzz/logs/$t.tmin.log" 2>&1; then
      echo "   (minimising it failed: fuzz/logs/$t.tmin.log; the input is kept as it is)"
    fi
    small=$(find fuzz/artifacts/"$t" -name 'minimized-from-*' -newer "$crash" -printf '%T@ %p\n' |
      sort -n | tail -n 1 | cut -d' ' -f2-)
    mkdir -p "tests/fuzz_crashes/$t"
    cp "${small:-$crash}" "tests/fuzz_crashes/$t/$name"
    echo "   regression input: tests/fuzz_crashes/$t/$name (rename it after the bug, add a named"
    echo "   test and its count in CRASH_INPUTS of tests/fuzz_regressions.rs)"
    if "${fuzz[@]}" fmt "${san[@]}" "$t" "${small:-$crash}" >"fuzz/logs/$t.fmt.log" 2>&1; then
      head -n 20 "fuzz/logs/$t.fmt.log"
    else
      echo "   (cargo fuzz fmt failed: fuzz/logs/$t.fmt.log)"
    fi
  done
done

if [ "$crashed" -ne 0 ]; then
  # the replay below would fail on the new inputs until each has its named test
  echo "FUZZING FOUND CRASHES: see tests/fuzz_crashes/ and fuzz/logs/" >&2
  [ ${#failed[@]} -eq 0 ] || printf '  also: %s\n' "${failed[@]}" >&2
  exit 1
fi
if [ ${#failed[@]} -ne 0 ]; then
  printf 'FUZZING FAILED: %s\n' "${failed[@]}" >&2
  exit 1
fi

echo "== replaying every regression input and seed with cargo test"
cargo test --quiet --test integration fuzz_regressions
echo "no crash in ${#targets[@]} target(s) x ${seconds}s"
