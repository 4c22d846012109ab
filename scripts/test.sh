#!/usr/bin/env bash
# One command from a fresh checkout to every test: installs system packages, starts the real services the
# tests use (PostgreSQL, an OpenID Connect provider), checks formatting and lints, runs the Rust suites (SQLite and PostgreSQL), the UI's
# type check, unit tests and build, and the browser end-to-end tests against the real server.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/pixel-studio/target}"
export CARGO_TERM_COLOR=never
services="$root/../shared/services"
step() { printf '\n==> %s (%ss)\n' "$1" "$SECONDS"; }

step "system packages"
bash scripts/install-deps.sh

step "services"
started=()
stop_services() { for s in "${started[@]}"; do bash "$services/$s.sh" stop >/dev/null 2>&1 || true; done; }
trap stop_services EXIT
if [[ -z "${PIXEL_TEST_POSTGRES_URL:-}" ]]; then
  if [[ -x "$services/postgres.sh" || -f "$services/postgres.sh" ]]; then
    bash "$services/postgres.sh" install >/dev/null
    if bash "$services/postgres.sh" status >/dev/null 2>&1; then
      # Someone else's instance: use it, and leave it running.
      eval "$(bash "$services/postgres.sh" env)"
    else
      eval "$(bash "$services/postgres.sh" start)"
      started+=(postgres)
    fi
    export PIXEL_TEST_POSTGRES_URL="$DATABASE_URL"
    # The app reads DATABASE_URL too: tests choose their database themselves.
    unset DATABASE_URL
  else
    echo "no ../shared/services: set PIXEL_TEST_POSTGRES_URL to a PostgreSQL server" >&2
    [[ -n "${CI:-}" ]] && exit 1
  fi
fi

# The OpenID Connect provider the sign-in tests run against (Google-like claims, auto-approves).
if [[ -z "${OIDC_ISSUER:-}" ]]; then
  if [[ -f "$services/oidc.sh" ]]; then
    bash "$services/oidc.sh" install >/dev/null
    if bash "$services/oidc.sh" status >/dev/null 2>&1; then
      eval "$(bash "$services/oidc.sh" env)"
    else
      eval "$(bash "$services/oidc.sh" start)"
      started+=(oidc)
    fi
  else
    echo "no ../shared/services: set OIDC_ISSUER to an OpenID Connect provider" >&2
    [[ -n "${CI:-}" ]] && exit 1
  fi
fi

if [[ -f ui/package.json ]]; then
  step "ui: install, type check, unit tests, build"
  (cd ui && npm ci --no-audit --no-fund && npm run typecheck && npm test && npm run build)
fi

step "rust: format and lints"
cargo fmt --all --check
cargo clippy --workspace --all-targets -- -D warnings

step "rust: tests (SQLite and PostgreSQL)"
cargo test --workspace

if [[ -f tests/e2e-browser/run.sh ]]; then
  step "browser end-to-end"
  bash tests/e2e-browser/run.sh
fi
bash scripts/test-desktop.sh --after-workspace-tests
step "all tests passed"
