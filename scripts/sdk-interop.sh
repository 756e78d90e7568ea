#!/usr/bin/env bash
# The Microsoft Graph beta SDKs against `serve`, as a Graph SDK user would check a stand-in
# (issue 29, "Real clients"):
#   * Python, msgraph-beta-sdk from PyPI (scripts/sdk-interop/interop.py): GET through the fluent
#     builder; PATCH with the SDK's model (status, text, timestamps with offsets); the via-task
#     route; enum members after the sentinel with and without Prefer; nulls; odd ids and a wrong
#     token surfacing as ODataError with code and request-id.
#   * JavaScript, @microsoft/msgraph-beta-sdk from npm on Kiota (scripts/sdk-interop/interop.mjs):
#     the same through the Graph beta adapter and middleware chain, the PATCH gzip-coded by
#     Kiota's CompressionHandler, and, against `serve` under a profile that decodes no coding,
#     the handler's fallback on 415 (the same PATCH sent again plain).
# Each `serve` runs on a free port and is waited for (its "press Ctrl-C" line), each client
# against a fresh one. Every check prints `ok:`; `limit:` says what an SDK cannot do. Exit 0
# when every check holds. Needs python3 (venv), node >= 18 and npm, and network access to PyPI
# and npm (it installs the SDKs into a temporary directory, or into $SDK_INTEROP_CACHE to reuse
# them). Pinned versions, override with PY_SDK=… JS_SDK=… KIOTA=….
#
#   scripts/sdk-interop.sh            (no arguments)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
help_or_refuse_options "$@"
at_most_args 0 "$@"
ROOT=$PWD
PY_SDK=${PY_SDK:-msgraph-beta-sdk==1.66.0}
JS_SDK=${JS_SDK:-@microsoft/msgraph-beta-sdk@1.0.0-preview.81}
KIOTA=${KIOTA:-@microsoft/kiota-bundle@1.0.0-preview.109}
cargo build --release --quiet
BIN=$(cd "$TARGET_DIR" && pwd)/release/tpr-harness
TMP=$(mktemp -d); trap 'kill_jobs; rm -rf "$TMP"' EXIT
CACHE=${SDK_INTEROP_CACHE:-$TMP/cache}
mkdir -p "$CACHE/js"

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Starts `serve` with the extra arguments given, on a free port, writing the fixture to
# $TMP/fx.json; sets SERVE_PID and BASE once it says it is ready (30 s at most).
start_serve() {
  local port log=$TMP/serve.log
  port=$(free_port)
  : > "$log"
  "$BIN" serve --token sdk-token --port "$port" --write-fixtures "$TMP/fx.json" "$@" > "$log" 2>&1 &
  SERVE_PID=$!
  BASE=http://127.0.0.1:$port/beta
  for _ in $(seq 300); do
    if grep -q '^press Ctrl-C' "$log"; then return 0; fi
    if ! kill -0 "$SERVE_PID" 2>/dev/null; then
      echo "serve exited before it was ready:" >&2; cat "$log" >&2; return 1
    fi
    sleep 0.1
  done
  echo "serve was not ready after 30 s:" >&2; cat "$log" >&2; return 1
}

echo "== Python: $PY_SDK"
if [ ! -x "$CACHE/venv/bin/python" ]; then python3 -m venv "$CACHE/venv"; fi
"$CACHE/venv/bin/pip" install --quiet --disable-pip-version-check "$PY_SDK"
start_serve
"$CACHE/venv/bin/python" scripts/sdk-interop/interop.py "$TMP/fx.json" "$BASE" sdk-token
stop_server "$SERVE_PID"

echo "== JavaScript: $JS_SDK (node $(node --version))"
(cd "$CACHE/js" && { [ -f package.json ] || echo '{"private": true}' > package.json; } \
  && npm install --no-audit --no-fund --silent "$JS_SDK" "$KIOTA")
cp scripts/sdk-interop/interop.mjs "$CACHE/js/interop.mjs"
start_serve
node "$CACHE/js/interop.mjs" "$TMP/fx.json" "$BASE" sdk-token graph
stop_server "$SERVE_PID"

echo "== JavaScript, serve decoding no content coding (request_encodings = identity)"
printf 'name = "identity"\nbase = "graph"\nrequest_encodings = "identity"\n' > "$TMP/identity.toml"
start_serve --profile "$TMP/identity.toml"
node "$CACHE/js/interop.mjs" "$TMP/fx.json" "$BASE" sdk-token identity
stop_server "$SERVE_PID"
echo "sdk-interop: every check held"
