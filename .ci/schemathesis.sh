#!/usr/bin/env bash
# Schemathesis against `ponte demo`: every `/v1/` operation of the OpenAPI document is called
# with generated valid and invalid data, and each answer is checked against what the document
# says (status codes, content types, schemas, headers, refusals of bad data, authentication,
# methods). Any finding fails the step, except those recorded in
# .ci/schemathesis-accepted.json, each with a `why`.
#
# Environment: PONTE_SCHEMATHESIS_EXAMPLES (examples per operation, default 40),
# PONTE_SCHEMATHESIS_SEED (default fixed, so a run can be repeated), PONTE_SCHEMATHESIS_EXTRA
# (more options: `--baseline-update` records the findings of a run into the accepted file,
# whose new entries then need their `why` written by hand).
set -euo pipefail
cd "$(dirname "$0")/.."

VERSION="4.32.5"
HERE=target/schemathesis
VENV="$HERE/venv"
ACCEPTED=.ci/schemathesis-accepted.json
EXAMPLES="${PONTE_SCHEMATHESIS_EXAMPLES:-40}"
SEED="${PONTE_SCHEMATHESIS_SEED:-20261206}"

# Schemathesis in a virtual environment kept under target/, installed once per version.
if [[ "$("$VENV/bin/schemathesis" --version 2>/dev/null || true)" != *"version $VERSION" ]]; then
  rm -rf "$VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$VERSION"
fi

# Every accepted finding says why it is right.
"$VENV/bin/python" - "$ACCEPTED" <<'PY'
import json, sys
entries = json.load(open(sys.argv[1]))["entries"]
unexplained = [e.get("id") or e["operation"] for e in entries if not str(e.get("why", "")).strip()]
if unexplained:
    sys.exit(f"{sys.argv[1]}: entries without a `why`: {', '.join(unexplained)}")
print(f"{len(entries)} accepted finding(s), each with its reason")
PY

cargo build --quiet --locked -p ponte-cli

# The demo prints its address and API key on stdout, then "Ponte is ready". The tools' rate
# limit is off: every request comes from one address, and the limit has its own tests.
mkdir -p "$HERE/report"
log="$HERE/demo.log"
target/debug/ponte demo --port 0 --tools-rate 0 >"$log" 2>&1 &
demo=$!
trap 'kill "$demo" 2>/dev/null || true; wait "$demo" 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do
  grep -q "Ponte is ready" "$log" && break
  kill -0 "$demo" 2>/dev/null || { cat "$log"; echo "ponte demo stopped" >&2; exit 1; }
  sleep 0.5
done
grep -q "Ponte is ready" "$log" || { cat "$log"; echo "ponte demo did not start" >&2; exit 1; }
base=$(awk '$1 == "Ponte:" { print $2; exit }' "$log")
key=$(awk '$1 == "API" && $2 == "key:" { print $3; exit }' "$log")

# One worker: Schemathesis's workers are threads, and CPython 3.11 fails now and then
# ("AST constructor recursion depth mismatch") when two of them compile code at once.
SCHEMATHESIS_HOOKS=.ci/schemathesis_hooks.py "$VENV/bin/schemathesis" run "$base/openapi.json" \
  --checks all \
  --include-path-regex '^/v1/' \
  --header "Authorization: Bearer $key" \
  --max-examples "$EXAMPLES" \
  --seed "$SEED" \
  --workers 1 \
  --baseline "$ACCEPTED" ${PONTE_SCHEMATHESIS_EXTRA:-} \
  --report junit --report-dir "$HERE/report" \
  --no-color
