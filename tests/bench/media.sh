#!/usr/bin/env bash
# Media pipeline per 1024x1024 image (decode, 512 px WebP thumbnail, 16 px placeholder): the Rust pipeline
# (criterion) beside sharp (libvips, one thread) on the same illustration-like image, with the ratio.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/pixel-studio/target}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cargo build -q --release -p pixel-server --bin pixel-studio-server
PIXEL_DATA_DIR="$work/data" PIXEL_LOG=warn "$CARGO_TARGET_DIR/release/pixel-studio-server" generate \
  --prompt "a lighthouse on a cliff over a blue ocean at sunset" --size 1024x1024 --seed 7 --out "$work/out" >/dev/null
image="$(ls "$work"/out/*.png | head -1)"
(cd tests/bench && npm install --no-audit --no-fund --silent >/dev/null)
sharp_json="$(node tests/bench/sharp-media.mjs "$image" 60)"
PIXEL_BENCH_IMAGE="$image" cargo bench -q -p pixel-infra --bench media_pipeline -- --noplot 2>&1 | tee "$work/criterion.txt" | grep -E "time:" || true
rust_ms="$(python3 - "$work/criterion.txt" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
m = re.search(r"time:\s+\[\S+ \S+ (\S+) (\S+) \S+ \S+\]", text)
v, unit = float(m.group(1)), m.group(2)
print(v * {"ns": 1e-6, "µs": 1e-3, "us": 1e-3, "ms": 1.0, "s": 1e3}[unit])
PY
)"
python3 - "$rust_ms" "$sharp_json" <<'PY'
import json, sys
rust = float(sys.argv[1]); sharp = json.loads(sys.argv[2])["mean_ms"]
print(f"media pipeline 1024x1024 PNG -> 512 WebP + 16 px placeholder: rust {rust:.1f} ms, sharp {sharp:.1f} ms, ratio {rust / sharp:.2f}x (aim <= 0.6x)")
PY
