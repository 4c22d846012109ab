#!/usr/bin/env bash
# The library's reads at scale (issue 13): a seeded SQLite library whose first user has about N images
# (LIBRARY_IMAGES, default 100,000), read through the product's operations — the newest page of 60, search
# (a common word, a rare one, two words), a model, a week of dates, and "select all matching" (images.ids,
# up to 10,000 ids) under each — p50 and p99 over many calls. PROFILE=debug measures the debug build (its
# dependencies, SQLite among them, are optimised there too).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/pixel-studio/target}"
profile="${PROFILE:-release}"
bin="$CARGO_TARGET_DIR/$profile"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cargo build -q --profile "$( [ "$profile" = debug ] && echo dev || echo "$profile" )" -p pixel-bench --bin pixel-bench
n="${LIBRARY_IMAGES:-100000}"
summary='
import json, sys
r = json.load(sys.stdin)
print("library of %d images (%s)" % (r["library_images"], sys.argv[1]))
for t in r["reads"]:
    print("  %-52s %6d answered   p50 %7.2f ms   p99 %7.2f ms" % (t["read"], t["answered"], t["p50_ms"], t["p99_ms"]))'
# DBS: sqlite, and postgres when PIXEL_BENCH_POSTGRES names a server whose user may create databases
# (e.g. the one scripts/services/postgres.sh starts); a fresh database is made there and dropped after.
for dbkind in ${DBS:-sqlite}; do
  case "$dbkind" in
    sqlite) url="sqlite://$work/lib.db" ;;
    postgres)
      base="${PIXEL_BENCH_POSTGRES:?set PIXEL_BENCH_POSTGRES=postgres://user:pass@host:port}"
      name="pixel_library_bench_$$"
      psql "$base/postgres" -qc "CREATE DATABASE $name"
      trap 'psql "$base/postgres" -qc "DROP DATABASE IF EXISTS $name" >/dev/null 2>&1; rm -rf "$work"' EXIT
      url="$base/$name" ;;
  esac
  start=$(date +%s)
  # The seed gives its first user about three quarters of the images.
  "$bin/pixel-bench" seed --database-url "$url" --users 2 --images $(( n * 4 / 3 )) --likes 0 \
    --tokens 0 --days 365 >/dev/null 2>&1
  echo "seeded $dbkind in $(( $(date +%s) - start )) s"
  PIXEL_LOG=warn "$bin/pixel-bench" library --database-url "$url" --media-dir "$work/media" \
    --calls "${CALLS:-100}" | python3 -c "$summary" "$dbkind"
done
