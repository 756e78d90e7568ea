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
