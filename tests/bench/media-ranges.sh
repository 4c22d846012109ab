#!/usr/bin/env bash
# Serving a 1 GiB file by ranges (issue 30): the release server's peak resident memory growth while a
# client reads one 1 GiB original whole, then in 16 MiB ranges, then with 4 range readers at once.
# The file is an offline render's original replaced on disk by 1 GiB (sparse: no disk is used).
# Aim: peak growth under 64 MiB. Env: SERVER (a pixel-studio-server binary; default: build release).
set -euo pipefail
cd "$(dirname "$0")/../.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/pixel-studio/target}"
if [ -z "${SERVER:-}" ]; then
  cargo build --release -q -p pixel-server --bin pixel-studio-server
  SERVER="$CARGO_TARGET_DIR/release/pixel-studio-server"
fi
data=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"
PIXEL_BIND="127.0.0.1:$port" PIXEL_DATA_DIR="$data" PIXEL_UI_DIR="$data/no-ui" PIXEL_LOG=warn "$SERVER" &
pid=$!
trap 'kill $pid 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 100); do curl -sf "$base/healthz" >/dev/null && break; sleep 0.1; done
curl -sf -X POST "$base/api/ops/generations.create" -H 'content-type: application/json' \
  -d '{"prompt":"a lighthouse","model":"local-sketch","width":256,"height":256,"seed":1}' >/dev/null
image=""
for _ in $(seq 100); do
  image=$(curl -sf -X POST "$base/api/ops/images.list" -H 'content-type: application/json' -d '{}' |
    python3 -c 'import json,sys; i=json.load(sys.stdin)["images"]; print(i[0]["id"]+" "+i[0]["sha256"] if i else "")')
  [ -n "$image" ] && break
  sleep 0.2
done
read -r id sha <<<"$image"
file=$(find "$data" -type f -name "$sha" | head -1)
rm "$file" && truncate -s 1G "$file"
kib() { awk -v k="$1" '$1==k":" {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0; }
before=$(kib VmRSS)
# The peak is sampled every 20 ms (VmHWM would include the render that made the image).
(peak=0; while kill -0 $pid 2>/dev/null; do
   now=$(kib VmRSS); [ "${now:-0}" -gt "$peak" ] && peak=$now && echo "$peak" > "$data/peak"
   sleep 0.02
 done) &
sampler=$!
start=$(date +%s.%N)
failed=0
curl -sf -o /dev/null "$base/media/$id/original" || failed=$((failed + 1))
step=$((16 * 1024 * 1024))
for ((at = 0; at < 1024 * 1024 * 1024; at += step)); do
  curl -sf -o /dev/null -r "$at-$((at + step - 1))" "$base/media/$id/original" || failed=$((failed + 1))
done
readers=()
for r in 0 1 2 3; do
  (for ((at = r * step; at < 1024 * 1024 * 1024; at += 4 * step)); do
     curl -sf -o /dev/null -r "$at-$((at + step - 1))" "$base/media/$id/original" || exit 1
   done) &
  readers+=($!)
done
for r in "${readers[@]}"; do wait "$r" || failed=$((failed + 1)); done
secs=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN {printf "%.1f", b - a}')
alive=yes; kill -0 $pid 2>/dev/null || alive="no (it died)"
kill $sampler 2>/dev/null || true
peak=$(cat "$data/peak" 2>/dev/null || echo 0)
echo "served one 1 GiB original whole, in 64 ranges of 16 MiB, then by 4 range readers at once in ${secs}s; failed requests: $failed; server alive: $alive"
echo "server resident before ${before} KiB, peak ${peak} KiB: growth $(( (peak - before) / 1024 )) MiB (aim < 64 MiB)"
