#!/usr/bin/env bash
# The library export's peak memory: a seeded SQLite library whose first user has about N images, each a
# real 1024x1024 offline PNG, exported through the product's streamed zip writer into a byte counter.
# Run at 1,000 and 10,000 images (EXPORT_IMAGES): bounded memory means the peak does not grow with N.
# PROFILE=debug measures the debug build instead of the release one (no release build needed).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/pixel-studio/target}"
profile="${PROFILE:-release}"
bin="$CARGO_TARGET_DIR/$profile"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cargo build -q --profile "$( [ "$profile" = debug ] && echo dev || echo "$profile" )" -p pixel-server --bin pixel-studio-server -p pixel-bench --bin pixel-bench
PIXEL_DATA_DIR="$work/gen" PIXEL_LOG=warn "$bin/pixel-studio-server" generate \
  --prompt "a lighthouse on a cliff over a blue ocean at sunset" --size 1024x1024 --seed 7 --out "$work/out" >/dev/null
png="$(ls "$work"/out/*.png | head -1)"
echo "each image: $(stat -c %s "$png") bytes (1024x1024 offline PNG)"
summary='
import json, sys
r = json.load(sys.stdin)
mib = lambda kib: kib / 1024
print("export of %6d images: %6.0f MiB zip in %5.1f s (%.0f MiB/s); resident before %.1f MiB, peak %.1f MiB (+%.1f MiB)" % (
    r["images"], r["zip_bytes"] / 2**20, r["seconds"], r["mib_per_second"],
    mib(r["rss_before_kib"]), mib(r["peak_rss_kib"]), mib(r["peak_rss_kib"] - r["rss_before_kib"])))'
for n in ${EXPORT_IMAGES:-1000 10000}; do
  # The seed gives its first user about three quarters of the images.
  db="$work/lib-$n.db"
  "$bin/pixel-bench" seed --database-url "sqlite://$db" --users 2 --images $(( n * 4 / 3 )) --likes 0 \
    --tokens 0 --days 30 >/dev/null 2>&1
  PIXEL_LOG=warn "$bin/pixel-bench" export --database-url "sqlite://$db" --media-dir "$work/media-$n" --png "$png" \
    | python3 -c "$summary"
done
