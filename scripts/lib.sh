# Shared by the scripts of this folder (source it after `cd` to the repository root; it runs
# nothing by itself but set TARGET_DIR).

# Where cargo puts what it builds: $CARGO_TARGET_DIR when set (a relative one is taken from the
# repository root, where the scripts run cargo), else target/. Binaries are looked up here.
TARGET_DIR=${CARGO_TARGET_DIR:-target}

# The calling script's usage: its first comment block, without the `#`.
usage() {
  awk 'NR == 1 { next } /^#/ { sub(/^# ?/, ""); print; next } { exit }' "$0"
}

# Stops the calling script with exit 2 and a pointer to --help (a usage error).
usage_error() {
  echo "$(basename "$0"): $* (see $0 --help)" >&2
  exit 2
}

# Call with the script's arguments before doing anything: -h/--help prints the usage (exit 0);
# any other argument starting with `-` is a usage error. The scripts take no options but --help.
help_or_refuse_options() {
  local a
  for a in "$@"; do
    case $a in
      -h | --help) usage; exit 0 ;;
      -*) usage_error "unknown option '$a'" ;;
    esac
  done
}

# A usage error unless $2 (named $1 in the message) is a whole number of at least 1.
need_count() {
  [[ $2 =~ ^[1-9][0-9]*$ ]] || usage_error "$1 must be a whole number of at least 1, not '$2'"
}

# A usage error when more than $1 arguments follow (the script's "$@").
at_most_args() {
  local most=$1
  shift
  [ $# -le "$most" ] && return 0
  [ "$most" -eq 0 ] && usage_error "takes no arguments, got: $*"
  usage_error "takes at most $most argument(s), got $#: $*"
}

# The path below the host (`/beta/...`) of the first result in fixture file $1.
first_entity_path() {
  python3 - "$1" <<'PY'
import json,sys
f=json.load(open(sys.argv[1])); w=f["workflows"][0]; r=w["runs"][0]; u=r["userProcessingResults"][0]; t=u["taskProcessingResults"][0]
print(f"/beta/identityGovernance/lifecycleWorkflows/deletedItems/workflows/{w['id']}/runs/{r['id']}/userProcessingResults/{u['id']}/taskProcessingResults/{t['id']}")
PY
}

# Writes to $1 a wrk script that sends one valid PATCH with the bearer token `t`.
write_wrk_patch() {
  cat > "$1" <<'LUA'
wrk.method = "PATCH"
wrk.body = '{"processingStatus":"failed","failureReason":"wrk"}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer t"
LUA
}

# Kills the background jobs still running in the calling shell (an EXIT trap's cleanup: a job
# that has already ended is not an error, and nothing else is ignored).
kill_jobs() {
  local pids
  pids=$(jobs -pr)
  if [ -n "$pids" ]; then
    # shellcheck disable=SC2086
    kill $pids 2>/dev/null
  fi
  return 0
}

# Stops the server $1 that the script started: it must still be running (a server that died on
# its own is an error, with its exit status), and it must end by the signal.
stop_server() {
  local pid=$1 rc=0
  if ! kill -0 "$pid" 2>/dev/null; then
    wait "$pid" || rc=$?
    echo "the server (pid $pid) had exited on its own with status $rc" >&2
    return 1
  fi
  kill "$pid"
  wait "$pid" || rc=$?
  # 143: ended by SIGTERM, as asked
  if [ "$rc" -ne 143 ] && [ "$rc" -ne 0 ]; then
    echo "the server (pid $pid) ended with status $rc" >&2
    return 1
  fi
}
