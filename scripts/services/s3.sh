#!/usr/bin/env bash
# An S3-compatible object store for tests, on 127.0.0.1 only, path-style addressing; a bucket is
# created at start.
#   bash scripts/services/s3.sh install | start | env | status | stop | smoke | clean
# Implementations (S3_IMPL):
#   s3s-fs (default) crates.io `s3s-fs` 0.14.1 (Apache-2.0), a real S3 HTTP server over a folder that
#          verifies SigV4 (headers and presigned URLs), so a signing bug fails the tests as it would
#          fail on AWS. `cargo install` compiles it once (several minutes), then it is cached.
#          0.15 and later need a newer Rust.
#   moto   PyPI `moto[server]` 5.2.5 in a virtualenv: about a minute to install, broad API coverage,
#          but it does NOT check signatures (any key, secret or signature passes).
# Knobs: S3_PORT (default 19001; a free port is picked when it is busy), S3_BUCKET (default
#        pixel-test), S3_ACCESS_KEY / S3_SECRET_KEY (default pixeltest / pixeltestsecret).
# start prints: S3_ENDPOINT AWS_ENDPOINT_URL_S3 AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_REGION
#   AWS_DEFAULT_REGION S3_BUCKET S3_FORCE_PATH_STYLE=true S3_IMPL AWS_EC2_METADATA_DISABLED=true
#   (the last keeps the AWS SDKs from probing the cloud metadata address).
# In Rust: aws_sdk_s3::config::Builder::from(&sdk_config).endpoint_url(S3_ENDPOINT).force_path_style(true)
SVC=s3
# shellcheck source=lib.sh
. "$(dirname "$(readlink -f "$0")")/lib.sh"

S3_IMPL="${S3_IMPL:-s3s-fs}"
case "$S3_IMPL" in moto|s3s-fs) ;; *) die "S3_IMPL must be moto or s3s-fs" ;; esac
MOTO_VERSION=5.2.5
MOTO_VENV="$PIXEL_SERVICES_CACHE/moto-$MOTO_VERSION"
S3S_VERSION=0.14.1
S3S_ROOT="$PIXEL_SERVICES_CACHE/s3s-fs-$S3S_VERSION"
AK="${S3_ACCESS_KEY:-pixeltest}"
SK="${S3_SECRET_KEY:-pixeltestsecret}"
BUCKET="${S3_BUCKET:-pixel-test}"
DATA="$STATE/data"
STATUS_VAR=S3_ENDPOINT

# The implementation that is running (or was last started), else the one asked for.
running_impl() { cat "$STATE/impl" 2>/dev/null || echo "$S3_IMPL"; }
tag_of() {
  case "$1" in
    moto) echo "$MOTO_VENV/bin/moto_server" ;;
    s3s-fs) echo "$S3S_ROOT/bin/s3s-fs" ;;
    *) die "S3_IMPL must be moto or s3s-fs" ;;
  esac
}
PROC_TAG="$(tag_of "$(running_impl)")"

installed() {
  case "$S3_IMPL" in
    moto) "$MOTO_VENV/bin/python" -c 'import moto.server' 2>/dev/null ;;
    s3s-fs) [ -x "$S3S_ROOT/bin/s3s-fs" ] ;;
    *) die "S3_IMPL must be moto or s3s-fs" ;;
  esac
}

cmd_install() {
  if installed; then log "already installed: $S3_IMPL"; return 0; fi
  mkdir -p "$PIXEL_SERVICES_CACHE"
  case "$S3_IMPL" in
    moto)
      log "pip install moto[server]==$MOTO_VERSION into $MOTO_VENV"
      rm -rf "$MOTO_VENV"
      python3 -m venv "$MOTO_VENV" >&2 || die "python3 -m venv failed"
      "$MOTO_VENV/bin/pip" install -q "moto[server]==$MOTO_VERSION" >&2 \
        || { rm -rf "$MOTO_VENV"; die "pip install moto[server]==$MOTO_VERSION failed"; }
      ;;
    s3s-fs)
      command -v cargo >/dev/null || die "cargo not found"
      log "cargo install s3s-fs $S3S_VERSION --features binary (compiles; several minutes)"
      # Its own build, whatever the caller exported for the project's (a lint wrapper that denies
      # warnings would fail a third-party crate; the project's target dir is not its to fill).
      env -u RUSTC_WORKSPACE_WRAPPER -u CLIPPY_ARGS -u CARGO_TARGET_DIR \
        cargo install s3s-fs --version "$S3S_VERSION" --features binary --locked --root "$S3S_ROOT" >&2 \
        || die "cargo install s3s-fs failed"
      ;;
  esac
  log "installed: $S3_IMPL"
}

http_up() {   # any HTTP answer (s3s-fs answers an anonymous GET / with 403)
  local code
  code="$(curl -s -o /dev/null --max-time 3 -w '%{http_code}' "http://$HOST:$1/" || true)"
  [ -n "$code" ] && [ "$code" != 000 ]
}

