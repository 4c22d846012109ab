#!/usr/bin/env bash
# Desktop benchmark: cold start to the first painted frame, and idle memory, of the Pixel Studio app
# beside an empty Tauri 2 app (tests/bench/empty-tauri: one window, a static page), both release
# builds, measured the same way in the same run under Xvfb, alternating, RUNS times each.
#
# First painted frame: desktop-firstpaint.c forks+execs the app and grabs the window's content area
# (below where Pixel Studio's menu bar sits) from the X screen every 2 ms until it shows at least
# MIN_COLOURS distinct colours, i.e. rendered text or images rather than a blank surface. For Pixel
# Studio that is the React UI's first frame (its HTML is empty until the JS runs), so it includes
# loading the UI's code; the empty app's page is static text.
# Idle memory: IDLE_SECS after that frame, PSS summed from /proc/<pid>/smaps_rollup over the app and
# all its descendants (the WebKit web and network processes).
# Both apps start on a data dir that exists (one warm-up start each, not counted): a returning
# user's start, with the binaries in the page cache.
#
#   bash tests/bench/desktop.sh            # RUNS=7 IDLE_SECS=5
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/pixel-studio/target}"
runs="${RUNS:-7}"
idle="${IDLE_SECS:-5}"
min_colours="${MIN_COLOURS:-16}"

echo "== build (release)" >&2
[[ -d ui/dist ]] || npm --prefix ui run build >&2
cargo build --release -p pixel-desktop >&2
# The empty app is its own workspace; the product's lock file pins the same Tauri versions.
cp Cargo.lock tests/bench/empty-tauri/Cargo.lock
cargo build --release --manifest-path tests/bench/empty-tauri/Cargo.toml >&2
pixel="$CARGO_TARGET_DIR/release/pixel-studio"
empty="$CARGO_TARGET_DIR/release/empty-tauri"

tmp="$(mktemp -d)"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT
gcc -O2 -Wall -o "$tmp/firstpaint" tests/bench/desktop-firstpaint.c -lX11

Xvfb -displayfd 3 -screen 0 1440x960x24 -nolisten tcp 3>"$tmp/display" 2>"$tmp/xvfb.log" &
pids+=($!)
for _ in $(seq 100); do [[ -s "$tmp/display" ]] && break; sleep 0.05; done
export DISPLAY=":$(cat "$tmp/display")"
export WEBKIT_DISABLE_COMPOSITING_MODE=1 WEBKIT_DISABLE_DMABUF_RENDERER=1 PIXEL_LOG=warn
unset DBUS_SESSION_BUS_ADDRESS

# The app's pid and every descendant's.
tree() {
  local all=("$1") i=0
  while ((i < ${#all[@]})); do
    for c in $(cat /proc/"${all[$i]}"/task/*/children 2>/dev/null); do all+=("$c"); done
    i=$((i + 1))
  done
  echo "${all[@]}"
}
pss_mib() {
  local kib=0 v
  for p in $(tree "$1"); do
    v=$(awk '/^Pss:/ {print $2}' /proc/"$p"/smaps_rollup 2>/dev/null || echo 0)
    kib=$((kib + ${v:-0}))
  done
  awk -v k="$kib" 'BEGIN { printf "%.1f", k / 1024 }'
}
stop() {
  local procs
  procs=$(tree "$1")
  kill $procs 2>/dev/null || true
  for _ in $(seq 100); do kill -0 "$1" 2>/dev/null || break; sleep 0.05; done
  kill -9 $procs 2>/dev/null || true
}

# One start: prints "<ms> <MiB>".
measure() {
  local name="$1" bin="$2" home="$tmp/home-$1" out pid ms
  mkdir -p "$home" "$tmp/run-$name" && chmod 700 "$tmp/run-$name"
  # Window content area: x 0..1280, below a menu bar (y >= 40) to y 800 on both apps.
  out=$(HOME="$home" XDG_DATA_HOME="$home/.local/share" XDG_CONFIG_HOME="$home/.config" \
    XDG_CACHE_HOME="$home/.cache" XDG_RUNTIME_DIR="$tmp/run-$name" \
    "$tmp/firstpaint" 0 40 1280 760 "$min_colours" 30000 -- "$bin")
  pid=${out%% *}
  ms=${out#* }
  sleep "$idle"
  echo "$ms $(pss_mib "$pid")"
  stop "$pid"
}

for app in pixel empty; do
  bin=$pixel; [[ $app == empty ]] && bin=$empty
  measure "$app" "$bin" >/dev/null # warm-up: creates the data dir
done
: >"$tmp/pixel.txt"; : >"$tmp/empty.txt"
for i in $(seq "$runs"); do
  for app in pixel empty; do
    bin=$pixel; [[ $app == empty ]] && bin=$empty
    r=$(measure "$app" "$bin")
    echo "run $i $app: first frame ${r% *} ms, idle PSS ${r#* } MiB" >&2
    echo "$r" >>"$tmp/$app.txt"
  done
done

median() { sort -n | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }
p_ms=$(cut -d' ' -f1 "$tmp/pixel.txt" | median); e_ms=$(cut -d' ' -f1 "$tmp/empty.txt" | median)
p_mem=$(cut -d' ' -f2 "$tmp/pixel.txt" | median); e_mem=$(cut -d' ' -f2 "$tmp/empty.txt" | median)
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
r_ms=$(ratio "$p_ms" "$e_ms"); r_mem=$(ratio "$p_mem" "$e_mem")
size_p=$(du -m "$pixel" | cut -f1); size_e=$(du -m "$empty" | cut -f1)
echo
echo "desktop, median of $runs starts each (Xvfb, release builds, idle ${idle}s):"
printf '  first painted frame: Pixel Studio %s ms, empty Tauri %s ms -> %sx (aim <= 1.3x)\n' "$p_ms" "$e_ms" "$r_ms"
printf '  idle memory (PSS, app + WebKit): Pixel Studio %s MiB, empty Tauri %s MiB -> %sx (aim <= 1.25x)\n' "$p_mem" "$e_mem" "$r_mem"
printf '  binary: Pixel Studio %s MiB, empty Tauri %s MiB\n' "$size_p" "$size_e"
mkdir -p tests/bench/results
cat >tests/bench/results/desktop.json <<JSON
{"runs": $runs, "idle_secs": $idle, "first_frame_ms": {"pixel_studio": $p_ms, "empty_tauri": $e_ms, "ratio": $r_ms},
 "idle_pss_mib": {"pixel_studio": $p_mem, "empty_tauri": $e_mem, "ratio": $r_mem},
 "binary_mib": {"pixel_studio": $size_p, "empty_tauri": $size_e}}
JSON
