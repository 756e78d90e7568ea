// The Microsoft Graph beta SDK for JavaScript (@microsoft/msgraph-beta-sdk, on Kiota) against
// `serve`. Run by scripts/sdk-interop.sh: node interop.mjs FIXTURE BASE_URL TOKEN PROFILE, where
// PROFILE says what `serve` was started with: `graph` (gzip bodies decoded) or `identity` (gzip
// refused with 415). Prints one `ok:` line per check and `limit:` for what the SDK cannot do.
import { readFileSync } from "node:fs";
import assert from "node:assert/strict";
import { GraphBetaRequestAdapter } from "@microsoft/msgraph-beta-sdk";
import { getDefaultMiddlewares } from "@microsoft/msgraph-sdk-core";
import {
  AllowedHostsValidator, BaseBearerTokenAuthenticationProvider, HttpMethod, RequestInformation,
} from "@microsoft/kiota-abstractions";
import { CompressionHandler, KiotaClientFactory } from "@microsoft/kiota-http-fetchlibrary";
import { JsonParseNodeFactory, JsonSerializationWriterFactory } from "@microsoft/kiota-serialization-json";
import { TextParseNodeFactory, TextSerializationWriterFactory } from "@microsoft/kiota-serialization-text";
import {
  createTaskProcessingResultFromDiscriminatorValue, serializeTaskProcessingResult,
  LifecycleWorkflowProcessingStatusObject as Status,
} from "@microsoft/msgraph-beta-sdk/models/identityGovernance/index.js";
import { createODataErrorFromDiscriminatorValue } from "@microsoft/msgraph-beta-sdk/models/oDataErrors/index.js";

const [fixture, base, token, profile] = process.argv.slice(2);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PREFER = "include-unknown-enum-members";

// what went over the wire, as the last middleware sees it (to tell a gzip body from a plain one)
const sent = [];
const recordingFetch = async (url, init) => {
  const h = new Headers(init?.headers);
  sent.push({ method: init?.method, encoding: h.get("content-encoding") });
  return fetch(url, init);
};

function adapterWith(tok) {
  const auth = new BaseBearerTokenAuthenticationProvider({
    getAuthorizationToken: async () => tok,
    getAllowedHostsValidator: () => new AllowedHostsValidator(new Set()),
  });
  // the Graph SDK's own middleware chain, with Kiota's gzip handler (CompressionHandler) in front
  // of the fetch (it is not in the Graph chain by default)
  const chain = getDefaultMiddlewares({ customFetch: recordingFetch });
  chain.splice(chain.length - 1, 0, new CompressionHandler());
  const adapter = new GraphBetaRequestAdapter(auth, undefined, undefined, KiotaClientFactory.create(recordingFetch, chain));
  const parse = adapter.getParseNodeFactory();
  const write = adapter.getSerializationWriterFactory();
  const store = adapter.getBackingStoreFactory();
  parse.registerDefaultDeserializer(JsonParseNodeFactory, store);
  parse.registerDefaultDeserializer(TextParseNodeFactory, store);
  write.registerDefaultSerializer(JsonSerializationWriterFactory);
  write.registerDefaultSerializer(TextSerializationWriterFactory);
  adapter.baseUrl = base;
  return adapter;
}

const adapter = adapterWith(token);
const fx = JSON.parse(readFileSync(fixture, "utf8"));
const w = fx.workflows[0], r = w.runs[0], u = r.userProcessingResults[0], t = u.taskProcessingResults[0];
const errors = { XXX: createODataErrorFromDiscriminatorValue };
const path = (run, up, tid) =>
  `${base}/identityGovernance/lifecycleWorkflows/deletedItems/workflows/${w.id}/runs/${run.id}/userProcessingResults/${up.id}/taskProcessingResults/${encodeURIComponent(tid)}`;

async function send(method, url, { body, prefer, using = adapter } = {}) {
  const info = new RequestInformation(method);
  info.urlTemplate = "{+url}";
  info.pathParameters = { url };
  info.headers.tryAdd("Accept", "application/json");
  if (prefer) info.headers.tryAdd("Prefer", PREFER);
  if (body) info.setContentFromParsable(using, "application/json", body, serializeTaskProcessingResult);
  return using.send(info, createTaskProcessingResultFromDiscriminatorValue, errors);
}
const get = (tid = t.id, opts = {}) => send(HttpMethod.GET, path(r, u, tid), opts);
const patch = (body, opts = {}) => send(HttpMethod.PATCH, opts.url ?? path(r, u, t.id), { ...opts, body });

