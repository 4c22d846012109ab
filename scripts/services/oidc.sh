#!/usr/bin/env bash
# An OpenID Connect provider for the sign-in tests (a stand-in for Google), on 127.0.0.1 only: the npm
# package oauth2-mock-server (MIT), run by oidc-server.mjs beside this script, which makes it behave
# like accounts.google.com: issuer http://127.0.0.1:<port>, /authorize approves at once (no login
# page) for the user named by `login_hint` (default $OIDC_DEFAULT_EMAIL, tester@example.com), and the
# tokens and userinfo carry Google-style claims (numeric sub, email, email_verified, name, picture,
# hd). Codes are single-use and bound to their redirect_uri; PKCE and nonce are checked. The
# password grant issues tokens for `username` (an email), for tests that need an ID token directly.
# Any client id and secret are accepted.
#   bash scripts/services/oidc.sh install | start | env | status | stop | smoke | clean
# Knobs: OIDC_PORT (default 18081; a free port is picked when it is busy), OIDC_DEFAULT_EMAIL.
# Needs Node.js >= 20.19 and npm.
# start prints: OIDC_ISSUER OIDC_DISCOVERY_URL OIDC_CLIENT_ID OIDC_CLIENT_SECRET
SVC=oidc
# shellcheck source=lib.sh
. "$(dirname "$(readlink -f "$0")")/lib.sh"

MOCK_VERSION=8.2.3   # 8.x needs Node.js ^20.19 || ^22.12 || >= 24; 9.x needs >= 22.12
PREFIX="$PIXEL_SERVICES_CACHE/oauth2-mock-server-$MOCK_VERSION"
MODULE="$PREFIX/node_modules/oauth2-mock-server/dist/index.mjs"
PROC_TAG=oidc-server.mjs
STATUS_VAR=OIDC_ISSUER

node_ok() {
  command -v node >/dev/null || return 1
  node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit((a === 20 && b >= 19) || a >= 22 ? 0 : 1)'
}

cmd_install() {
  node_ok || die "need Node.js >= 20.19 (found: $(node --version 2>/dev/null || echo none))"
  if [ -f "$MODULE" ]; then log "already installed: oauth2-mock-server $MOCK_VERSION (node $(node --version))"; return 0; fi
  command -v npm >/dev/null || die "npm not found"
  mkdir -p "$PREFIX"
  # Its own package.json, so npm does not walk up into an enclosing project.
  [ -f "$PREFIX/package.json" ] || echo '{"name": "pixel-studio-oidc-provider", "private": true}' > "$PREFIX/package.json"
  log "npm install oauth2-mock-server@$MOCK_VERSION into $PREFIX"
  (cd "$PREFIX" && npm install --no-audit --no-fund --loglevel=error --save-exact "oauth2-mock-server@$MOCK_VERSION") >&2 \
    || die "npm install oauth2-mock-server@$MOCK_VERSION failed"
  [ -f "$MODULE" ] || die "not found after the install: $MODULE"
  log "installed oauth2-mock-server $MOCK_VERSION"
}

discovery_ok() {
  curl -sf --max-time 3 "http://$HOST:$1/.well-known/openid-configuration" | grep -q "\"issuer\":\"http://$HOST:$1\""
}

