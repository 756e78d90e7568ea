#!/usr/bin/env bash
# Mutation testing of the oracle (issue 15): cargo-mutants over the files that decide verdicts —
# what the contract accepts (the model: route and headers, body, E4), whether an answer is right
# (the judge and what a read right after shows, the invariants), the whole-run verdicts (S5-S7,
# E2 across answers, E3 crashes), the clause diagnosis blames and the cause a finding is filed
# under, and the readers beneath them (timestamps, paths, JSON) — with a time limit fit for a
# nightly job, not CI. Every surviving mutant is either killed by a new test or listed in
# docs/MEASUREMENTS.md with the reason it is equivalent.
#
#   scripts/mutants.sh                 # every verdict file
#   scripts/mutants.sh src/run/judge/mod.rs   # one file
#
# Output: mutants.out/ (caught.txt, missed.txt, timeout.txt, unviable.txt) and a per-file count.
# Exit code: cargo-mutants' (0 all caught, 2 missed, 3 timeouts, 4 the baseline fails), or 124
# when MUTANTS_TIME_LIMIT (seconds, default 14400) ended the run.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
help_or_refuse_options "$@"
FILES=("$@")
if [ ${#FILES[@]} -eq 0 ]; then
  FILES=(src/model/mod.rs src/model/request.rs src/model/body.rs src/model/invariants.rs
         src/run/judge/mod.rs src/run/judge/observation.rs
         src/run/stateful.rs src/run/request_ids.rs src/run/health.rs
         src/run/diagnose.rs src/run/shrink.rs src/run/findings.rs
         src/contract/timestamp.rs src/contract/path.rs src/contract/json.rs)
fi
# a file that is not there would be mutated by nobody, silently (cargo-mutants takes --file as a
# filter): a usage error, for the default list too
for f in "${FILES[@]}"; do
  [ -f "$f" ] || usage_error "no file '$f' (give paths from the repository root, e.g. src/model/mod.rs)"
done
command -v cargo-mutants >/dev/null 2>&1 || cargo install --locked cargo-mutants
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
limit=${MUTANTS_TIME_LIMIT:-14400}
# results older than this run are not its results (cargo-mutants keeps the last run's for
# --iterate, as mutants.out.old once it starts)
started=$(mktemp)
trap 'rm -f "$started"' EXIT
# cargo-mutants exits 0 when every mutant tested was caught, 2 when some were missed, 3 when
# some timed out, 4 when the baseline (the unmutated tree) fails, 1 or 70 on its own errors;
# `timeout` exits 124 when MUTANTS_TIME_LIMIT ends the run (SIGINT first, so cargo-mutants
# stops its test processes). Every code but 0 is this script's exit code too.
rc=0
# shellcheck disable=SC2086
timeout -s INT -k 120 "$limit" cargo mutants "${ARGS[@]}" "${RE[@]}" --profile mutants \
  --test-tool nextest --baseline "${MUTANTS_BASELINE:-run}" --timeout "${MUTANTS_TIMEOUT:-90}" --jobs "${MUTANTS_JOBS:-1}" ${MUTANTS_ARGS:-} \
  -- --lib --test integration -E 'not test(/hostile|stacks|over_http|^cli::/)' || rc=$?
case $rc in
  0) verdict="every mutant tested was caught" ;;
  2) verdict="some mutants were MISSED" ;;
  3) verdict="some mutants TIMED OUT" ;;
  4) echo "mutants.sh: the baseline (the unmutated tree) fails its tests: no mutant was tested" >&2
     exit 4 ;;
  124) verdict="STOPPED at MUTANTS_TIME_LIMIT (${limit} s): the counts are of a partial run" ;;
  *) echo "mutants.sh: cargo mutants failed (exit $rc)" >&2
     exit "$rc" ;;
esac
if [ -z "$(find mutants.out -newer "$started" -print -quit 2>/dev/null)" ]; then
  echo "mutants.sh: this run wrote no mutants.out (exit $rc): no result to count" >&2
  exit $((rc == 0 ? 1 : rc))
fi
# lines of mutants.out/$1.txt for file $2 (an absent list is an outcome nobody had: 0)
count() {
  [ -f "mutants.out/$1.txt" ] || { echo 0; return 0; }
  awk -v f="$2:" 'index($0, f) == 1 {n++} END {print n + 0}' "mutants.out/$1.txt"
}
echo "== caught / missed / timeout / unviable per file"
for f in "${FILES[@]}"; do
  echo "$f: caught $(count caught "$f"), missed $(count missed "$f"), timeout $(count timeout "$f"), unviable $(count unviable "$f")"
done
for outcome in missed timeout; do
  if [ -s "mutants.out/$outcome.txt" ]; then
    echo "== $outcome"
    cat "mutants.out/$outcome.txt"
  fi
done
echo "== $verdict (cargo mutants exit $rc)"
exit "$rc"
