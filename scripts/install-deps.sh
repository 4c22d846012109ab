#!/usr/bin/env bash
# Installs what building and testing Pixel Studio needs on Debian/Ubuntu: the workplace's shared script
# when it sits beside the checkout (../shared), otherwise the same packages by name. Idempotent.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
shared="$root/../shared/ci/install-system-deps.sh"
# Beyond the shared list: a keychain (GNOME Keyring + secret-tool) so the desktop's keychain test runs.
extra=(gnome-keyring libsecret-tools)

# Installs those of the given Debian packages that are missing; returns apt's status.
install_missing() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null | grep -q installed || missing+=("$p")
  done
  ((${#missing[@]})) || return 0
  local sudo_cmd=""; [[ $(id -u) -ne 0 ]] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq || true
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

if [[ -f "$shared" ]]; then
  bash "$shared"
  if command -v apt-get >/dev/null 2>&1; then
    install_missing "${extra[@]}" ||
      echo "install-deps: could not install ${extra[*]}; the desktop keychain test will be skipped" >&2
  fi
elif command -v apt-get >/dev/null 2>&1; then
  install_missing build-essential pkg-config file curl cmake mold libssl-dev libcurl4-openssl-dev \
    libwebkit2gtk-4.1-dev libgtk-3-dev libsoup-3.0-dev libjavascriptcoregtk-4.1-dev \
    libayatana-appindicator3-dev librsvg2-dev libxdo-dev xvfb xauth webkit2gtk-driver \
    fonts-dejavu-core imagemagick chromium nodejs npm "${extra[@]}"
else
  echo "install-deps: not a Debian system; install a C toolchain, pkg-config, mold, Node.js 20 and npm yourself" >&2
fi
command -v cargo >/dev/null || { echo "install-deps: Rust is missing: install it from https://rustup.rs" >&2; exit 1; }