cmd_start() {
  [ -f "$MODULE" ] || die "not installed; run: bash $0 install"
  node_ok || die "need Node.js >= 20.19 (found: $(node --version 2>/dev/null || echo none))"
  ensure_state
  local pid
  if pid="$(live_pid "$PROC_TAG")" && [ -s "$ENVFILE" ]; then log "already running (pid $pid)"; cat "$ENVFILE"; return 0; fi
  local port; port="$(pick_port "${OIDC_PORT:-18081}")"
  local t0; t0="$(now)"
  pid="$(cd "$STATE" && spawn env OIDC_HOST="$HOST" OIDC_PORT="$port" OIDC_MOCK_MODULE="$MODULE" \
      OIDC_DEFAULT_EMAIL="${OIDC_DEFAULT_EMAIL:-tester@example.com}" node "$SERVICES_HERE/oidc-server.mjs")"
  WAIT_PID="$pid" wait_until "OpenID discovery on $HOST:$port" discovery_ok "$port" \
    || { stop_pid "$pid"; rm -f "$PIDFILE"; die "the provider did not become ready"; }
  log "ready on $HOST:$port in $(elapsed_since "$t0")s (pid $pid)"
  write_env "OIDC_ISSUER=http://$HOST:$port" \
    "OIDC_DISCOVERY_URL=http://$HOST:$port/.well-known/openid-configuration" \
    "OIDC_CLIENT_ID=pixel-studio-test" "OIDC_CLIENT_SECRET=pixel-studio-test-secret"
}

cmd_stop() { proc_stop; }
cmd_status() { proc_status; }

# The authorization-code flow with PKCE and nonce, as a browser and a server would do it; the ID
# token's key is in the JWKS, userinfo agrees, and a spent code is refused.
cmd_smoke() {
  python3 - "$(env_value OIDC_ISSUER)" "$(env_value OIDC_CLIENT_ID)" "$(env_value OIDC_CLIENT_SECRET)" <<'EOF'
import base64, hashlib, http.client, json, secrets, sys, urllib.error, urllib.parse, urllib.request
iss, cid, csec = sys.argv[1:4]
get = lambda url, **kw: json.load(urllib.request.urlopen(urllib.request.Request(url, **kw), timeout=5))
disc = get(iss + "/.well-known/openid-configuration")
assert disc["issuer"] == iss, disc
verifier = secrets.token_urlsafe(48)
challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
redirect = "http://127.0.0.1:9/callback"
q = urllib.parse.urlencode(dict(response_type="code", client_id=cid, redirect_uri=redirect, scope="openid email profile",
    state="st-1", nonce="n-1", code_challenge=challenge, code_challenge_method="S256", login_hint="ada.lovelace@example.com"))
u = urllib.parse.urlparse(disc["authorization_endpoint"])
c = http.client.HTTPConnection(u.hostname, u.port, timeout=5)
c.request("GET", u.path + "?" + q)
r = c.getresponse()
assert r.status == 302, r.status
params = urllib.parse.parse_qs(urllib.parse.urlparse(r.getheader("Location")).query)
assert params["state"] == ["st-1"], params
form = urllib.parse.urlencode(dict(grant_type="authorization_code", code=params["code"][0], redirect_uri=redirect,
    client_id=cid, client_secret=csec, code_verifier=verifier)).encode()
tok = get(disc["token_endpoint"], data=form)
def part(t, i):
    s = t.split(".")[i]
    return json.loads(base64.urlsafe_b64decode(s + "=" * (-len(s) % 4)))
header, claims = part(tok["id_token"], 0), part(tok["id_token"], 1)
assert claims["iss"] == iss and claims["aud"] == cid and claims["nonce"] == "n-1", claims
assert claims["email"] == "ada.lovelace@example.com" and claims["email_verified"] is True, claims
assert claims["hd"] == "example.com" and claims["sub"].isdigit(), claims
assert any(k["kid"] == header["kid"] for k in get(disc["jwks_uri"])["keys"]), header
ui = get(disc["userinfo_endpoint"], headers={"Authorization": "Bearer " + tok["access_token"]})
assert ui["email"] == claims["email"] and ui["sub"] == claims["sub"], ui
try:
    get(disc["token_endpoint"], data=form)
    raise AssertionError("a spent code was accepted")
except urllib.error.HTTPError as e:
    assert e.code == 400, e.code
print("[oidc] smoke ok: code + PKCE exchanged, id_token for %s (sub %s) signed by a JWKS key, userinfo agrees, "
      "spent code refused" % (claims["email"], claims["sub"]), file=sys.stderr)
EOF
}

service_main "$@"
