#!/usr/bin/env bash
# The desktop app's checks: builds the workspace with the desktop's one feature set (the same
# `cargo test --workspace` resolves, so nothing is compiled twice), runs the desktop crate's Rust
# tests, installs tauri-driver once into ~/.cache/pixel-studio/bin, and runs the end-to-end test
# (tests/e2e-desktop: the app under Xvfb through tauri-driver + WebKitWebDriver).
#   bash scripts/test-desktop.sh                 # everything (builds the UI first)
#   bash scripts/test-desktop.sh --after-workspace-tests
#                                                # from scripts/test.sh: the UI is built and
#                                                # `cargo test --workspace` already ran the Rust tests
# The Linux .deb (a release build) is built with PIXEL_DESKTOP_DEB=1 (a release): it re-checks the
# bundle configuration only, and costs 6 min after a change and 10+ min cold, which kept `.ci/run` over its
# 8-minute warm budget; see src-tauri/README.md.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/pixel-studio/target}"
export CARGO_TERM_COLOR=never
cache="$HOME/.cache/pixel-studio"
after_workspace_tests=false
[[ "${1:-}" == "--after-workspace-tests" ]] && after_workspace_tests=true
step() { printf '\n==> desktop: %s (%ss)\n' "$1" "$SECONDS"; }
# One feature set for every build of the workspace (BUILD.md): keep this identical between runs.
features=(--workspace --all-targets --features pixel-desktop/custom-protocol)

if ! $after_workspace_tests; then
  step "ui build (embedded in the app)"
  [[ -d ui/node_modules ]] || npm --prefix ui ci --no-audit --no-fund
  npm --prefix ui run build
fi

step "build"
cargo build "${features[@]}"

if ! $after_workspace_tests; then
  step "rust tests (pixel-desktop)"
  # The desktop crate's test binaries from the same build, run directly: `cargo test -p` would
  # resolve features differently and rebuild the GTK/WebKit subtree.
  mapfile -t bins < <(cargo test "${features[@]}" --no-run --message-format=json 2>/dev/null |
    node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{for(const l of s.split("\n")){if(!l.startsWith("{"))continue;const m=JSON.parse(l);if(m.reason==="compiler-artifact"&&m.executable&&m.profile.test&&m.target.src_path.includes("/src-tauri/"))console.log(m.executable)}})')
  ((${#bins[@]})) || { echo "no pixel-desktop test binaries found" >&2; exit 1; }
  for b in "${bins[@]}"; do (cd src-tauri && "$b"); done
fi

step "tauri-driver"
if [[ ! -x "$cache/bin/tauri-driver" ]]; then
  # Its own build dir: the workspace target dir's lock must not wait on it.
  env -u CARGO_TARGET_DIR cargo install tauri-driver --version '^2' --locked --root "$cache"
fi

step "end to end (Xvfb + tauri-driver + WebKitWebDriver)"
bash tests/e2e-desktop/run.sh "$CARGO_TARGET_DIR/debug/pixel-studio"

if [[ "${PIXEL_DESKTOP_DEB:-0}" == 1 ]]; then
  step "linux .deb bundle"
  [[ -x src-tauri/node_modules/.bin/tauri ]] || npm --prefix src-tauri ci --no-audit --no-fund
  node src-tauri/tauri.mjs build --bundles deb --ci
  ls -l "$CARGO_TARGET_DIR"/release/bundle/deb/*.deb
fi
step "desktop checks passed"
