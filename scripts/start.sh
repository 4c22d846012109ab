#!/usr/bin/env bash
# One command from a fresh checkout to a running server: installs system packages, builds the web UI and
# the server (release), and serves on http://127.0.0.1:8080 with the embedded defaults (SQLite, local files,
# the offline renderer). Extra arguments go to `pixel-studio-server`.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/pixel-studio/target}"
bash scripts/install-deps.sh
if [[ -f ui/package.json ]]; then
  (cd ui && npm ci --no-audit --no-fund && npm run build)
fi
cargo build --release -p pixel-server --bin pixel-studio-server
export PIXEL_UI_DIR="${PIXEL_UI_DIR:-$root/ui/dist}"
exec "$CARGO_TARGET_DIR/release/pixel-studio-server" "$@"
