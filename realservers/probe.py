#!/usr/bin/env python3
"""Hand probes of one server's framework behaviour, used to write GROUND_TRUTH.md before any
`tpr-harness check` run (independent of the harness: raw sockets, one request per probe).

    python3 realservers/probe.py PORT TOKEN FIXTURES.json [READ_ONLY_TOKEN]

Prints one line per probe: name, status, content-type, a few headers and the body's first bytes.
Probes that PATCH change the first entity of the fixture (restart the server afterwards)."""
import gzip
import json
import socket
import sys
import zlib

PORT, TOKEN, FIXTURES = int(sys.argv[1]), sys.argv[2], sys.argv[3]
RO = sys.argv[4] if len(sys.argv) > 4 else None
fx = json.load(open(FIXTURES))
w = fx["workflows"][0]; r = w["runs"][0]; u = r["userProcessingResults"][0]; t = u["taskProcessingResults"][0]
other = [x for x in w["runs"][1]["userProcessingResults"][0]["taskProcessingResults"] if x["taskId"] == t["taskId"]][0]
PREFIX = "/beta/identityGovernance/lifecycleWorkflows/deletedItems/workflows"
ENT = f"{PREFIX}/{w['id']}/runs/{r['id']}/userProcessingResults/{u['id']}/taskProcessingResults/{t['id']}"
VIA = f"{ENT}/task/taskProcessingResults/{other['id']}"


def send(method, path, headers=(), body=b"", chunked=False, raw_cl=True):
    s = socket.create_connection(("127.0.0.1", PORT), timeout=10)
    lines = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{PORT}", "Connection: close"]
    lines += [f"{k}: {v}" for k, v in headers]
    if chunked:
        lines.append("Transfer-Encoding: chunked")
        payload = (f"{len(body):x}\r\n".encode() + body + b"\r\n" if body else b"") + b"0\r\n\r\n"
    else:
        if raw_cl and (body or method in ("PATCH", "PUT", "POST")):
            lines.append(f"Content-Length: {len(body)}")
        payload = body
    data = b""
    try:
        s.sendall(("\r\n".join(lines) + "\r\n\r\n").encode() + payload)
    except (BrokenPipeError, ConnectionResetError) as e:
        data = f"<<send: {e}>>".encode()
    try:
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    except (socket.timeout, ConnectionResetError, OSError) as e:
        data += f"<<{e}>>".encode()
    s.close()
    head, _, rest = data.partition(b"\r\n\r\n")
    hl = head.decode("latin1").split("\r\n")
    status = hl[0][9:12] if hl and hl[0].startswith("HTTP/") else "???"
    hdrs = {}
    for line in hl[1:]:
        k, _, v = line.partition(":")
        hdrs.setdefault(k.strip().lower(), []).append(v.strip())
    return status, hdrs, rest


AUTH = ("Authorization", f"Bearer {TOKEN}")
JSON = ("Content-Type", "application/json")


def p(name, *a, **k):
    status, h, body = send(*a, **k)
    show = {x: h[x] for x in ("content-type", "www-authenticate", "preference-applied", "location", "allow", "accept-encoding") if x in h}
    print(f"{name:38} {status} {show} {body[:160]!r}")


def patch_body(name, body, extra=(), path=ENT, auth=AUTH, ct=JSON, **k):
    p(name, "PATCH", path, [h for h in (auth, ct) if h] + list(extra), body, **k)


gz = gzip.compress(b'{"failureReason":"gz"}')
p("GET", "GET", ENT, [AUTH])
p("GET via task", "GET", VIA, [AUTH])
p("GET no auth", "GET", ENT, [])
p("GET lower-case bearer", "GET", ENT, [("Authorization", f"bearer {TOKEN}")])
p("GET double space", "GET", ENT, [("Authorization", f"Bearer  {TOKEN}")])
p("GET 2 auth (good first)", "GET", ENT, [AUTH, ("Authorization", "Bearer nope")])
p("GET 2 auth (good second)", "GET", ENT, [("Authorization", "Bearer nope"), AUTH])
p("GET upper-case token", "GET", ENT, [("Authorization", f"Bearer {TOKEN.upper()}")])
if RO:
    patch_body("PATCH read-only", b'{}', auth=("Authorization", f"Bearer {RO}"))
    p("GET read-only", "GET", ENT, [("Authorization", f"Bearer {RO}")])
