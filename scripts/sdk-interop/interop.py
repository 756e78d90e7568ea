"""The Microsoft Graph beta SDK for Python (msgraph-beta-sdk) against `serve`: what a Graph SDK
user would check. Run by scripts/sdk-interop.sh: python interop.py FIXTURE BASE_URL TOKEN.
Prints one `ok:` line per check, `limit:` for what the SDK cannot do, and fails on the first
check that does not hold."""
import asyncio, datetime as dt, json, re, sys
from kiota_abstractions.authentication import AccessTokenProvider, AllowedHostsValidator, BaseBearerTokenAuthenticationProvider
from kiota_abstractions.base_request_configuration import RequestConfiguration
from kiota_abstractions.method import Method
from kiota_abstractions.request_information import RequestInformation
from msgraph_beta import GraphRequestAdapter, GraphServiceClient
from msgraph_beta.generated.models.identity_governance.task_processing_result import TaskProcessingResult
from msgraph_beta.generated.models.identity_governance.lifecycle_workflow_processing_status import LifecycleWorkflowProcessingStatus as Status
from msgraph_beta.generated.models.o_data_errors.o_data_error import ODataError

FIXTURE, BASE, TOKEN = sys.argv[1], sys.argv[2], sys.argv[3]
UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
PREFER = "include-unknown-enum-members"

class Token(AccessTokenProvider):
    def __init__(self, token): self.token = token
    async def get_authorization_token(self, uri, additional_authentication_context=None): return self.token
    def get_allowed_hosts_validator(self): return AllowedHostsValidator([])

def client_with(token):
    adapter = GraphRequestAdapter(BaseBearerTokenAuthenticationProvider(Token(token)))
    adapter.base_url = BASE
    return adapter, GraphServiceClient(request_adapter=adapter)

adapter, client = client_with(TOKEN)
fx = json.load(open(FIXTURE))
w = fx["workflows"][0]; r = w["runs"][0]; u = r["userProcessingResults"][0]
t = u["taskProcessingResults"][0]
# a result of the same task, for the via-task route (t0 = t itself when there is none)
# (the route's prefix is t0's own run and user processing result)
r0, u0, t0 = next(((run, up, x) for run in w["runs"] for up in run["userProcessingResults"]
                   for x in up["taskProcessingResults"] if x["taskId"] == t["taskId"] and x["id"] != t["id"]),
                  (r, u, t))

def item(tid):
    return (client.identity_governance.lifecycle_workflows.deleted_items.workflows.by_workflow_id(w["id"])
            .runs.by_run_id(r["id"]).user_processing_results.by_user_processing_result_id(u["id"])
            .task_processing_results.by_task_processing_result_id(tid))

def prefer():
    c = RequestConfiguration()
    c.headers.add("Prefer", PREFER)
    return c

async def patch(body, url=None, with_prefer=False):
    info = item(t["id"]).to_get_request_information()
    info.http_method = Method.PATCH
    if url:
        info.url = url
    if with_prefer:
        info.headers.add("Prefer", PREFER)
    info.set_content_from_parsable(adapter, "application/json", body)
    return await adapter.send_async(info, TaskProcessingResult, {"XXX": ODataError})

