#!/usr/bin/env bash
# The offline video (issue 15): a 5 s 720p clip at 24 fps rendered and H.264-encoded, frames per second,
# beside the encoder alone on the same frames in the same run, and the renderer alone.
# Env: VIDEO_RUNS (3, best of), VIDEO_SIZE (1280x720).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/pixel-studio/target}"
cargo run -q --release -p pixel-video --example offline_video_bench
