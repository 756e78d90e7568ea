"""Update taskProcessingResult (Microsoft Graph beta, Lifecycle Workflows) with Flask and sqlite3.

Written from docs/CONTRACT.md the way the Flask tutorial writes an app: one module, sqlite3 with a
connection per request (``get_db`` / ``teardown_appcontext``), ``request.get_json()`` for the body,
``jsonify`` for answers, MAX_CONTENT_LENGTH for the size limit, the development server.

    python app.py --port 8080 --token secret [--read-only-token ro] --fixtures fixtures.json [--db file]
"""
import argparse
import json
import os
import sqlite3
from datetime import datetime, timezone

from flask import Flask, g, jsonify, request

app = Flask(__name__)
app.config["MAX_CONTENT_LENGTH"] = 4 * 1024 * 1024  # H4: 4 MiB

ODATA_TYPE = "#microsoft.graph.identityGovernance.taskProcessingResult"
STATUSES = ["queued", "inProgress", "completed", "completedWithErrors", "canceled", "failed",
            "unknownFutureValue", "canceling", "quarantined"]
TIMESTAMPS = ["createdDateTime", "startedDateTime", "completedDateTime"]
NOT_UPDATABLE = ["processingInfo", "workflowSubject", "subject", "task"]
COLUMNS = {"createdDateTime": "created_date_time", "processingStatus": "processing_status",
           "startedDateTime": "started_date_time", "completedDateTime": "completed_date_time",
           "failureReason": "failure_reason"}
PREFIX = "/beta/identityGovernance/lifecycleWorkflows/deletedItems/workflows/<w>/runs/<r>/userProcessingResults/<u>"

SCHEMA = """
DROP TABLE IF EXISTS task_processing_results;
CREATE TABLE task_processing_results (
    id TEXT PRIMARY KEY, workflow_id TEXT NOT NULL, run_id TEXT NOT NULL, user_id TEXT NOT NULL,
    task_id TEXT NOT NULL, created_date_time TEXT NOT NULL, processing_status TEXT NOT NULL,
    started_date_time TEXT, completed_date_time TEXT, failure_reason TEXT);
"""


def get_db():
    if "db" not in g:
        g.db = sqlite3.connect(app.config["DATABASE"])
        g.db.row_factory = sqlite3.Row
    return g.db


@app.teardown_appcontext
def close_db(exception):
    db = g.pop("db", None)
    if db is not None:
        db.close()


def init_db(path, fixtures):
    with open(fixtures) as f:
        data = json.load(f)
    db = sqlite3.connect(path)
    db.executescript(SCHEMA)
    for w in data["workflows"]:
        for r in w["runs"]:
            for u in r["userProcessingResults"]:
                for t in u["taskProcessingResults"]:
                    db.execute("INSERT INTO task_processing_results VALUES (?,?,?,?,?,?,?,?,?,?)",
                               (t["id"], w["id"], r["id"], u["id"], t["taskId"], t["createdDateTime"],
                                t["processingStatus"], t["startedDateTime"], t["completedDateTime"],
                                t["failureReason"]))
    db.commit()
    db.close()


def error(status, code, message):
    return jsonify({"error": {"code": code, "message": message}}), status


@app.before_request
def authenticate():
    header = request.headers.get("Authorization")
    if header == f"Bearer {app.config['TOKEN']}":
        g.can_write = True
    elif app.config["READ_ONLY_TOKEN"] and header == f"Bearer {app.config['READ_ONLY_TOKEN']}":
        g.can_write = False
    else:
        return error(401, "InvalidAuthenticationToken", "Access token is missing or invalid.")


def find(w, r, u, t, t0=None):
    db = get_db()
    direct = "SELECT * FROM task_processing_results WHERE id = ? AND workflow_id = ? AND run_id = ? AND user_id = ?"
    if t0 is None:
        return db.execute(direct, (t, w, r, u)).fetchone()
    first = db.execute(direct, (t0, w, r, u)).fetchone()
    if first is None:
        return None
    return db.execute("SELECT * FROM task_processing_results WHERE id = ? AND task_id = ? AND workflow_id = ?",
                      (t, first["task_id"], w)).fetchone()


