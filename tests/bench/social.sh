#!/usr/bin/env bash
# Social reads at scale (issue 11's benchmark): seeds the data set (1,000,000 images, 100,000 users,
# 10,000,000 likes, heavy-tailed follows; COPY on PostgreSQL, batched transactions on SQLite) and reports
# how long that took; runs the release server on each database with sign-in on and the rate limits off;
# drives explore (each sort), search, feed, trending and detail through the HTTP API with closed-loop
# clients (p50/p99 and requests per second); runs the same SQL through pgbench for PostgreSQL's own rate;
# and writes EXPLAIN ANALYZE of the feed and explore queries.
#
# Env: USERS IMAGES LIKES TOKENS (scale; the issue's by default), CLIENTS (8), SECONDS_EACH (15),
# PG_SHARED_BUFFERS (2GB; PostgreSQL is restarted with it), DBS ("postgres sqlite"), RESEED=1 to seed
# again (seeded databases are kept in BENCH_DIR and reused).
# Results: tests/bench/results/social-<db>.jsonl, social-pgbench.txt, social-explain-postgres.txt.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/pixel-studio/target}"
USERS="${USERS:-100000}" IMAGES="${IMAGES:-1000000}" LIKES="${LIKES:-10000000}" TOKENS="${TOKENS:-1000}"
CLIENTS="${CLIENTS:-8}" SECONDS_EACH="${SECONDS_EACH:-15}" DBS="${DBS:-postgres sqlite}"
work="${BENCH_DIR:-$HOME/.cache/pixel-studio/bench}"
out="$root/tests/bench/results"
sql="$root/tests/bench/sql"
mkdir -p "$work" "$out"
scale=(--users "$USERS" --images "$IMAGES" --likes "$LIKES" --tokens "$TOKENS")
tag="u${USERS}_i${IMAGES}_l${LIKES}_t${TOKENS}"

cargo build --release -q -p pixel-bench -p pixel-server
bench="$CARGO_TARGET_DIR/release/pixel-bench"
server_bin="$CARGO_TARGET_DIR/release/pixel-studio-server"

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

bash scripts/services/postgres.sh install >/dev/null
eval "$(bash scripts/services/postgres.sh start)"
# PostgreSQL sized as a server would be, not as the test suites run it: the searched, explored and
# liked data (~3 GB at the full scale) far exceeds the 128 MB the tests start it with.
export PG_SHARED_BUFFERS="${PG_SHARED_BUFFERS:-2GB}"
if [[ "$(psql -Atc 'SHOW shared_buffers' "$DATABASE_URL")" != "$PG_SHARED_BUFFERS" ]]; then
  bash scripts/services/postgres.sh stop >/dev/null
  eval "$(bash scripts/services/postgres.sh start)"
fi
admin_url="$DATABASE_URL"
unset DATABASE_URL
pg_db="pixel_bench_$tag"
pg_url="postgres://$PGUSER:$PGPASSWORD@$PGHOST:$PGPORT/$pg_db?sslmode=disable"

# seed NAME URL: seeds unless a finished seed of this scale is there (RESEED=1 forces it).
seed() {
  local name="$1" url="$2" marker="$work/$tag.$1.seeded"
  if [[ -f "$marker" && "${RESEED:-0}" != 1 ]]; then
    echo "== $name: reusing the data set seeded $(cat "$marker")"
    return
  fi
  echo "== $name: seeding ${scale[*]}"
  case "$name" in
    postgres)
      psql -q "$admin_url" -c "DROP DATABASE IF EXISTS $pg_db" -c "CREATE DATABASE $pg_db" ;;
    sqlite)
      rm -rf "$work/$tag-sqlite"; mkdir -p "$work/$tag-sqlite" ;;
  esac
  "$bench" seed --database-url "$url" "${scale[@]}" | tee "$out/social-seed-$name.json"
  date -u +%FT%TZ > "$marker"
}

# serve URL DATA_DIR: the release server on the data set; sets $base.
serve() {
  local port
  port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
  base="http://127.0.0.1:$port"
  mkdir -p "$2"
  DATABASE_URL="$1" PIXEL_DATA_DIR="$2" PIXEL_BIND="127.0.0.1:$port" PIXEL_PUBLIC_URL="$base" \
    GOOGLE_CLIENT_ID=bench GOOGLE_CLIENT_SECRET=bench PIXEL_OIDC_ISSUER=http://127.0.0.1:9 \
    PIXEL_ALLOWED_EMAILS=@bench.example PIXEL_RATE_LIMITS=off PIXEL_TRENDING_EVERY_SECS=86400 \
    PIXEL_WORKERS=1 PIXEL_LOG=warn PIXEL_UI_DIR="$2/no-ui" \
    "$server_bin" > "$2/server.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 600); do curl -sf "$base/healthz" >/dev/null && break; sleep 0.1; done
  curl -sf "$base/healthz" >/dev/null || { tail -n 30 "$2/server.log"; exit 1; }
  # The trending job ranks once at start: let it finish before anything is measured.
  sleep 5
}

load() {
  echo "== $1: HTTP load, $CLIENTS clients, ${SECONDS_EACH}s per scenario"
  "$bench" load --base "$base" "${scale[@]}" --clients "$CLIENTS" --seconds "$SECONDS_EACH" \
    > "$out/social-$1.jsonl"
}

for db in $DBS; do
  case "$db" in
    postgres)
      seed postgres "$pg_url"
      serve "$pg_url" "$work/$tag-postgres-server"
      load postgres
      kill "${pids[-1]}"; wait "${pids[-1]}" 2>/dev/null || true
      echo "== postgres: the same SQL through pgbench"
      : > "$out/social-pgbench.txt"
      for f in "$sql"/*.sql; do
        name="$(basename "$f" .sql)"
        tps="$(pgbench -n -f "$f" -c "$CLIENTS" -j 2 -T "$SECONDS_EACH" \
          -D users="$USERS" -D images="$IMAGES" -D tokens="$TOKENS" -D ids=none "$pg_url" 2>&1 |
          sed -n 's/^tps = \([0-9.]*\) .*/\1/p')"
        printf '%-18s %10s tx/s\n' "$name" "$tps" | tee -a "$out/social-pgbench.txt"
      done
      echo "== postgres: EXPLAIN ANALYZE"
      psql -q "$pg_url" -v users="$USERS" -v tokens="$TOKENS" -f "$sql/explain.psql" \
        > "$out/social-explain-postgres.txt" 2>&1
      ;;
    sqlite)
      seed sqlite "sqlite://$work/$tag-sqlite/pixel.db"
      serve "sqlite://$work/$tag-sqlite/pixel.db" "$work/$tag-sqlite"
      load sqlite
      kill "${pids[-1]}"; wait "${pids[-1]}" 2>/dev/null || true
      ;;
    *) echo "unknown database '$db' (postgres, sqlite)" >&2; exit 1 ;;
  esac
done
echo "results in $out"
