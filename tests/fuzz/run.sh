#!/usr/bin/env bash
# Fuzzes the HTTP API with Schemathesis against the real server binary: every operation the OpenAPI
# document at /api/openapi.json describes, in every phase (examples, coverage, fuzzing, stateful) and
# with every check, so a response that breaks the document (a 500, a status or body the document does
# not declare, invalid input that is accepted, valid input that is refused) fails the run.
#
#   bash tests/fuzz/run.sh [extra schemathesis run options...]
#
# Environment:
#   PIXEL_SERVER_BIN    the server to test (default: the debug build of `cargo test --workspace`)
#   FUZZ_MAX_EXAMPLES   test cases per operation and phase (default 100: about half a minute)
#   FUZZ_SEED           Hypothesis seed (default fixed, so a run is reproducible; set another to explore)
#   FUZZ_REPORT_DIR     where the JUnit report goes (default ~/.cache/pixel-studio/fuzz-report)
#
# Exits 0 only when Schemathesis found nothing.
set -euo pipefail

# Pinned: a new Schemathesis release adds checks and changes generation, which must not turn a run red
# by itself. Raise it on purpose.
SCHEMATHESIS_VERSION=4.32.5

here="$(cd "$(dirname "$0")" && pwd)"
cache="$HOME/.cache/pixel-studio"
venv="$cache/schemathesis"
target="${CARGO_TARGET_DIR:-$cache/target}"
bin="${PIXEL_SERVER_BIN:-$target/debug/pixel-studio-server}"
max_examples="${FUZZ_MAX_EXAMPLES:-100}"
seed="${FUZZ_SEED:-20240601}"
report_dir="${FUZZ_REPORT_DIR:-$cache/fuzz-report}"

fail() { printf 'fuzz: %s\n' "$*" >&2; exit 1; }

[[ -x "$bin" ]] || fail "no server binary at $bin: build it (cargo build -p pixel-server) or set PIXEL_SERVER_BIN"

# A private venv keeps Schemathesis and its dependencies out of the system Python; it is reused while it
# holds the pinned version, so only the first run downloads anything.
if [[ "$("$venv/bin/schemathesis" --version 2>/dev/null || true)" != *"version $SCHEMATHESIS_VERSION" ]]; then
  printf 'fuzz: installing schemathesis %s into %s\n' "$SCHEMATHESIS_VERSION" "$venv"
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
fi

work="$(mktemp -d)"
server_pid=""
stop_server() {
  [[ -n "$server_pid" ]] || return 0
  # SIGTERM lets the server drain and hand running jobs back; it waits up to 20 s for the renderer.
  kill -TERM "$server_pid" 2>/dev/null || true
  for _ in $(seq 250); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  server_pid=""
}
cleanup() { stop_server; rm -rf "$work"; }
trap cleanup EXIT

# A clean environment, so no provider key, DATABASE_URL, sign-in setting or PIXEL_CONFIG of the caller's
# reaches the server: single-owner mode on SQLite with only the offline renderer, which makes no network
# calls whatever the fuzzer sends. The working directory is the empty temp dir so no ./pixel.toml is read.
# Port 0 lets the kernel pick a free port with no race; the server logs the address it got.
(
  cd "$work"
  exec env -i PATH="$PATH" HOME="$HOME" \
    PIXEL_BIND=127.0.0.1:0 PIXEL_DATA_DIR="$work/data" PIXEL_UI_DIR="$work/no-ui" \
    PIXEL_WORKERS=1 PIXEL_LOG=info \
    "$bin" serve
) > "$work/server.log" 2>&1 &
server_pid=$!

base=""
for _ in $(seq 300); do
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log" >&2; fail "the server exited at start"; }
  base="$(grep -o -m1 'listening on http://127\.0\.0\.1:[0-9]*' "$work/server.log" | sed 's/^listening on //' || true)"
  [[ -n "$base" ]] && curl -sf "$base/healthz" >/dev/null && break
  base=""
  sleep 0.1
done
[[ -n "$base" ]] || { cat "$work/server.log" >&2; fail "the server did not answer /healthz within 30 s"; }
printf 'fuzz: server %s at %s, schemathesis %s, %s examples, seed %s\n' \
  "$bin" "$base" "$SCHEMATHESIS_VERSION" "$max_examples" "$seed"

mkdir -p "$report_dir"
status=0
# Requests go to 127.0.0.1:PORT, so the Host header is one the server answers as; Schemathesis sends no
# Origin, and every operation body is declared application/json, which the guard requires.
# /api/events is a WebSocket: OpenAPI describes only its handshake, which a plain GET cannot make (it
# is answered 400, as documented), so it is left to the WebSocket tests in crates/pixel-server/tests.
# The Hypothesis example database is off so nothing is written to the working directory and a run
# depends only on the seed. Two workers: the machine has two cores and the server needs one.
"$venv/bin/schemathesis" --config-file "$here/schemathesis.toml" run "$base/api/openapi.json" \
  --url "$base" \
  --phases examples,coverage,fuzzing,stateful \
  --checks all \
  --mode all \
  --max-examples "$max_examples" \
  --seed "$seed" \
  --workers 2 \
  --request-timeout 30 \
  --generation-database none \
  --exclude-path /api/events \
  --no-color \
  --report junit --report-junit-path "$report_dir/junit.xml" \
  "$@" 2>&1 | tee "$work/schemathesis.log" || status=$?

stop_server
if [[ -s "$work/server.log" ]] && grep -q -E 'panicked|ERROR' "$work/server.log"; then
  printf '\nfuzz: the server logged errors:\n' >&2
  grep -E 'panicked|ERROR' "$work/server.log" | tail -n 20 >&2
fi

# Schemathesis closes with a line like "=== 25 passed, 3 failed in 61.20s ===" (or "No issues found
# in ..."): repeat it last so a CI log shows the outcome at the bottom.
summary="$(grep -E '^=+ .* in [0-9.]+s =+$|No issues found' "$work/schemathesis.log" | tail -n 1 || true)"
printf '\nfuzz: %s\n' "${summary:-no summary line from schemathesis (exit $status)}"
printf 'fuzz: JUnit report at %s\n' "$report_dir/junit.xml"
exit "$status"
