#!/usr/bin/env bash
# Peak-memory growth of a running server while four small PNGs claiming 16384x8192 pixels each (a
# decompression bomb: 0.5 GiB of RGBA apiece if decoded) are sent at once to records.import and four more
# to images.publish. Reads VmHWM (the process's peak resident set) from /proc/<pid>/status before and
# after. Aim: growth under 256 MiB.   Usage: bash tests/bench/decode-bomb.sh
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/pixel-studio/target}"
work="$(mktemp -d)"
pid=""
cleanup() { [[ -n "$pid" ]] && kill "$pid" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
cargo build -q --release -p pixel-server --bin pixel-studio-server
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
PIXEL_DATA_DIR="$work/data" PIXEL_BIND="127.0.0.1:$port" PIXEL_LOG=warn \
  "$CARGO_TARGET_DIR/release/pixel-studio-server" serve >"$work/server.log" 2>&1 &
pid=$!
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done

python3 - "$work" <<'PY'
import base64, json, struct, sys, zlib
def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
# The header claims 16384x8192 RGBA; about half a megabyte of compressed zero rows follows, as a real
# bomb carries, so the file looks like an image until its pixels are needed.
ihdr = struct.pack(">IIBBBBB", 16384, 8192, 8, 6, 0, 0, 0)
rows = zlib.compress(b"\0" * (1 + 16384 * 4) * 64, 9) * 120
text = b"parameters\0a castle\nSteps: 20, Sampler: Euler a, CFG scale: 7, Seed: 42, Size: 16384x8192, Model: sdxl"
png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"tEXt", text) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")
b64 = base64.b64encode(png).decode()
record = {"provider": "a1111", "model": "a1111", "provider_model": "sdxl",
          "params": {"prompt": "a castle", "model": "a1111", "width": 1024, "height": 1024},
          "seed": 42, "cost": 0, "attempts": 1,
          "timings": {"queued_at": 1, "started_at": 2, "finished_at": 3, "provider_ms": 1, "processing_ms": 1},
          "retried_errors": [], "set_id": "s", "job_id": "j", "index": 0}
open(sys.argv[1] + "/import.json", "w").write(json.dumps({"png_base64": b64}))
open(sys.argv[1] + "/publish.json", "w").write(json.dumps({"image_base64": b64, "record": record}))
print(f"bomb: {len(png)} bytes claiming 16384x8192 RGBA ({16384 * 8192 * 4 >> 20} MiB decoded)", file=sys.stderr)
PY

hwm() { awk '/VmHWM/ { print $2 }' "/proc/$pid/status"; }
before="$(hwm)"
for op in records.import images.publish; do
  body="$work/${op#*.}.json"
  for i in 1 2 3 4; do
    curl -s -o "$work/$op.$i.out" -w "$op %{http_code}\n" -H 'content-type: application/json' \
      --data-binary "@$body" "http://127.0.0.1:$port/api/ops/$op" &
  done
  wait $(jobs -p | grep -v "^$pid$") 2>/dev/null || true
done
sleep 0.2
after="$(hwm)"
head -c 200 "$work/images.publish.1.out"; echo
python3 - "$before" "$after" <<'PY'
import sys
b, a = int(sys.argv[1]), int(sys.argv[2])
print(f"server VmHWM before {b / 1024:.1f} MiB, after {a / 1024:.1f} MiB: growth {(a - b) / 1024:.1f} MiB (aim < 256 MiB)")
PY