const got = await get();
assert.equal(got.id, t.id);
console.log(`ok: GET through the Graph beta adapter: ${got.id} ${got.processingStatus} ${got.createdDateTime.toISOString()}`);
console.log("limit: no fluent builder: the beta SDK's identityGovernance builders are in no package on npm (only the models are); requests are built as RequestInformation");

// PATCH with the SDK's model; a JavaScript Date has no offset, so the SDK sends UTC
sent.length = 0;
const started = new Date("2026-01-05T08:00:00.123+02:00"), completed = new Date("2026-01-05T09:30:00-05:30");
const text = "set by the JS SDK: ünïcødé ✓";
const patched = await patch({ processingStatus: Status.Failed, failureReason: text, startedDateTime: started, completedDateTime: completed });
const again = await get();
for (const seen of [patched, again]) {
  assert.equal(seen.failureReason, text);
  assert.equal(seen.processingStatus, Status.Failed);
  assert.equal(seen.startedDateTime.getTime(), started.getTime());
  assert.equal(seen.completedDateTime.getTime(), completed.getTime());
}
const patches = sent.filter((s) => s.method === "PATCH").map((s) => s.encoding ?? "none");
if (profile === "identity") {
  // the handler sends gzip, gets 415 and sends the body again without coding
  assert.deepEqual(patches, ["gzip", "none"], `PATCH codings sent: ${patches}`);
  console.log("ok: the gzip handler's 415 fallback: gzip refused with 415 under the identity profile, the same PATCH sent again plain and stored");
} else {
  assert.deepEqual(patches, ["gzip"], `PATCH codings sent: ${patches}`);
  console.log(`ok: PATCH with the SDK's model (status, text, timestamps) sent gzip-coded by the SDK's CompressionHandler and stored; limit: a Date carries no offset, sent as ${started.toISOString()}`);
}
if (profile === "identity") process.exit(0);

// the via-task route, from another result of the same task when there is one
let via = [r, u, t];
for (const run of w.runs) for (const up of run.userProcessingResults) for (const x of up.taskProcessingResults)
  if (x.taskId === t.taskId && x.id !== t.id) via = [run, up, x];
const viaUrl = `${path(via[0], via[1], via[2].id)}/task/taskProcessingResults/${t.id}`;
const byTask = await patch({ failureReason: "via the task" }, { url: viaUrl });
assert.equal(byTask.id, t.id);
assert.equal((await get()).failureReason, "via the task");
console.log("ok: PATCH on the via-task route");

// enum members after the sentinel, with and without Prefer
const canceling = await patch({ processingStatus: Status.Canceling }, { prefer: true });
assert.equal(canceling.processingStatus, Status.Canceling);
assert.equal((await get()).processingStatus, Status.UnknownFutureValue);
assert.equal((await get(t.id, { prefer: true })).processingStatus, Status.Canceling);
console.log("ok: enum values: `canceling` written with Prefer, read as unknownFutureValue without it and canceling with it");

// nulls
await patch({ processingStatus: Status.Failed, failureReason: null, completedDateTime: null });
const nulls = await get();
assert.equal(nulls.failureReason ?? null, null);
assert.equal(nulls.completedDateTime ?? null, null);
console.log("ok: nulls: failureReason and completedDateTime null in the model are sent as null and stored");

// odd ids and errors as ODataError with code and request-id
let last;
for (const odd of ["00000000-0000-0000-0000-000000000000", "no such id", "ä/ö?#x", t.id.toUpperCase()]) {
  try {
    await get(odd);
    assert.fail(`GET of id ${odd} succeeded`);
  } catch (e) {
    if (e.responseStatusCode !== 404) { console.error(odd, e); assert.fail(`${odd}: ${e?.message}`); }
    assert.equal((e.errorEscaped ?? e.error)?.code, "ResourceNotFound", `${odd}: ${e?.message}`);
    last = (e.errorEscaped ?? e.error)?.innerError?.requestId ?? (e.errorEscaped ?? e.error)?.innerError?.additionalData?.["request-id"];
    assert.match(String(last), UUID, `${odd}: innerError ${JSON.stringify((e.errorEscaped ?? e.error)?.innerError)}`);
  }
}
console.log(`ok: odd ids (nil UUID, a space, non-ASCII with / ? #, the id in upper case) are ODataError 404 ResourceNotFound with innerError's request-id (last ${last})`);
try {
  await get(t.id, { using: adapterWith("not-the-token") });
  assert.fail("a wrong token was accepted");
} catch (e) {
  assert.equal(e.responseStatusCode, 401, e?.message);
  assert.equal((e.errorEscaped ?? e.error)?.code, "InvalidAuthenticationToken");
}
console.log("ok: a wrong token is ODataError 401 InvalidAuthenticationToken");
