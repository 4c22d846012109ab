#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages that building and testing Pixel Studio needs. Idempotent: packages
# already installed are skipped (dpkg-query), so a second run makes no apt call and needs no network.
# The test services (PostgreSQL, the OpenID Connect provider, ...) are installed by scripts/services/.
# Usage: install-deps.sh [--list]   (--list prints the package list and exits)
set -euo pipefail

packages=(
  # toolchain for -sys crates
  build-essential pkg-config file curl cmake mold libssl-dev
  # librdkafka's cmake build includes curl/curl.h
  libcurl4-openssl-dev
  # video (crates/pixel-video): FFmpeg's libraries, encoders (libx264) and demuxers, bound by
  # ffmpeg-sys-next, whose bindgen needs libclang
  libavcodec-dev libavformat-dev libavutil-dev libswscale-dev libclang-dev
  # Tauri 2 on Linux (WebKitGTK 4.1; gtk, soup and javascriptcore come with webkit but are named here)
  libwebkit2gtk-4.1-dev libgtk-3-dev libsoup-3.0-dev libjavascriptcoregtk-4.1-dev
  libayatana-appindicator3-dev librsvg2-dev libxdo-dev
  # the desktop's end-to-end tests: virtual X server, WebKit's WebDriver (driven by tauri-driver), fonts, screenshots
  xvfb xauth webkit2gtk-driver fonts-dejavu-core imagemagick
  # browser end-to-end tests (Playwright drives Debian's Chromium)
  chromium
)
# Wanted but not required: a keychain (GNOME Keyring and secret-tool) for the desktop's keychain test,
# which is skipped without it.
optional=(gnome-keyring libsecret-tools)

if [[ "${1:-}" == "--list" ]]; then printf '%s\n' "${packages[@]}" "${optional[@]}"; exit 0; fi

# Prints those of the given packages that are not installed (one dpkg-query call).
missing() {
  local installed p
  installed="$(dpkg-query -W -f='${Package} ${db:Status-Status}\n' "$@" 2>/dev/null | awk '$2 == "installed" { print $1 }' || true)"
  for p in "$@"; do grep -qxF -- "$p" <<<"$installed" || echo "$p"; done
}

sudo_cmd=()
[[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
apt=("${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -q -o DPkg::Lock::Timeout=600
  -o Acquire::Retries=3 -o Dpkg::Use-Pty=0)
updated=""
# Installs the given packages; returns apt's status (its output goes to a log, shown on failure).
apt_install() {
  local log; log="$(mktemp)"
  if [[ -z "$updated" ]]; then "${apt[@]}" update -qq; updated=1; fi
  if "${apt[@]}" install -y -qq --no-install-recommends "$@" >"$log" 2>&1; then
    rm -f "$log"
  else
    tail -n 40 "$log" >&2; rm -f "$log"; return 1
  fi
}

install_packages() {
  if ! command -v dpkg-query >/dev/null || ! command -v apt-get >/dev/null; then
    echo "install-deps: not a Debian/Ubuntu system; install a C toolchain, pkg-config, mold, the WebKitGTK 4.1" \
      "development files, Xvfb, Chromium and Node.js 20.19+ with npm yourself" >&2
    return 0
  fi
  local need want
  mapfile -t need < <(missing "${packages[@]}")
  # Node.js and npm: any installation will do (Debian's nodejs, NodeSource's, nvm's ...), so they are
  # checked by command, not by package; the sign-in tests' provider needs Node.js 20.19 or later.
  command -v node >/dev/null || need+=(nodejs)
  command -v npm >/dev/null || need+=(npm)
  mapfile -t want < <(missing "${optional[@]}")

  if ((${#need[@]} == 0 && ${#want[@]} == 0)); then
    echo "install-deps: all $((${#packages[@]} + ${#optional[@]})) packages already installed"
    return 0
  fi
  if ((${#need[@]})); then
    echo "install-deps: installing ${#need[@]} missing: ${need[*]}"
    apt_install "${need[@]}" || { echo "install-deps: apt-get install failed" >&2; return 1; }
  fi
  if ((${#want[@]})); then
    echo "install-deps: installing ${#want[@]} optional: ${want[*]}"
    apt_install "${want[@]}" ||
      echo "install-deps: could not install ${want[*]}; the desktop keychain test will be skipped" >&2
  fi
  echo "install-deps: done"
}

install_packages
# Rust does not come from apt: rustup installs it.
command -v cargo >/dev/null || { echo "install-deps: Rust is missing: install it from https://rustup.rs" >&2; exit 1; }
