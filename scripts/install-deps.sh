#!/usr/bin/env bash
# Installs what building and testing Pixel Studio needs on Debian/Ubuntu: the workplace's shared script
# when it sits beside the checkout (../shared), otherwise the same packages by name. Idempotent.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
shared="$root/../shared/ci/install-system-deps.sh"
# Beyond the shared list: a keychain (GNOME Keyring + secret-tool) so the desktop's keychain test runs.
extra=(gnome-keyring libsecret-tools)
if [[ -f "$shared" ]]; then
  bash "$shared"
  if command -v apt-get >/dev/null 2>&1; then
    missing=()
    for p in "${extra[@]}"; do
      dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null | grep -q installed || missing+=("$p")
    done
    if ((${#missing[@]})); then
      sudo_cmd=""; [[ $(id -u) -ne 0 ]] && sudo_cmd="sudo"
      $sudo_cmd apt-get update -qq || true
      DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" ||
        echo "install-deps: could not install ${missing[*]}; the desktop keychain test will be skipped" >&2
    fi
  fi
elif command -v apt-get >/dev/null 2>&1; then
  pkgs=(build-essential pkg-config file curl cmake mold libssl-dev libcurl4-openssl-dev
        libwebkit2gtk-4.1-dev libgtk-3-dev libsoup-3.0-dev libjavascriptcoregtk-4.1-dev
        libayatana-appindicator3-dev librsvg2-dev libxdo-dev xvfb xauth webkit2gtk-driver
        fonts-dejavu-core imagemagick chromium nodejs npm "${extra[@]}")
  missing=()
  for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null | grep -q installed || missing+=("$p")
  done
  if ((${#missing[@]})); then
    sudo_cmd=""; [[ $(id -u) -ne 0 ]] && sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}"
  fi
else
  echo "install-deps: not a Debian system; install a C toolchain, pkg-config, mold, Node.js 20 and npm yourself" >&2
fi
command -v cargo >/dev/null || { echo "install-deps: Rust is missing: install it from https://rustup.rs" >&2; exit 1; }
