#!/usr/bin/env bash
# Live events to 100, 1,000 and 10,000 WebSocket clients (issue 33): builds the release server and the
# fanout client, then prints the spread p99 of each event across clients (kernel arrival time in each
# socket, and when the bench read it), the server's memory per idle
# socket, lost events and refused streams. First it measures the machine's floor: one plain write to every
# socket, no runtime (example write_floor). Env: FANOUT_CLIENTS (default 100,1000,10000), FANOUT_JOBS (20).
set -euo pipefail
cd "$(dirname "$0")/../.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/pixel-studio/target}"
cargo build --release -q -p pixel-server --bin pixel-studio-server --example fanout --example write_floor
# The client side needs as many descriptors as the server: raise this shell's soft limit too.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
echo "The floor: blocking writes of one 120-byte frame to every loopback socket"
FLOOR_CLIENTS="${FANOUT_CLIENTS:-100,1000,10000}" "$CARGO_TARGET_DIR/release/examples/write_floor"
echo
FANOUT_SERVER="$CARGO_TARGET_DIR/release/pixel-studio-server" \
  "$CARGO_TARGET_DIR/release/examples/fanout"
