#!/usr/bin/env bash
# A throwaway PostgreSQL server for tests, on 127.0.0.1 only: Debian's PostgreSQL (15 on Debian 12),
# its own cluster under $PIXEL_SERVICES_DIR/postgres/data, trust authentication, fsync off.
#   bash scripts/services/postgres.sh install | start | env | status | stop | smoke | clean
# Knobs: PG_PORT (default 56432; a free port is picked when it is busy), PG_DB (default pixel),
#        PG_VERSION (the server version to install and run; default: the newest installed, else
#        Debian's default `postgresql` package), PG_BINDIR (use the server binaries in that folder),
#        PG_SHARED_BUFFERS (default 128MB; tests/bench/social.sh restarts the server with 2GB).
# start prints: DATABASE_URL PGHOST PGPORT PGUSER PGPASSWORD PGDATABASE
# (trust authentication: any password works; postgres/postgres is printed.)
# Run as root, the server runs as the `postgres` user (PostgreSQL refuses root), so the state folder
# must be reachable by that user (anything under /tmp is).
SVC=postgres
# shellcheck source=lib.sh
. "$(dirname "$(readlink -f "$0")")/lib.sh"

PG_DB="${PG_DB:-pixel}"
DATA="$STATE/data"

bindir() {
  local d
  if [ -n "${PG_BINDIR:-}" ]; then d="$PG_BINDIR"
  elif [ -n "${PG_VERSION:-}" ]; then d="/usr/lib/postgresql/$PG_VERSION/bin"
  else d="$(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
  fi
  [ -x "$d/postgres" ] || return 1
  echo "$d"
}

# Runs a PostgreSQL program as the owner of the data folder: `postgres` when we are root.
as_pg() { if is_root; then runuser -u postgres -- "$@"; else "$@"; fi; }

# The postmaster's PID, when it is running.
pg_pid() {
  local p
  p="$(head -n 1 "$DATA/postmaster.pid" 2>/dev/null || true)"
  [ -n "$p" ] && kill -0 "$p" 2>/dev/null && echo "$p"
}

cmd_install() {
  local b
  if b="$(bindir)" && [ -x "$b/psql" ]; then
    log "already installed: $("$b/postgres" --version)"
    return 0
  fi
  if is_root; then
    # Keep the Debian package from creating (and starting) its own `main` cluster.
    mkdir -p /etc/postgresql-common/createcluster.d
    echo "create_main_cluster = false" > /etc/postgresql-common/createcluster.d/50-pixel-studio.conf
  fi
  if [ -n "${PG_VERSION:-}" ]; then
    apt_install "postgresql-$PG_VERSION" "postgresql-client-$PG_VERSION"
  else
    apt_install postgresql postgresql-client
  fi
  b="$(bindir)" || die "no PostgreSQL server under /usr/lib/postgresql after the install"
  log "installed: $("$b/postgres" --version)"
}

cmd_start() {
  local b
  b="$(bindir)" || die "PostgreSQL is not installed; run: bash $0 install"
  ensure_state
  if pg_pid >/dev/null && [ -s "$ENVFILE" ]; then
    log "already running (pid $(pg_pid))"; cat "$ENVFILE"; return 0
  fi
  if is_root; then
    id postgres >/dev/null 2>&1 || die "no 'postgres' user (it comes with the Debian package: bash $0 install)"
    touch "$LOGFILE"
    chown postgres: "$STATE" "$LOGFILE"
    runuser -u postgres -- test -w "$STATE" \
      || die "user postgres cannot write $STATE; set PIXEL_SERVICES_DIR to a folder it can reach, e.g. under /tmp"
  fi
  local t0; t0="$(now)"
  if [ ! -s "$DATA/PG_VERSION" ]; then
    rm -rf "$DATA"
    log "initdb $DATA"
    as_pg "$b/initdb" -D "$DATA" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync >>"$LOGFILE" 2>&1 \
      || { tail -n 20 "$LOGFILE" >&2; die "initdb failed"; }
  fi
  local port; port="$(pick_port "${PG_PORT:-56432}")"
  # Durability off: the data is throwaway, and DDL-heavy test suites run much faster.
  as_pg "$b/pg_ctl" -D "$DATA" -l "$LOGFILE" -w -t "$START_TIMEOUT" \
    -o "-c listen_addresses=$HOST -p $port -k $STATE -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200 -c shared_buffers=${PG_SHARED_BUFFERS:-128MB}" \
    start >&2 || { tail -n 30 "$LOGFILE" >&2; die "pg_ctl start failed"; }
  pg_pid > "$PIDFILE"
  "$b/pg_isready" -q -h "$HOST" -p "$port" -t "$START_TIMEOUT" || die "the server does not answer (pg_isready)"
  if [ "$("$b/psql" -h "$HOST" -p "$port" -U postgres -d postgres -Atqc "select 1 from pg_database where datname = '$PG_DB'")" != 1 ]; then
    "$b/psql" -h "$HOST" -p "$port" -U postgres -d postgres -qc "create database \"$PG_DB\"" >&2 \
      || die "could not create database $PG_DB"
  fi
  # Every test makes a database of its own (pixel_store::testing); a server that was just started has
  # nobody using them, so the ones earlier runs left behind go (each is ~8 MB; thousands fill a disk).
  local leftovers
  leftovers="$("$b/psql" -h "$HOST" -p "$port" -U postgres -d postgres -Atqc "select datname from pg_database where datname like 'pixel\_test\_%'")"
  if [ -n "$leftovers" ]; then
    log "dropping $(printf '%s\n' "$leftovers" | wc -l) test databases left by earlier runs"
    printf 'drop database if exists "%s";\n' $leftovers | "$b/psql" -h "$HOST" -p "$port" -U postgres -d postgres -q >&2 \
      || log "some test databases could not be dropped"
  fi
  log "ready on $HOST:$port in $(elapsed_since "$t0")s (pid $(cat "$PIDFILE"))"
  write_env \
    "DATABASE_URL=postgres://postgres:postgres@$HOST:$port/$PG_DB?sslmode=disable" \
    "PGHOST=$HOST" "PGPORT=$port" "PGUSER=postgres" "PGPASSWORD=postgres" "PGDATABASE=$PG_DB"
}

cmd_stop() {
  local pid b
  if ! pid="$(pg_pid)"; then log "not running"; rm -f "$PIDFILE"; return 0; fi
  b="$(bindir || true)"
  if [ -n "$b" ]; then
    as_pg "$b/pg_ctl" -D "$DATA" -m fast -w -t "$STOP_TIMEOUT" stop >&2 || stop_pid "$pid"
  else
    stop_pid "$pid"
  fi
  rm -f "$PIDFILE"
  log "stopped (pid $pid)"
}

cmd_status() {
  local pid
  if pid="$(pg_pid)"; then echo "running pid=$pid DATABASE_URL=$(env_value DATABASE_URL)"
  else echo "stopped"; return 3; fi
}

cmd_smoke() {
  local out
  out="$("$(bindir)/psql" "$(env_value DATABASE_URL)" -Atqc "create temp table t (x int); insert into t values (41); select x + 1 from t")"
  [ "$out" = 42 ] || die "smoke query returned '$out'"
  log "smoke ok: a query on $(env_value PGDATABASE) returned 42"
}

service_main "$@"