async def main():
    got = await item(t["id"]).get()
    assert got.id == t["id"], got.id
    print(f"ok: GET through the fluent builder: {got.id} {got.processing_status} {got.created_date_time}")

    started = dt.datetime(2026, 1, 5, 8, 0, 0, 123456, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    completed = dt.datetime(2026, 1, 5, 9, 30, tzinfo=dt.timezone(-dt.timedelta(hours=5, minutes=30)))
    text = "set by the Python SDK: ünïcødé ✓"
    body = TaskProcessingResult(processing_status=Status.Failed, failure_reason=text,
                                started_date_time=started, completed_date_time=completed)
    patched = await patch(body)
    again = await item(t["id"]).get()
    for seen in (patched, again):
        assert seen.failure_reason == text, seen.failure_reason
        assert seen.processing_status == Status.Failed, seen.processing_status
        assert seen.started_date_time == started, (seen.started_date_time, started)
        assert seen.completed_date_time == completed, (seen.completed_date_time, completed)
    print(f"ok: PATCH with the SDK's model (status, text, timestamps with offsets +02:00 and -05:30): "
          f"read back as {again.started_date_time.isoformat()} and {again.completed_date_time.isoformat()}")

    via = (f"{BASE}/identityGovernance/lifecycleWorkflows/deletedItems/workflows/{w['id']}/runs/{r0['id']}"
           f"/userProcessingResults/{u0['id']}/taskProcessingResults/{t0['id']}/task/taskProcessingResults/{t['id']}")
    patched = await patch(TaskProcessingResult(failure_reason="via the task"), url=via)
    assert patched.id == t["id"] and patched.failure_reason == "via the task", patched
    assert (await item(t["id"]).get()).failure_reason == "via the task"
    print(f"ok: PATCH on the via-task route (t0 {'another result of the task' if t0 is not t else 'the result itself'}); "
          "limit: the SDK's builders have no via-task taskProcessingResults (the URL is given by hand)")

    patched = await patch(TaskProcessingResult(processing_status=Status.Canceling), with_prefer=True)
    assert patched.processing_status == Status.Canceling, patched.processing_status
    plain = await item(t["id"]).get()
    preferred = await item(t["id"]).get(request_configuration=prefer())
    assert plain.processing_status == Status.UnknownFutureValue, plain.processing_status
    assert preferred.processing_status == Status.Canceling, preferred.processing_status
    print("ok: enum values: `canceling` written with Prefer, read as unknownFutureValue without it and as canceling with it")

    await patch(TaskProcessingResult(failure_reason="before the nulls", completed_date_time=completed))
    nulls = TaskProcessingResult(processing_status=Status.Failed)
    nulls.failure_reason = None
    nulls.completed_date_time = None
    try:
        await patch(nulls)
        after = await item(t["id"]).get()
        if after.failure_reason is None and after.completed_date_time is None:
            print("ok: nulls: properties set to None on the model are sent as null and stored")
        else:
            print(f"limit: nulls: properties set to None on the model are not sent (still {after.failure_reason!r})")
    except ODataError as e:
        assert e.response_status_code == 400, e.response_status_code
        print(f"limit: nulls: a property set to None on the model is sent under its Python name, "
              f"which serve refuses as unknown (B8): {e.error.message}")
    nulls = TaskProcessingResult()
    nulls.additional_data = {"failureReason": None, "completedDateTime": None}
    await patch(nulls)
    after = await item(t["id"]).get()
    assert after.failure_reason is None and after.completed_date_time is None, after
    print("ok: nulls sent through the model's additional_data are stored as null")

    for odd in ["00000000-0000-0000-0000-000000000000", "no such id", "ä/ö?#x", t["id"].upper()]:
        try:
            await item(odd).get()
            raise AssertionError(f"GET of id {odd!r} succeeded")
        except ODataError as e:
            inner = e.error.inner_error
            assert e.response_status_code == 404, (odd, e.response_status_code)
            assert e.error.code == "ResourceNotFound", (odd, e.error.code)
            assert inner is not None and UUID.match(inner.request_id or ""), (odd, inner)
            header = (e.response_headers or {}).get("request-id") if hasattr(e, "response_headers") else None
            if header:
                header = next(iter(header)) if isinstance(header, (set, list)) else header
                assert header == inner.request_id, (header, inner.request_id)
    print(f"ok: odd ids (nil UUID, a space, non-ASCII with / ? #, the id in upper case) are ODataError 404 "
          f"ResourceNotFound with innerError.request-id (last {inner.request_id})")

    _, wrong = client_with("not-the-token")
    try:
        await (wrong.identity_governance.lifecycle_workflows.deleted_items.workflows.by_workflow_id(w["id"])
               .runs.by_run_id(r["id"]).user_processing_results.by_user_processing_result_id(u["id"])
               .task_processing_results.by_task_processing_result_id(t["id"]).get())
        raise AssertionError("a wrong token was accepted")
    except ODataError as e:
        assert e.response_status_code == 401 and e.error.code == "InvalidAuthenticationToken", (e.response_status_code, e.error.code)
        assert UUID.match(e.error.inner_error.request_id or "")
    print("ok: a wrong token is ODataError 401 InvalidAuthenticationToken with a request-id")

asyncio.run(main())
