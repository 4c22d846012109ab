// Browser end-to-end: sign in through a real OpenID Connect provider, see the account in the header, change
// the default visibility of new images in Account settings, and sign out.
//
// Unlike the other suites this one starts its own server: sign-in needs a server configured with the
// provider and with PIXEL_PUBLIC_URL equal to the address the browser uses (the provider sends the browser
// back there). It needs:
//   OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET   the provider (`bash scripts/services/oidc.sh start`)
//   PIXEL_SERVER_BIN   the server binary (default: $CARGO_TARGET_DIR or ~/.cache/pixel-studio/target,
//                      then debug/pixel-studio-server; run.sh builds it)
// Without OIDC_ISSUER the suite is skipped, except under CI, where that is a failure.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ARTIFACTS, contextFor, launchChromium, missingForSignIn, startSignInServer } from './oidc-server.mjs';

const missing = missingForSignIn();

if (missing && process.env.CI) {
  test('sign-in end-to-end', () => assert.fail(`CI is set but the sign-in suite cannot run: ${missing}`));
} else if (missing) {
  test('sign-in end-to-end', { skip: missing }, () => {});
}

describe('sign in → header → account settings → sign out', { skip: !!missing }, () => {
  /** @type {import('playwright-core').Browser} */
  let browser;
  /** @type {import('playwright-core').Page} */
  let page;
  /** @type {Awaited<ReturnType<typeof startSignInServer>>} */
  let server;
  let base = '';
  const errors = [];
  // A fresh identity each run: the provider signs in whoever `login_hint` names, and the server derives the
  // username from the email (e2e<stamp>).
  const stamp = Date.now().toString(36);
  const email = `e2e${stamp}@example.com`;
  const username = `e2e${stamp}`;

  const shot = (name) => page.screenshot({ path: path.join(ARTIFACTS, `e2e-signin-${name}.png`) });
  const me = () =>
    page.evaluate(async () => {
      const r = await fetch('/api/me');
      return { status: r.status, body: r.ok ? await r.json() : null };
    });

  before(async () => {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    server = await startSignInServer();
    base = server.base;
    browser = await launchChromium();
    ({ page } = await contextFor(browser, email, errors));
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('signed out, the header offers sign-in and pages ask for it', async () => {
    await page.goto(`${base}/library`);
    await page.getByRole('heading', { name: 'Sign in to continue' }).waitFor();
    const link = page.getByRole('banner').getByRole('link', { name: 'Sign in with Google' });
    assert.equal(await link.getAttribute('href'), '/auth/google?return_to=%2Flibrary');
    assert.equal((await me()).status, 401);
    await shot('01-signed-out');
  });

  test('signs in through the provider and comes back with the username in the header', async () => {
    await page.getByRole('banner').getByRole('link', { name: 'Sign in with Google' }).click();
    await page.getByRole('button', { name: `Account menu: ${username}` }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/library', 'back on the page sign-in started from');
    const who = await me();
    assert.equal(who.status, 200);
    assert.equal(who.body.username, username);
    assert.equal(who.body.auth_mode, 'oidc');
    assert.ok(who.body.csrf_token, 'a cookie session has a CSRF token');
    await page.getByRole('banner').getByLabel('Balance: 20 credits').waitFor();
    await shot('02-signed-in');
  });

  test('changes the default visibility of new images', async () => {
    await page.getByRole('button', { name: `Account menu: ${username}` }).click();
    await page.getByRole('menuitem', { name: 'Account settings' }).click();
    await page.getByRole('heading', { name: 'Account settings' }).waitFor();
    await page.getByRole('list', { name: 'Sessions' }).getByText('This device').waitFor();
    assert.equal((await me()).body.settings.default_visibility, 'private');
    await page.getByRole('radio', { name: /Public/ }).click();
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
    await shot('03-account-saved');
    // Saved on the server (a Write made with the cookie: the UI sent the CSRF token).
    assert.equal((await me()).body.settings.default_visibility, 'public');
    await page.reload();
    await page.getByRole('radio', { name: /Public/, checked: true }).waitFor();
  });

  test('signs out from the header menu', async () => {
    await page.getByRole('button', { name: `Account menu: ${username}` }).click();
    await page.getByRole('menuitem', { name: 'Sign out' }).click();
    await page.getByRole('banner').getByRole('link', { name: 'Sign in with Google' }).waitFor();
    await page.getByRole('heading', { name: 'Sign in to continue' }).waitFor();
    assert.equal((await me()).status, 401);
    await shot('04-signed-out-again');
    assert.deepEqual(errors, [], 'no uncaught page errors');
  });
});