p("HEAD", "HEAD", ENT, [AUTH])
p("OPTIONS", "OPTIONS", ENT, [AUTH])
p("PUT", "PUT", ENT, [AUTH, JSON], b"{}")
p("DELETE", "DELETE", ENT, [AUTH])
p("POST collection", "POST", ENT.rsplit("/", 1)[0], [AUTH, JSON], b"{}")
p("GET unknown path", "GET", PREFIX + "/x/y", [AUTH])
p("GET mixed-case segment", "GET", ENT.replace("/runs/", "/RUNS/"), [AUTH])
p("GET %-encoded segment name", "GET", ENT.replace("/runs/", "/%72uns/"), [AUTH])
p("GET %-encoded id", "GET", ENT[:-1] + "%" + format(ord(ENT[-1]), "02X"), [AUTH])
p("GET paren key", "GET", ENT.replace(f"/runs/{r['id']}", f"/runs('{r['id']}')"), [AUTH])
p("GET empty id //", "GET", ENT.replace(f"/runs/{r['id']}", "/runs/"), [AUTH])
p("GET trailing /", "GET", ENT + "/", [AUTH])
p("GET trailing //", "GET", ENT + "//", [AUTH])
p("GET upper-case id", "GET", ENT.rsplit("/", 1)[0] + "/" + t["id"].upper(), [AUTH])
p("GET unknown id", "GET", ENT[:-4] + "0000", [AUTH])
p("PATCH no content-type", "PATCH", ENT, [AUTH], b"{}")
patch_body("PATCH text/plain", b"{}", ct=("Content-Type", "text/plain"))
p("PATCH merge-patch+json", "PATCH", ENT, [AUTH, ("Content-Type", "application/merge-patch+json")], b"{}")
p("PATCH charset=iso-8859-1", "PATCH", ENT, [AUTH, ("Content-Type", "application/json; charset=iso-8859-1")], b"{}")
p("PATCH charset=utf-16", "PATCH", ENT, [AUTH, ("Content-Type", "application/json; charset=utf-16")], b"{}")
p("PATCH CT Application/JSON;Charset=UTF-8", "PATCH", ENT, [AUTH, ("Content-Type", "Application/JSON ; Charset=\"UTF-8\"")], b"{}")
p("PATCH CT odata params", "PATCH", ENT, [AUTH, ("Content-Type", "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;foo=bar")], b"{}")
p("PATCH 2 CT (json first)", "PATCH", ENT, [AUTH, JSON, ("Content-Type", "text/plain")], b"{}")
p("PATCH 2 CT (json second)", "PATCH", ENT, [AUTH, ("Content-Type", "text/plain"), JSON], b"{}")
patch_body("PATCH empty body CL:0", b"")
patch_body("PATCH empty chunked", b"", chunked=True)
patch_body("PATCH chunked valid", b'{"failureReason":"chunk"}', chunked=True)
patch_body("PATCH invalid JSON", b'{"failureReason":')
patch_body("PATCH trailing bytes", b'{"failureReason":"a"} x')
patch_body("PATCH trailing object", b'{"failureReason":"a"}{}')
patch_body("PATCH invalid UTF-8 in string", b'{"failureReason":"a\xff"}')
patch_body("PATCH lone surrogate", b'{"failureReason":"\\ud800"}')
patch_body("PATCH BOM", b'\xef\xbb\xbf{"failureReason":"bom"}')
patch_body("PATCH top-level null", b"null")
patch_body("PATCH top-level array", b"[]")
patch_body("PATCH top-level string", b'"x"')
patch_body("PATCH top-level number", b"1")
patch_body("PATCH nesting 32", b'{"x@a":' + b"[" * 31 + b"]" * 31 + b"}")
patch_body("PATCH nesting 100000", b'{"x@a":' + b"[" * 100000 + b"]" * 100000 + b"}")
patch_body("PATCH duplicate member", b'{"failureReason":"a","failureReason":"b"}')
patch_body("PATCH dup nested", b'{"x@a":{"k":1,"k":2}}')
patch_body("PATCH NaN", b'{"failureReason":NaN}')
patch_body("PATCH createdDateTime null", b'{"createdDateTime":null}')
patch_body("PATCH processingStatus null", b'{"processingStatus":null}')
patch_body("PATCH status number", b'{"processingStatus":2}')
patch_body("PATCH failureReason number", b'{"failureReason":2}')
patch_body("PATCH status Completed", b'{"processingStatus":"Completed"}')
patch_body("PATCH status '2'", b'{"processingStatus":"2"}')
patch_body("PATCH status unknownFutureValue", b'{"processingStatus":"unknownFutureValue"}')
patch_body("PATCH status canceling", b'{"processingStatus":"canceling"}')
patch_body("PATCH status canceling+Prefer", b'{"processingStatus":"canceling"}', extra=[("Prefer", "include-unknown-enum-members")])
p("GET no Prefer (canceling stored)", "GET", ENT, [AUTH])
p("GET Prefer list", "GET", ENT, [AUTH, ("Prefer", "return=minimal, include-unknown-enum-members")])
p("GET Prefer upper", "GET", ENT, [AUTH, ("Prefer", "Include-Unknown-Enum-Members")])
p("GET 2 Prefer headers", "GET", ENT, [AUTH, ("Prefer", "return=minimal"), ("Prefer", "include-unknown-enum-members")])
patch_body("PATCH status queued", b'{"processingStatus":"queued"}')
patch_body("PATCH id equal", json.dumps({"id": t["id"]}).encode())
patch_body("PATCH id different", b'{"id":"x"}')
patch_body("PATCH id number", b'{"id":1}')
patch_body("PATCH processingInfo", b'{"processingInfo":"x"}')
patch_body("PATCH task", b'{"task":{}}')
patch_body("PATCH unknown prop", b'{"foo":1}')
patch_body("PATCH CreatedDateTime", b'{"CreatedDateTime":"2024-01-01T00:00:00Z"}')
patch_body("PATCH @odata.type ok", b'{"@odata.type":"#microsoft.graph.identityGovernance.taskProcessingResult"}')
patch_body("PATCH @odata.type no #", b'{"@odata.type":"microsoft.graph.identityGovernance.taskProcessingResult"}')
patch_body("PATCH @odata.type other", b'{"@odata.type":"#microsoft.graph.user"}')
patch_body("PATCH task@odata.bind", b'{"task@odata.bind":"x"}')
patch_body("PATCH @odata.context", b'{"@odata.context":"x"}')
patch_body("PATCH NUL + astral", b'{"failureReason":"a\\u0000b\\ud83d\\ude00\xf0\x9f\x98\x80"}')
patch_body("PATCH failureReason 64KiB", json.dumps({"failureReason": "x" * 65536}).encode())
for ts in ["2024-01-01T00:00:00Z", "2024-01-01T00:00:00.1234567Z", "2024-01-01T00:00:00.123456789012+14:00",
           "2024-01-01T00:00:00.05-00:00", "2000-02-29T00:00:00Z", "2023-02-29T00:00:00Z", "2024-01-01T24:00:00Z",
           "2024-01-01T23:59:60Z", "2024-01-01T00:00:00+15:00", "2024-01-01T00:00:00-14:01", "2024-01-01T00:00:00",
           "2024-01-01t00:00:00z", "2024-01-01T00:00Z", "0000-01-01T00:00:00Z", "0001-01-01T00:00:00+01:00",
           "9999-12-31T23:00:00-14:00", "9999-12-31T23:59:59.9999999Z", "2024-01-01 00:00:00Z", "20240101T000000Z"]:
    patch_body(f"PATCH started {ts}", json.dumps({"startedDateTime": ts}).encode())