# presign METHOD PATH [SECRET]: a SigV4 presigned URL (Python's stdlib only).
presign() {
  python3 - "$1" "$ENDPOINT" "$2" "$AK" "${3:-$SK}" <<'EOF'
import datetime, hashlib, hmac, sys, urllib.parse
method, endpoint, path, ak, sk = sys.argv[1:6]
region = "us-east-1"
u = urllib.parse.urlparse(endpoint)
t = datetime.datetime.now(datetime.timezone.utc)
amzdate, day = t.strftime("%Y%m%dT%H%M%SZ"), t.strftime("%Y%m%d")
scope = f"{day}/{region}/s3/aws4_request"
q = {"X-Amz-Algorithm": "AWS4-HMAC-SHA256", "X-Amz-Credential": f"{ak}/{scope}", "X-Amz-Date": amzdate,
     "X-Amz-Expires": "300", "X-Amz-SignedHeaders": "host"}
enc = lambda s: urllib.parse.quote(s, safe="-_.~")
query = "&".join(f"{enc(k)}={enc(v)}" for k, v in sorted(q.items()))
cpath = urllib.parse.quote(path, safe="/-_.~")
creq = "\n".join([method, cpath, query, f"host:{u.netloc}\n", "host", "UNSIGNED-PAYLOAD"])
sts = "\n".join(["AWS4-HMAC-SHA256", amzdate, scope, hashlib.sha256(creq.encode()).hexdigest()])
k = ("AWS4" + sk).encode()
for part in (day, region, "s3", "aws4_request"):
    k = hmac.new(k, part.encode(), hashlib.sha256).digest()
sig = hmac.new(k, sts.encode(), hashlib.sha256).hexdigest()
print(f"{u.scheme}://{u.netloc}{cpath}?{query}&X-Amz-Signature={sig}")
EOF
}

ensure_bucket() {
  local code
  code="$(curl -s -o /dev/null -w '%{http_code}' -X PUT -H 'Content-Length: 0' "$(presign PUT "/$BUCKET")")"
  case "$code" in 200|409) ;; *) log "could not create bucket $BUCKET (HTTP $code)"; return 1 ;; esac
}

cmd_start() {
  installed || die "$S3_IMPL is not installed; run: S3_IMPL=$S3_IMPL bash $0 install"
  ensure_state
  local pid
  if pid="$(live_pid "$PROC_TAG")" && [ -s "$ENVFILE" ]; then
    log "already running $(running_impl) (pid $pid)"; cat "$ENVFILE"; return 0
  fi
  PROC_TAG="$(tag_of "$S3_IMPL")"
  local port; port="$(pick_port "${S3_PORT:-19001}")"
  local t0; t0="$(now)"
  mkdir -p "$DATA"
  case "$S3_IMPL" in
    moto)
      pid="$(cd "$STATE" && spawn env -u AWS_ENDPOINT_URL -u AWS_ENDPOINT_URL_S3 \
          "$MOTO_VENV/bin/moto_server" -H "$HOST" -p "$port")" ;;
    s3s-fs)
      pid="$(cd "$STATE" && spawn env RUST_LOG="${S3_LOG_LEVEL:-warn}" "$S3S_ROOT/bin/s3s-fs" \
          --host "$HOST" --port "$port" --access-key "$AK" --secret-key "$SK" "$DATA")" ;;
  esac
  echo "$S3_IMPL" > "$STATE/impl"
  WAIT_PID="$pid" wait_until "HTTP on $HOST:$port" http_up "$port" \
    || { stop_pid "$pid"; rm -f "$PIDFILE"; die "$S3_IMPL did not become ready"; }
  ENDPOINT="http://$HOST:$port"
  ensure_bucket || { stop_pid "$pid"; rm -f "$PIDFILE"; die "$S3_IMPL refused to create the bucket"; }
  log "$S3_IMPL ready on $ENDPOINT in $(elapsed_since "$t0")s (pid $pid, bucket $BUCKET)"
  write_env "S3_ENDPOINT=$ENDPOINT" "AWS_ENDPOINT_URL_S3=$ENDPOINT" \
    "AWS_ACCESS_KEY_ID=$AK" "AWS_SECRET_ACCESS_KEY=$SK" "AWS_REGION=us-east-1" "AWS_DEFAULT_REGION=us-east-1" \
    "S3_BUCKET=$BUCKET" "S3_FORCE_PATH_STYLE=true" "S3_IMPL=$S3_IMPL" "AWS_EC2_METADATA_DISABLED=true"
}

cmd_stop() { proc_stop; }
cmd_status() { proc_status; }

# Presigned PUT and GET with curl; with s3s-fs, also that a wrong signature is refused.
cmd_smoke() {
  ENDPOINT="$(env_value S3_ENDPOINT)"
  AK="$(env_value AWS_ACCESS_KEY_ID)"
  SK="$(env_value AWS_SECRET_ACCESS_KEY)"
  BUCKET="$(env_value S3_BUCKET)"
  local impl key body tmp code got
  impl="$(running_impl)"
  key="smoke/$$-$RANDOM.txt"
  body="hello pixel $RANDOM"
  tmp="$(mktemp)"
  printf '%s' "$body" > "$tmp"
  code="$(curl -s -o /dev/null -w '%{http_code}' -T "$tmp" "$(presign PUT "/$BUCKET/$key")")"
  rm -f "$tmp"
  [ "$code" = 200 ] || die "presigned PUT: HTTP $code"
  got="$(curl -sf "$(presign GET "/$BUCKET/$key")")" || die "presigned GET failed"
  [ "$got" = "$body" ] || die "GET returned '$got', expected '$body'"
  if [ "$impl" = s3s-fs ]; then
    code="$(curl -s -o /dev/null -w '%{http_code}' "$(presign GET "/$BUCKET/$key" wrong-secret)")"
    [ "$code" = 403 ] || die "a URL signed with the wrong secret got HTTP $code, expected 403"
  fi
  curl -s -o /dev/null -X DELETE "$(presign DELETE "/$BUCKET/$key")"
  log "smoke ok ($impl): presigned PUT and GET of $BUCKET/$key$([ "$impl" = s3s-fs ] && echo '; a wrong signature is refused')"
}

service_main "$@"
