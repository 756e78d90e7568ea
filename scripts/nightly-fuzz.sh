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

seconds=${1:-300}
shift || true
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

echo "== seed corpus from the generators"
cargo run --release --quiet -- corpus --out fuzz/corpus --count "${FUZZ_SEEDS:-500}"
for t in "${targets[@]}"; do
  src=$t
  [ "$t" = differential ] && src=sequence
  mkdir -p "fuzz/corpus/$t"
  [ "$src" != "$t" ] && cp -n fuzz/corpus/"$src"/* "fuzz/corpus/$t/" 2>/dev/null || true
  [ -d "fuzz/seeds/$src" ] && cp -n fuzz/seeds/"$src"/* "fuzz/corpus/$t/" 2>/dev/null || true
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
mkdir -p fuzz/logs
for t in "${targets[@]}"; do
  echo "== $t: ${seconds}s on $jobs worker(s)"
  read -ra flags <<<"$(build_flags "$t")"
  export RUSTC_WRAPPER="$(wrapper "$t")"
  [ -n "$RUSTC_WRAPPER" ] || unset RUSTC_WRAPPER
  "${fuzz[@]}" build "${san[@]}" -O "${flags[@]}" "$t"
  set +e
  "${fuzz[@]}" run "${san[@]}" -O "${flags[@]}" "$t" "fuzz/corpus/$t" -- \
      -dict=fuzz/tpr.dict -max_total_time="$seconds" -jobs="$jobs" -workers="$jobs" \
      -print_final_stats=1 >"fuzz/logs/$t.log" 2>&1
  set -e
  cat fuzz-*.log >>"fuzz/logs/$t.log" 2>/dev/null || true
  rm -f fuzz-*.log
  grep -E "stat::number_of_executed_units|stat::average_exec_per_sec|cov:" "fuzz/logs/$t.log" | tail -4 || true
  echo "-- minimising the corpus of $t"
  "${fuzz[@]}" cmin "${san[@]}" -O "${flags[@]}" "$t" >/dev/null 2>&1 || echo "(cmin skipped)"
  for crash in fuzz/artifacts/"$t"/crash-* fuzz/artifacts/"$t"/timeout-* fuzz/artifacts/"$t"/oom-*; do
    [ -e "$crash" ] || continue
    crashed=1
    name=$(basename "$crash")
    echo "!! $t crashed: $crash"
    "${fuzz[@]}" tmin "${san[@]}" -O "${flags[@]}" "$t" "$crash" -- -runs=20000 >/dev/null 2>&1 || true
    small=$(ls -t fuzz/artifacts/"$t"/minimized-from-* 2>/dev/null | head -1 || true)
    mkdir -p "tests/fuzz_crashes/$t"
    cp "${small:-$crash}" "tests/fuzz_crashes/$t/$name"
    echo "   regression input: tests/fuzz_crashes/$t/$name (replayed by cargo test; rename it after the bug and add a named test)"
    "${fuzz[@]}" fmt "${san[@]}" "$t" "${small:-$crash}" 2>/dev/null | head -20 || true
  done
done

echo "== replaying every regression input and seed with cargo test"
cargo test --quiet --test integration fuzz_regressions

if [ "$crashed" -ne 0 ]; then
  echo "FUZZING FOUND CRASHES: see tests/fuzz_crashes/ and fuzz/logs/" >&2
  exit 1
fi
echo "no crash in ${#targets[@]} target(s) x ${seconds}s"
