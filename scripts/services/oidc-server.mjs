// The OpenID Connect provider that oidc.sh starts for the sign-in tests: the npm package
// oauth2-mock-server, made to behave like accounts.google.com.
//   * The issuer is http://<OIDC_HOST>:<OIDC_PORT> (127.0.0.1, not "localhost"), so discovery, the
//     tokens' `iss` and the JWKS address agree.
//   * /authorize approves at once (no login page) for the user named by `login_hint`, or
//     OIDC_DEFAULT_EMAIL (tester@example.com) without one. The password grant issues tokens for
//     `username` (an email; a bare name gets @example.com).
//   * ID tokens, access tokens and /userinfo carry Google-style claims for that user: sub (a stable
//     21-digit number derived from the email), email, email_verified, name, given_name, family_name,
//     picture, locale, azp, and hd for any domain but gmail.com.
//   * Authorization codes are single-use and bound to the redirect_uri (and the PKCE challenge) given
//     to /authorize: reuse, an unknown code, another redirect_uri or a missing code_verifier give
//     400 invalid_grant, as Google does. PKCE (S256, plain) and nonce are checked by
//     oauth2-mock-server itself.
// Environment: OIDC_HOST, OIDC_PORT, OIDC_DEFAULT_EMAIL, OIDC_MOCK_MODULE (the path of
// oauth2-mock-server's dist/index.mjs).
import { createHash } from 'node:crypto';
import { pathToFileURL } from 'node:url';

const host = process.env.OIDC_HOST || '127.0.0.1';
const port = Number(process.env.OIDC_PORT || 18081);
const defaultEmail = process.env.OIDC_DEFAULT_EMAIL || 'tester@example.com';
if (!process.env.OIDC_MOCK_MODULE) {
  console.error('OIDC_MOCK_MODULE is not set (oidc.sh sets it)');
  process.exit(2);
}
const { OAuth2Server } = await import(pathToFileURL(process.env.OIDC_MOCK_MODULE).href);

const server = new OAuth2Server();
await server.issuer.keys.generate('RS256');
server.issuer.url = `http://${host}:${port}`;

function claimsFor(email, clientId) {
  const [local, domain = ''] = email.split('@');
  const digest = createHash('sha256').update(email).digest();
  // Google's `sub` is an opaque decimal string of about 21 digits.
  const sub = '1' + (digest.readBigUInt64BE(0) % 10n ** 20n).toString().padStart(20, '0');
  const words = local.split(/[._-]+/).filter(Boolean);
  const cap = (s) => s.charAt(0).toUpperCase() + s.slice(1);
  const given = cap(words[0] || local);
  const family = words.length > 1 ? cap(words[words.length - 1]) : 'Tester';
  const claims = {
    sub,
    email,
    email_verified: true,
    name: `${given} ${family}`,
    given_name: given,
    family_name: family,
    picture: `http://${host}:${port}/avatar/${sub}.png`,
    locale: 'en',
  };
  if (clientId) claims.azp = clientId;
  if (domain && domain !== 'gmail.com') claims.hd = domain;
  return claims;
}

// Authorization code -> what /authorize was asked: the user, the redirect_uri, whether PKCE was used.
const codes = new Map();
const service = server.service;

service.on('beforeAuthorizeRedirect', (redirect, req) => {
  const q = new URL(req.url, 'http://x').searchParams;
  const code = redirect.url.searchParams.get('code');
  if (code) {
    codes.set(code, {
      email: q.get('login_hint') || defaultEmail,
      redirectUri: q.get('redirect_uri'),
      pkce: Boolean(q.get('code_challenge')),
    });
  }
});

service.on('beforeTokenSigning', (token, req) => {
  const body = req.body || {};
  let email = defaultEmail;
  if (body.grant_type === 'authorization_code' && codes.has(body.code)) {
    email = codes.get(body.code).email;
  } else if (body.grant_type === 'password' && body.username) {
    const name = String(body.username);
    email = name.includes('@') ? name : `${name}@example.com`;
  }
  const clientId = body.client_id || token.payload.aud;
  Object.assign(token.payload, claimsFor(email, typeof clientId === 'string' ? clientId : undefined));
});

service.on('beforeResponse', (res, req) => {
  const body = req.body || {};
  if (body.grant_type !== 'authorization_code') return;
  const entry = codes.get(body.code);
  codes.delete(body.code); // single use, even when this exchange fails
  let problem;
  if (!entry) problem = 'unknown or already used code';
  else if (entry.redirectUri && body.redirect_uri !== entry.redirectUri) problem = 'redirect_uri mismatch';
  else if (entry.pkce && !body.code_verifier) problem = 'code_verifier required';
  if (problem) {
    res.statusCode = 400;
    res.body = { error: 'invalid_grant', error_description: problem };
  }
});

service.on('beforeUserinfo', (res, req) => {
  const m = /^Bearer\s+([^.]+)\.([^.]+)\./i.exec(req.headers.authorization || '');
  if (!m) {
    res.statusCode = 401;
    res.body = { error: 'invalid_token' };
    return;
  }
  try {
    const payload = JSON.parse(Buffer.from(m[2], 'base64url').toString('utf8'));
    res.body = claimsFor(payload.email || defaultEmail, payload.azp);
  } catch {
    res.statusCode = 401;
    res.body = { error: 'invalid_token' };
  }
});

await server.start(port, host);
console.log(`OpenID Connect provider ready: issuer ${server.issuer.url}`);

const shutdown = async () => {
  try {
    await server.stop();
  } finally {
    process.exit(0);
  }
};
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
