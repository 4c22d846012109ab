#!/usr/bin/env bash
# One command from a fresh checkout to every test: installs system packages, starts the real services the
# tests use (PostgreSQL, an OpenID Connect provider; a Kafka-protocol broker, S3 and a Stripe fake,
# each smoke-tested), checks formatting and lints, runs the Rust suites (SQLite and PostgreSQL), fuzzes the API against its OpenAPI document, the UI's
# type check, unit tests and build, and the browser end-to-end tests against the real server.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/pixel-studio/target}"
export CARGO_TERM_COLOR=never
services="$root/scripts/services"
step() { printf '\n==> %s (%ss)\n' "$1" "$SECONDS"; }
fail() { printf '\ntest.sh: %s\n' "$*" >&2; exit 1; }

step "system packages"
bash scripts/install-deps.sh

step "services"
# The real servers the tests use, from scripts/services/ (PostgreSQL; an OpenID Connect provider with
# Google-like claims that approves at once). Each is installed if missing and started unless one of
# ours is already running (that one is used and left running); what this run started stops on exit.
started=()
stop_services() {
  local s
  for s in "${started[@]}"; do bash "$services/$s.sh" stop >/dev/null 2>&1 || true; done
}
trap stop_services EXIT
# use_service NAME VARIABLE: exports the connection variables of a running NAME, or fails saying why.
use_service() {
  local svc="$1" var="$2" out
  bash "$services/$svc.sh" install >/dev/null ||
    fail "could not install $svc (scripts/services/$svc.sh install, output above); or set $var to a server of your own"
  if bash "$services/$svc.sh" status >/dev/null 2>&1; then
    out="$(bash "$services/$svc.sh" env)" || fail "$svc is running but scripts/services/$svc.sh env failed"
  else
    started+=("$svc")
    out="$(bash "$services/$svc.sh" start)" ||
      fail "could not start $svc (scripts/services/$svc.sh start, output above); or set $var to a server of your own"
  fi
  eval "$out"
}
if [[ -z "${PIXEL_TEST_POSTGRES_URL:-}" ]]; then
  use_service postgres PIXEL_TEST_POSTGRES_URL
  export PIXEL_TEST_POSTGRES_URL="$DATABASE_URL"
  # The app reads DATABASE_URL too: tests choose their database themselves.
  unset DATABASE_URL
fi
if [[ -z "${OIDC_ISSUER:-}" ]]; then
  use_service oidc OIDC_ISSUER
fi
# The servers of the scale-out and money work (a Kafka-protocol broker, an S3-compatible store that
# verifies SigV4, a Stripe fake): each is installed, started and checked end to end by its smoke test,
# so a clone proves it can run them before any test depends on them.
[[ -n "${KAFKA_BROKERS:-}" ]] || use_service kafka KAFKA_BROKERS
[[ -n "${S3_ENDPOINT:-}" ]] || use_service s3 S3_ENDPOINT
[[ -n "${STRIPE_API_BASE:-}" ]] || use_service stripe STRIPE_API_BASE
for svc in kafka s3 stripe; do
  bash "$services/$svc.sh" smoke || fail "the $svc smoke test failed (scripts/services/$svc.sh smoke, output above)"
done

if [[ -f ui/package.json ]]; then
  step "ui: install, type check, unit tests, build"
  (cd ui && npm ci --no-audit --no-fund && npm run typecheck && npm test && npm run build)
fi

step "rust: format"
cargo fmt --all --check

step "rust: build with lints"
# One build for lints and tests: clippy-driver wraps rustc for the workspace's own crates (what
# `cargo clippy` does), so the test build reports every clippy lint and warning as an error, and the
# dependencies are compiled once instead of once in check mode for clippy and again for the tests.
# Exported, so the browser and desktop steps build with the same fingerprints and rebuild nothing.
clippy_driver="$(rustup which clippy-driver 2>/dev/null || command -v clippy-driver || true)"
[[ -n "$clippy_driver" ]] || fail "clippy is missing: rustup component add clippy"
export RUSTC_WORKSPACE_WRAPPER="$clippy_driver"
export CLIPPY_ARGS="-D__CLIPPY_HACKERY__warnings__CLIPPY_HACKERY__"
cargo test --workspace --all-targets --no-run

step "rust: tests (SQLite and PostgreSQL)"
cargo test --workspace

step "api: the server against its OpenAPI document (Schemathesis)"
# Every operation, every phase, a fixed seed: any disagreement between the document and the server fails.
bash tests/fuzz/run.sh

if [[ -f tests/e2e-browser/run.sh ]]; then
  step "browser end-to-end"
  bash tests/e2e-browser/run.sh
fi
bash scripts/test-desktop.sh --after-workspace-tests
step "all tests passed"
