#!/usr/bin/env bash
# Runs the browser end-to-end tests against the real server: builds it, starts it on a free loopback port
# with a fresh data dir, the built UI, charging on and the OpenAI and Runway loopback fakes, then runs
# node --test.
# Arguments, when given, name the test files to run (default: all of them).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/pixel-studio/target}"
# The same targets and features as `cargo test --workspace`, so after the tests this builds nothing.
cargo build -q --workspace --all-targets
data="$(mktemp -d)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$data"; }
trap cleanup EXIT
"$CARGO_TARGET_DIR/debug/fake-openai" > "$data/fake.url" &
pids+=($!)
"$CARGO_TARGET_DIR/debug/fake-runway" > "$data/runway.url" &
pids+=($!)
for _ in $(seq 100); do [[ -s "$data/fake.url" && -s "$data/runway.url" ]] && break; sleep 0.05; done
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
# The test command's Stripe service exports its settings: this server sells nothing.
env -u STRIPE_SECRET_KEY -u STRIPE_WEBHOOK_SECRET -u STRIPE_API_BASE \
  PIXEL_DATA_DIR="$data/server" PIXEL_BIND="127.0.0.1:$port" PIXEL_UI_DIR="$root/ui/dist" \
  PIXEL_CHARGING=on PIXEL_STARTING_CREDITS=20 PIXEL_ENGAGEMENT=off PIXEL_RETRY_BASE_MS=200 PIXEL_LOG=warn \
  OPENAI_API_KEY=sk-test-pixel OPENAI_BASE_URL="$(cat "$data/fake.url")" \
  RUNWAY_API_KEY=runway-test-key RUNWAY_BASE_URL="$(cat "$data/runway.url")" \
  "$CARGO_TARGET_DIR/debug/pixel-studio-server" > "$data/server.log" 2>&1 &
pids+=($!)
for _ in $(seq 200); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.05; done
PIXEL_E2E_URL="http://127.0.0.1:$port" node --test "${@:-tests/e2e-browser/}" || { tail -n 50 "$data/server.log"; exit 1; }
