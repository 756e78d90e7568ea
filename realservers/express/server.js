'use strict';
// Update taskProcessingResult (Microsoft Graph beta, Lifecycle Workflows) with Express 5 and
// SQLite (better-sqlite3). Written from docs/CONTRACT.md the way the Express guide suggests:
// express.json() for bodies, app.route() for routes, an error-handling middleware at the end.
//
//   node server.js --port 8080 --token secret [--read-only-token ro] --fixtures fixtures.json [--db file]
const crypto = require('node:crypto');
const fs = require('node:fs');
const express = require('express');
const Database = require('better-sqlite3');

function parseArgs(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i += 2) out[argv[i].replace(/^--/, '')] = argv[i + 1];
  return out;
}
const args = parseArgs(process.argv.slice(2));
const HOST = args.host || process.env.HOST || '127.0.0.1';
const PORT = Number(args.port || process.env.PORT || 8080);
const TOKEN = args.token || process.env.TPR_TOKEN;
const READ_ONLY_TOKEN = args['read-only-token'] || process.env.TPR_READ_ONLY_TOKEN;
const FIXTURES = args.fixtures || process.env.TPR_FIXTURES;
if (!TOKEN || !FIXTURES) {
  console.error('usage: node server.js --port N --token T [--read-only-token R] --fixtures FILE [--db FILE]');
  process.exit(2);
}

// ---- storage ----
const db = new Database(args.db || ':memory:');
db.exec(`DROP TABLE IF EXISTS task_processing_results;
  CREATE TABLE task_processing_results (
    id TEXT PRIMARY KEY, workflow_id TEXT NOT NULL, run_id TEXT NOT NULL, user_id TEXT NOT NULL,
    task_id TEXT NOT NULL, created_date_time TEXT NOT NULL, processing_status TEXT NOT NULL,
    started_date_time TEXT, completed_date_time TEXT, failure_reason TEXT)`);
const insert = db.prepare(`INSERT INTO task_processing_results VALUES
  (@id, @w, @r, @u, @taskId, @createdDateTime, @processingStatus, @startedDateTime, @completedDateTime, @failureReason)`);
const fixture = JSON.parse(fs.readFileSync(FIXTURES, 'utf8'));
db.transaction(() => {
  for (const w of fixture.workflows)
    for (const r of w.runs)
      for (const u of r.userProcessingResults)
        for (const t of u.taskProcessingResults) insert.run({ ...t, w: w.id, r: r.id, u: u.id });
})();

const findDirect = db.prepare(`SELECT * FROM task_processing_results
  WHERE id = ? AND workflow_id = ? AND run_id = ? AND user_id = ?`);
const findSameTask = db.prepare(`SELECT * FROM task_processing_results
  WHERE id = ? AND task_id = ? AND workflow_id = ?`);
const findById = db.prepare('SELECT * FROM task_processing_results WHERE id = ?');

const COLUMNS = {
  createdDateTime: 'created_date_time', processingStatus: 'processing_status',
  startedDateTime: 'started_date_time', completedDateTime: 'completed_date_time',
  failureReason: 'failure_reason',
};
const ODATA_TYPE = '#microsoft.graph.identityGovernance.taskProcessingResult';
const KNOWN = ['queued', 'inProgress', 'completed', 'completedWithErrors', 'canceled', 'failed'];
const AFTER_SENTINEL = ['canceling', 'quarantined'];
const NOT_UPDATABLE = ['processingInfo', 'workflowSubject', 'subject', 'task'];
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,12})?(Z|[+-]\d{2}:\d{2})$/;

// ---- helpers ----
const CODES = {
  400: 'BadRequest', 401: 'InvalidAuthenticationToken', 403: 'Authorization_RequestDenied',
  404: 'ResourceNotFound', 405: 'MethodNotAllowed', 413: 'RequestEntityTooLarge', 415: 'UnsupportedMediaType',
};
function sendError(req, res, status, message) {
  const requestId = crypto.randomUUID();
  const innerError = { date: new Date().toISOString(), 'request-id': requestId };
  if (req.get('client-request-id')) innerError['client-request-id'] = req.get('client-request-id');
  res.set('request-id', requestId);
  res.status(status).json({ error: { code: CODES[status] || 'InternalServerError', message, innerError } });
}

function isTimestamp(value) {
  return typeof value === 'string' && TIMESTAMP.test(value) && !Number.isNaN(Date.parse(value));
}

function wantsUnknownMembers(req) {
  return (req.get('Prefer') || '').includes('include-unknown-enum-members');
}

function render(row, unknownMembers) {
  let status = row.processing_status;
  if (AFTER_SENTINEL.includes(status) && !unknownMembers) status = 'unknownFutureValue';
  return {
    '@odata.context': '$metadata#identityGovernance/lifecycleWorkflows/deletedItems/workflows/runs/userProcessingResults/taskProcessingResults/$entity',
    '@odata.type': ODATA_TYPE,
    id: row.id,
    createdDateTime: row.created_date_time,
    processingStatus: status,
    startedDateTime: row.started_date_time,
    completedDateTime: row.completed_date_time,
    failureReason: row.failure_reason,
  };
}