p("GET after timestamps", "GET", ENT, [AUTH])
patch_body("PATCH gzip", gz, extra=[("Content-Encoding", "gzip")])
patch_body("PATCH GZIP", gz, extra=[("Content-Encoding", "GZIP")])
patch_body("PATCH x-gzip", gz, extra=[("Content-Encoding", "x-gzip")])
patch_body("PATCH gzip 2 members", gzip.compress(b'{"failureReason":') + gzip.compress(b'"gz2"}'), extra=[("Content-Encoding", "gzip")])
patch_body("PATCH gzip + 00 00 00", gz + b"\0\0\0", extra=[("Content-Encoding", "gzip")])
patch_body("PATCH gzip + garbage", gz + b"xyz", extra=[("Content-Encoding", "gzip")])
patch_body("PATCH gzip truncated", gz[:-6], extra=[("Content-Encoding", "gzip")])
patch_body("PATCH gzip corrupt", b"\x1f\x8b" + b"junkjunkjunk", extra=[("Content-Encoding", "gzip")])
patch_body("PATCH deflate", zlib.compress(b'{"failureReason":"df"}'), extra=[("Content-Encoding", "deflate")])
patch_body("PATCH br (raw json)", b'{"failureReason":"br"}', extra=[("Content-Encoding", "br")])
patch_body("PATCH x-unknown", b'{}', extra=[("Content-Encoding", "x-unknown")])
patch_body("PATCH identity", b'{"failureReason":"id"}', extra=[("Content-Encoding", "identity")])
patch_body("PATCH gzip, identity", gz, extra=[("Content-Encoding", "gzip, identity")])
LIMIT = 4 * 1024 * 1024
base = b'{"failureReason":"'
pad = lambda n: base + b"x" * (n - len(base) - 2) + b'"}'
patch_body("PATCH exactly 4 MiB", pad(LIMIT))
patch_body("PATCH 4 MiB + 1", pad(LIMIT + 1))
patch_body("PATCH 4 MiB + 1 trailing spaces", b'{"failureReason":"sp"}' + b" " * (LIMIT + 1 - 22))
patch_body("PATCH 4 MiB + 1 chunked", pad(LIMIT + 1), chunked=True)
patch_body("PATCH gzip 4 MiB + 1", gzip.compress(pad(LIMIT + 1)), extra=[("Content-Encoding", "gzip")])
patch_body("PATCH gzip bomb 64 MiB", gzip.compress(b'{"x@a":"' + b"0" * (64 << 20) + b'"}'), extra=[("Content-Encoding", "gzip")])
patch_body("PATCH via task", b'{"failureReason":"via"}', path=VIA)
OTHER = f"{PREFIX}/{w['id']}/runs/{w['runs'][1]['id']}/userProcessingResults/{w['runs'][1]['userProcessingResults'][0]['id']}/taskProcessingResults/{other['id']}"
p("GET direct after via", "GET", OTHER, [AUTH])
p("PATCH unknown path + bad CT", "PATCH", PREFIX + "/x", [AUTH, ("Content-Type", "text/plain")], b"{}")
p("PATCH unknown path + 4MiB+1", "PATCH", PREFIX + "/x", [AUTH, JSON], pad(LIMIT + 1))
p("PATCH unknown path + x-unknown", "PATCH", PREFIX + "/x", [AUTH, JSON, ("Content-Encoding", "x-unknown")], b"{}")
p("PUT + bad CT", "PUT", ENT, [AUTH, ("Content-Type", "text/plain")], b"{}")
p("PATCH bad CT + unknown id", "PATCH", ENT[:-4] + "0000", [AUTH, ("Content-Type", "text/plain")], b"{}")
p("PATCH bad body + unknown id", "PATCH", ENT[:-4] + "0000", [AUTH, JSON], b"{")
