#!/usr/bin/env bash
# Runs the desktop end-to-end tests: the built app (target/debug/pixel-studio, self-contained with
# ui/dist) under Xvfb, driven by tauri-driver + WebKitWebDriver, with a fresh HOME so the library,
# window state and WebKit data start empty and nothing touches the user's session (no D-Bus: no
# keychain, no single-instance hand-off). When GNOME Keyring is installed, a second pass runs
# keychain.test.mjs inside a private D-Bus session with an unlocked keyring (a real Secret Service).
# Expects the app built; scripts/test-desktop.sh builds it.
# Usage: run.sh [path/to/pixel-studio]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
target="${CARGO_TARGET_DIR:-$HOME/.cache/pixel-studio/target}"
app="${1:-$target/debug/pixel-studio}"
driver="${TAURI_DRIVER:-$HOME/.cache/pixel-studio/bin/tauri-driver}"

# Starts tauri-driver on free ports (in the current D-Bus environment) and runs node --test on "$@".
suite() {
  local port native driver_pid status=0
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  native=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  "$driver" --port "$port" --native-port "$native" --native-driver "$(command -v WebKitWebDriver)" \
    >>"$tmp/driver.log" 2>&1 &
  driver_pid=$!
  for _ in $(seq 200); do curl -sf "http://127.0.0.1:$port/status" >/dev/null 2>&1 && break; sleep 0.05; done
  PIXEL_DESKTOP_DRIVER="http://127.0.0.1:$port" PIXEL_DESKTOP_APP="$app" \
    PIXEL_DESKTOP_DATA_DIR="$XDG_DATA_HOME/app.pixelstudio.desktop" node --test --test-concurrency=1 "$@" || status=$?
  kill "$driver_pid" 2>/dev/null || true
  wait "$driver_pid" 2>/dev/null || true
  if ((status)); then
    echo "---- tauri-driver and app log (last 60 lines) ----" >&2
    tail -n 60 "$tmp/driver.log" >&2
  fi
  return "$status"
}

if [[ "${PIXEL_E2E_KEYCHAIN_PASS:-}" == 1 ]]; then
  # The second pass, inside dbus-run-session, on the first pass's display and HOME: an unlocked
  # login keyring answers as the Secret Service.
  tmp="$PIXEL_E2E_TMP"
  echo -n "pixel-e2e" | gnome-keyring-daemon --unlock --components=secrets >/dev/null
  # The team server suite needs the keychain too (the desktop's server token lives there).
  PIXEL_DESKTOP_KEYCHAIN=1 PIXEL_SERVER_BIN="${PIXEL_SERVER_BIN:-$(dirname "$app")/pixel-studio-server}" \
    suite "$root/tests/e2e-desktop/keychain.test.mjs" "$root/tests/e2e-desktop/community.test.mjs"
  exit
fi

[[ -x "$app" ]] || { echo "e2e-desktop: no app at $app (build it first)" >&2; exit 1; }
[[ -x "$driver" ]] || { echo "e2e-desktop: no tauri-driver at $driver" >&2; exit 1; }
command -v WebKitWebDriver >/dev/null || { echo "e2e-desktop: WebKitWebDriver missing (Debian: webkit2gtk-driver)" >&2; exit 1; }
command -v Xvfb >/dev/null || { echo "e2e-desktop: Xvfb missing (Debian: xvfb)" >&2; exit 1; }

tmp="$(mktemp -d)"
xvfb_pid=""
cleanup() {
  # Keep the app's log for a look after the run.
  cp "$tmp/driver.log" "${PIXEL_E2E_LOG:-${TMPDIR:-/tmp}/pixel-desktop-e2e.log}" 2>/dev/null || true
  [[ -n "$xvfb_pid" ]] && kill "$xvfb_pid" 2>/dev/null
  wait 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

# A free display, chosen by Xvfb itself.
Xvfb -displayfd 3 -screen 0 1440x960x24 -nolisten tcp 3>"$tmp/display" 2>"$tmp/xvfb.log" &
xvfb_pid=$!
for _ in $(seq 100); do [[ -s "$tmp/display" ]] && break; sleep 0.05; done
[[ -s "$tmp/display" ]] || { cat "$tmp/xvfb.log" >&2; exit 1; }
export DISPLAY=":$(cat "$tmp/display")"

home="$tmp/home"
mkdir -p "$home/.local/share" "$home/.config" "$home/.cache" "$tmp/run"
chmod 700 "$tmp/run"
# (The keychain pass re-runs this script under the new HOME: keep the driver's path.)
export TAURI_DRIVER="$driver"
export HOME="$home" XDG_DATA_HOME="$home/.local/share" XDG_CONFIG_HOME="$home/.config" \
  XDG_CACHE_HOME="$home/.cache" XDG_RUNTIME_DIR="$tmp/run" PIXEL_E2E_TMP="$tmp"
unset DBUS_SESSION_BUS_ADDRESS
# WebKitGTK under Xvfb: no GPU compositing, no DMA-BUF renderer.
export WEBKIT_DISABLE_COMPOSITING_MODE=1 WEBKIT_DISABLE_DMABUF_RENDERER=1
export PIXEL_LOG="${PIXEL_LOG:-info}"
# Save dialogs answered with this folder (WebDriver cannot reach a native dialog); the suites read it.
mkdir -p "$tmp/saved"
export PIXEL_STUDIO_SAVE_DIR="$tmp/saved"

suite "$root/tests/e2e-desktop/"
if command -v gnome-keyring-daemon >/dev/null && command -v dbus-run-session >/dev/null; then
  # dbus-daemon's and the accessibility bus's chatter is dropped; test output stays.
  PIXEL_E2E_KEYCHAIN_PASS=1 dbus-run-session -- bash "$0" "$app" 2> >(grep -v '^dbus-daemon\|SpiRegistry' >&2)
else
  echo "e2e-desktop: keychain pass skipped (install gnome-keyring for a real Secret Service)"
fi
