#!/usr/bin/env bash
# The Microsoft Graph beta SDK for Python against `serve` (issue 14): installs msgraph-beta-sdk in
# a temporary virtual environment, points its request adapter at the endpoint, reads an entity
# with the SDK's own GET and sends a PATCH through the same adapter (the SDK offers no PATCH for
# this entity). Not run in CI (it downloads the SDK). Exit 0 when both work.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
cargo build --release --quiet
BIN=target/release/tpr-harness
TMP=$(mktemp -d); trap 'kill_jobs; rm -rf "$TMP"' EXIT
PORT=18474
$BIN serve --token sdk-token --port $PORT --write-fixtures "$TMP/fx.json" >/dev/null 2>&1 &
python3 -m venv "$TMP/venv"
"$TMP/venv/bin/pip" install --quiet msgraph-beta-sdk
cat > "$TMP/interop.py" <<'PY'
import asyncio, json, sys
from kiota_abstractions.authentication import AccessTokenProvider, AllowedHostsValidator, BaseBearerTokenAuthenticationProvider
from kiota_abstractions.method import Method
from kiota_abstractions.request_information import RequestInformation
from msgraph_beta import GraphRequestAdapter, GraphServiceClient
from msgraph_beta.generated.models.identity_governance.task_processing_result import TaskProcessingResult

class Token(AccessTokenProvider):
    async def get_authorization_token(self, uri, additional_authentication_context=None):
        return "sdk-token"
    def get_allowed_hosts_validator(self):
        return AllowedHostsValidator([])

fx = json.load(open(sys.argv[1])); port = sys.argv[2]
w = fx["workflows"][0]; r = w["runs"][0]; u = r["userProcessingResults"][0]; t = u["taskProcessingResults"][0]
adapter = GraphRequestAdapter(BaseBearerTokenAuthenticationProvider(Token()))
adapter.base_url = f"http://127.0.0.1:{port}/beta"
client = GraphServiceClient(request_adapter=adapter)

async def main():
    item = (client.identity_governance.lifecycle_workflows.deleted_items.workflows.by_workflow_id(w["id"])
            .runs.by_run_id(r["id"]).user_processing_results.by_user_processing_result_id(u["id"])
            .task_processing_results.by_task_processing_result_id(t["id"]))
    got = await item.get()
    print("GET:", got.id, got.processing_status, got.created_date_time)
    assert got.id == t["id"]
    info = item.to_get_request_information()
    info.http_method = Method.PATCH
    body = TaskProcessingResult(processing_status=got.processing_status, failure_reason="set by the Python SDK")
    info.set_content_from_parsable(adapter, "application/json", body)
    patched = await adapter.send_async(info, TaskProcessingResult, {})
    print("PATCH:", patched.id, patched.failure_reason)
    assert patched.failure_reason == "set by the Python SDK"
    again = await item.get()
    assert again.failure_reason == "set by the Python SDK"
    print("ok: the SDK reads serve's answers and serve accepts the SDK's PATCH body")

asyncio.run(main())
PY
"$TMP/venv/bin/python" "$TMP/interop.py" "$TMP/fx.json" $PORT