function sendEntity(req, res, row) {
  const unknownMembers = wantsUnknownMembers(req);
  if (unknownMembers) res.set('Preference-Applied', 'include-unknown-enum-members');
  res.json(render(row, unknownMembers));
}

// The addressed entity, or undefined (404).
function lookup(params) {
  const { w, r, u, t0, t } = params;
  if (t0 === undefined) return findDirect.get(t, w, r, u);
  const first = findDirect.get(t0, w, r, u);
  if (!first) return undefined;
  return findSameTask.get(t, first.task_id, w);
}

// Validates a PATCH body; returns [changes, null] or [null, message].
function validate(body, req) {
  const changes = {};
  for (const [name, value] of Object.entries(body)) {
    if (name === '@odata.type') {
      if (value !== ODATA_TYPE && value !== ODATA_TYPE.slice(1)) return [null, `@odata.type must be ${ODATA_TYPE}`];
      continue;
    }
    if (name.includes('@')) continue; // other annotations are ignored
    if (name === 'id') {
      if (value !== req.params.t) return [null, 'id cannot be changed'];
      continue;
    }
    if (NOT_UPDATABLE.includes(name)) return [null, `${name} cannot be updated`];
    switch (name) {
      case 'processingStatus':
        if (typeof value !== 'string') return [null, 'processingStatus must be a string'];
        if (value === 'unknownFutureValue') continue; // means "leave it as it is"
        if (!KNOWN.includes(value) && !(AFTER_SENTINEL.includes(value) && wantsUnknownMembers(req)))
          return [null, `${value} is not a valid processingStatus`];
        break;
      case 'createdDateTime':
        if (!isTimestamp(value)) return [null, 'createdDateTime must be a DateTimeOffset'];
        break;
      case 'startedDateTime':
      case 'completedDateTime':
        if (value !== null && !isTimestamp(value)) return [null, `${name} must be a DateTimeOffset or null`];
        break;
      case 'failureReason':
        if (value !== null && typeof value !== 'string') return [null, 'failureReason must be a string or null'];
        break;
      default:
        return [null, `Could not find a property named '${name}' on type taskProcessingResult`];
    }
    changes[COLUMNS[name]] = value;
  }
  return [changes, null];
}

// ---- app ----
const app = express();

app.use((req, res, next) => {
  const header = req.get('Authorization') || '';
  if (!header.startsWith('Bearer ')) return sendError(req, res, 401, 'Bearer token required');
  const token = header.slice('Bearer '.length);
  if (token === TOKEN) req.canWrite = true;
  else if (READ_ONLY_TOKEN && token === READ_ONLY_TOKEN) req.canWrite = false;
  else return sendError(req, res, 401, 'Access token is invalid');
  next();
});

app.use(express.json({ limit: '4mb' }));

function getResult(req, res) {
  const row = lookup(req.params);
  if (!row) return sendError(req, res, 404, 'taskProcessingResult not found');
  sendEntity(req, res, row);
}

function patchResult(req, res) {
  if (!req.canWrite) return sendError(req, res, 403, 'Insufficient privileges to complete the operation');
  if (!req.is('application/json')) return sendError(req, res, 415, 'Content-Type must be application/json');
  const body = req.body;
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    return sendError(req, res, 400, 'The body must be a JSON object');
  const [changes, problem] = validate(body, req);
  if (problem) return sendError(req, res, 400, problem);
  const row = lookup(req.params);
  if (!row) return sendError(req, res, 404, 'taskProcessingResult not found');
  const columns = Object.keys(changes);
  if (columns.length > 0) {
    const sets = columns.map((c) => `${c} = @${c}`).join(', ');
    db.prepare(`UPDATE task_processing_results SET ${sets} WHERE id = @id`).run({ ...changes, id: row.id });
  }
  sendEntity(req, res, findById.get(row.id));
}

const base = '/beta/identityGovernance/lifecycleWorkflows/deletedItems/workflows/:w/runs/:r/userProcessingResults/:u/taskProcessingResults';
app.route(`${base}/:t`).get(getResult).patch(patchResult);
app.route(`${base}/:t0/task/taskProcessingResults/:t`).get(getResult).patch(patchResult);

// Anything else is not a route of this API.
app.use((req, res) => sendError(req, res, 400, `Resource not found for the segment '${req.path}'`));

// Errors from the body parser (400, 413, 415) and anything thrown.
app.use((err, req, res, next) => {
  const status = err.status || err.statusCode || 500;
  if (status >= 500) console.error(err);
  sendError(req, res, status, err.message);
});

app.listen(PORT, HOST, () => console.log(`express taskProcessingResult server on http://${HOST}:${PORT}/beta`));
