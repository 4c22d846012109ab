#!/usr/bin/env bash
# A fake, stateful Stripe API for tests, on 127.0.0.1 only: PyPI `localstripe` 1.15.10 (GPL-3.0; a
# development tool that is run, never linked into the product), in a virtualenv. It covers
# customers, payment methods and intents, setup intents, charges, refunds, products, plans (no
# Prices API), subscriptions, invoices, coupons, tax rates, tokens, sources, payouts and signed
# webhooks; it has no Checkout Sessions, Billing Portal or Connect. Our launcher binds 127.0.0.1
# (upstream binds every address) and keeps the state in memory (upstream writes it to a file in /tmp).
#   bash scripts/services/stripe.sh install | start | env | status | stop | smoke | clean
# Knobs: STRIPE_PORT (default 18421; a free port is picked when it is busy).
# start prints: STRIPE_API_BASE STRIPE_SECRET_KEY (any sk_test_... works) STRIPE_WEBHOOK_CONFIG_URL
# Webhooks: POST $STRIPE_WEBHOOK_CONFIG_URL/<id> with url=http://127.0.0.1:<port>/... and
# secret=whsec_...; events are signed as Stripe signs them (Stripe-Signature header).
SVC=stripe
# shellcheck source=lib.sh
. "$(dirname "$(readlink -f "$0")")/lib.sh"

LOCALSTRIPE_VERSION=1.15.10
VENV="$PIXEL_SERVICES_CACHE/localstripe-$LOCALSTRIPE_VERSION"
PROC_TAG="$STATE/launch.py"
STATUS_VAR=STRIPE_API_BASE

installed() { "$VENV/bin/python" -c 'import localstripe.server' 2>/dev/null; }

cmd_install() {
  if installed; then log "already installed: localstripe $LOCALSTRIPE_VERSION"; return 0; fi
  mkdir -p "$PIXEL_SERVICES_CACHE"
  log "pip install localstripe==$LOCALSTRIPE_VERSION into $VENV"
  rm -rf "$VENV"
  python3 -m venv "$VENV" >&2 || die "python3 -m venv failed"
  "$VENV/bin/pip" install -q "localstripe==$LOCALSTRIPE_VERSION" >&2 \
    || { rm -rf "$VENV"; die "pip install localstripe==$LOCALSTRIPE_VERSION failed"; }
  log "installed: localstripe $LOCALSTRIPE_VERSION"
}

write_launcher() {
  cat > "$STATE/launch.py" <<'EOF'
import sys
from aiohttp import web
import localstripe.resources as resources
resources.Store.dump_to_disk = lambda self: None   # state in memory only
from localstripe.server import app
web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), print=None)
EOF
}

api_up() {
  [ "$(curl -s -o /dev/null --max-time 3 -u sk_test_ready: -w '%{http_code}' "http://$HOST:$1/v1/customers?limit=1")" = 200 ]
}

cmd_start() {
  installed || die "not installed; run: bash $0 install"
  ensure_state
  local pid
  if pid="$(live_pid "$PROC_TAG")" && [ -s "$ENVFILE" ]; then log "already running (pid $pid)"; cat "$ENVFILE"; return 0; fi
  local port; port="$(pick_port "${STRIPE_PORT:-18421}")"
  local t0; t0="$(now)"
  write_launcher
  pid="$(cd "$STATE" && spawn "$VENV/bin/python" "$STATE/launch.py" "$port")"
  WAIT_PID="$pid" wait_until "localstripe on $HOST:$port" api_up "$port" \
    || { stop_pid "$pid"; rm -f "$PIDFILE"; die "localstripe did not become ready"; }
  log "ready on $HOST:$port in $(elapsed_since "$t0")s (pid $pid)"
  write_env "STRIPE_API_BASE=http://$HOST:$port" "STRIPE_SECRET_KEY=sk_test_pixelstudio" \
    "STRIPE_WEBHOOK_CONFIG_URL=http://$HOST:$port/_config/webhooks"
}

cmd_stop() { proc_stop; }
cmd_status() { proc_status; }

# A customer and a payment intent for it, then the customer read back.
cmd_smoke() {
  local base key cus pi
  base="$(env_value STRIPE_API_BASE)"
  key="$(env_value STRIPE_SECRET_KEY)"
  cus="$(curl -sf -u "$key:" "$base/v1/customers" -d email=smoke@example.com \
    | python3 -c 'import json, sys; print(json.load(sys.stdin)["id"])')" || die "could not create a customer"
  pi="$(curl -sf -u "$key:" "$base/v1/payment_intents" -d amount=1999 -d currency=usd -d customer="$cus" \
    -d 'payment_method_types[]=card' | python3 -c 'import json, sys; d = json.load(sys.stdin); print(d["id"], d["status"])')" \
    || die "could not create a payment intent"
  curl -sf -u "$key:" "$base/v1/customers/$cus" | grep -q smoke@example.com || die "customer read-back failed"
  log "smoke ok: customer $cus, payment intent $pi"
}

service_main "$@"
