#!/usr/bin/env bash
# A RUSTC_WRAPPER for the structured fuzz targets (docs/DECISIONS.md 70): coverage
# instrumentation for this repository's crates only. For a crate from a registry (zlib-rs,
# serde_json, memchr, arbitrary, …) it drops the SanitizerCoverage flags cargo-fuzz puts in
# RUSTFLAGS, so libFuzzer counts edges of the harness's own code, and a dependency's inner
# loops (inflating a body, say) run at full speed. Everything else passes through unchanged,
# `--cfg fuzzing` included.
#
#   RUSTC_WRAPPER=$PWD/fuzz/instrument-own-code.sh cargo fuzz build --target-dir fuzz/target-own-code ...
#
# (cargo does not rebuild when the wrapper changes: give such a build its own target folder)
set -euo pipefail
rustc=$1
shift
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
crate=$(cd "${CARGO_MANIFEST_DIR:-/}" 2>/dev/null && pwd -P || echo /)
case "$crate" in
  "$root" | "$root"/*) exec "$rustc" "$@" ;;
esac
args=()
for a in "$@"; do
  case $a in
    -Cpasses=sancov-module | -Cllvm-args=-sanitizer-coverage-* | -Cllvm-args=-simplifycfg-branch-fold-threshold=0) ;;
    *) args+=("$a") ;;
  esac
done
exec "$rustc" "${args[@]}"