def to_json(row):
    return {
        "@odata.type": ODATA_TYPE,
        "id": row["id"],
        "createdDateTime": row["created_date_time"],
        "processingStatus": row["processing_status"],
        "startedDateTime": row["started_date_time"],
        "completedDateTime": row["completed_date_time"],
        "failureReason": row["failure_reason"],
    }


def parse_timestamp(value):
    """A DateTimeOffset as a UTC ISO 8601 string, or None when it is not one."""
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")


def validate(body, t):
    """The columns to update, or an error message."""
    changes = {}
    for name, value in body.items():
        if name == "@odata.type":
            if value not in (ODATA_TYPE, ODATA_TYPE[1:]):
                return None, f"@odata.type must be {ODATA_TYPE}"
            continue
        if "@" in name:  # other instance annotations are ignored
            continue
        if name == "id":
            if value != t:
                return None, "The id of an entity cannot be changed."
            continue
        if name in NOT_UPDATABLE:
            return None, f"The property '{name}' cannot be updated."
        if name not in COLUMNS:
            return None, f"Could not find a property named '{name}' on type taskProcessingResult."
        if value is None:
            if name in ("createdDateTime", "processingStatus"):
                return None, f"The property '{name}' cannot be null."
        elif name in TIMESTAMPS:
            value = parse_timestamp(value)
            if value is None:
                return None, f"The value of '{name}' is not a valid DateTimeOffset."
        elif name == "processingStatus":
            if value not in STATUSES:
                return None, f"'{value}' is not a valid lifecycleWorkflowProcessingStatus."
            if value == "unknownFutureValue":  # B6.c: leave the property as it is
                continue
        elif not isinstance(value, str):
            return None, f"The value of '{name}' must be a string."
        changes[COLUMNS[name]] = value
    return changes, None


def get_result(w, r, u, t, t0=None):
    row = find(w, r, u, t, t0)
    if row is None:
        return error(404, "ResourceNotFound", "The taskProcessingResult was not found.")
    return jsonify(to_json(row))


def patch_result(w, r, u, t, t0=None):
    if not g.can_write:
        return error(403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.")
    body = request.get_json()
    if not isinstance(body, dict):
        return error(400, "BadRequest", "The request body must be a JSON object.")
    changes, problem = validate(body, t)
    if problem:
        return error(400, "BadRequest", problem)
    row = find(w, r, u, t, t0)
    if row is None:
        return error(404, "ResourceNotFound", "The taskProcessingResult was not found.")
    if changes:
        db = get_db()
        sets = ", ".join(f"{column} = ?" for column in changes)
        db.execute(f"UPDATE task_processing_results SET {sets} WHERE id = ?", (*changes.values(), row["id"]))
        db.commit()
    return jsonify(to_json(find(w, r, u, t, t0)))


@app.route(f"{PREFIX}/taskProcessingResults/<t>", methods=["GET", "PATCH"])
def task_processing_result(w, r, u, t):
    if request.method == "PATCH":
        return patch_result(w, r, u, t)
    return get_result(w, r, u, t)


@app.route(f"{PREFIX}/taskProcessingResults/<t0>/task/taskProcessingResults/<t>", methods=["GET", "PATCH"])
def task_processing_result_via_task(w, r, u, t0, t):
    if request.method == "PATCH":
        return patch_result(w, r, u, t, t0)
    return get_result(w, r, u, t, t0)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8080")))
    parser.add_argument("--token", default=os.environ.get("TPR_TOKEN"), required="TPR_TOKEN" not in os.environ)
    parser.add_argument("--read-only-token", default=os.environ.get("TPR_READ_ONLY_TOKEN"))
    parser.add_argument("--fixtures", default=os.environ.get("TPR_FIXTURES"), required="TPR_FIXTURES" not in os.environ)
    parser.add_argument("--db", default=os.environ.get("TPR_DB", "taskprocessingresults.db"))
    args = parser.parse_args()
    init_db(args.db, args.fixtures)
    app.config.update(DATABASE=args.db, TOKEN=args.token, READ_ONLY_TOKEN=args.read_only_token)
    app.run(host=args.host, port=args.port)


if __name__ == "__main__":
    main()
