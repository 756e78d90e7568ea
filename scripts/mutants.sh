#!/usr/bin/env bash
# Mutation testing of the oracle (issue 15): cargo-mutants over the files that decide verdicts —
# the model, the invariants and the judge, timestamps, paths, the JSON reader — with a time limit
# fit for a nightly job, not CI. Every surviving mutant is either killed by a new test or listed
# in docs/MEASUREMENTS.md with the reason it is equivalent.
#
#   scripts/mutants.sh                 # every verdict file
#   scripts/mutants.sh src/run/judge.rs  # one file
#
# Output: mutants.out/ (caught.txt, missed.txt, timeout.txt, unviable.txt) and a per-file count.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v cargo-mutants >/dev/null 2>&1 || cargo install --locked cargo-mutants
FILES=("$@")
if [ ${#FILES[@]} -eq 0 ]; then
  FILES=(src/model/mod.rs src/model/invariants.rs src/run/judge.rs src/run/findings.rs
         src/contract/timestamp.rs src/contract/path.rs src/contract/json.rs)
fi
ARGS=()
for f in "${FILES[@]}"; do ARGS+=(--file "$f"); done
# the lib's unit tests and the integration binary's fast modules decide; the slow end-to-end
# modules (cli, hostile, the selftest stacks, the over-HTTP copy of the in-process mutant run)
# are left to the regular suite
# the `mutants` profile (Cargo.toml) is optimised without debug info: a mutant builds in ~5 s.
# cargo-nextest stops at the first failing test, so a caught mutant costs seconds; a missed one
# runs the whole fast suite (~20 s). MUTANTS_ARGS adds cargo-mutants options, e.g.
# MUTANTS_ARGS=--iterate to retry only what was missed last time.
command -v cargo-nextest >/dev/null 2>&1 || cargo install --locked cargo-nextest
# The unmutated tree is tested first (`--baseline run`): with a failing test there, every mutant
# would count as caught (it happened: a whole night's run was worthless). MUTANTS_BASELINE=skip
# saves those minutes when the tree is known to pass. MUTANTS_TIMEOUT (seconds, default 90) is
# the limit of one test run, the baseline's too: raise it on a loaded machine.
# MUTANTS_RE (a regular expression, passed whole) tests only the mutants whose names match it:
# `MUTANTS_RE='in (clip|s7_serial_order)$'`, or last run's survivors by their descriptions
# without line numbers (lines move when tests are added), each escaped as a regex — the
# re-run of 2026-12-05 in docs/MEASUREMENTS.md did exactly this.
RE=()
[ -n "${MUTANTS_RE:-}" ] && RE=(--re "$MUTANTS_RE")
# shellcheck disable=SC2086
timeout "${MUTANTS_TIME_LIMIT:-14400}" cargo mutants "${ARGS[@]}" "${RE[@]}" --profile mutants \
  --test-tool nextest --baseline "${MUTANTS_BASELINE:-run}" --timeout "${MUTANTS_TIMEOUT:-90}" --jobs "${MUTANTS_JOBS:-1}" ${MUTANTS_ARGS:-} \
  -- --lib --test integration -E 'not test(/hostile|stacks|over_http|^cli::/)' || true
echo "== caught / missed per file"
for f in "${FILES[@]}"; do
  c=$(grep -c "^$f" mutants.out/caught.txt 2>/dev/null || true)
  m=$(grep -c "^$f" mutants.out/missed.txt 2>/dev/null || true)
  echo "$f: caught ${c:-0}, missed ${m:-0}"
done
echo "== missed"
cat mutants.out/missed.txt 2>/dev/null || true
