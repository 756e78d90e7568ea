# Shared by the benchmark scripts (source it; it runs nothing by itself).

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
