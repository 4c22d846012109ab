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
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.join(here, '..', '..');
const ARTIFACTS = process.env.PIXEL_E2E_ARTIFACTS ?? path.join(here, '..', 'artifacts');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const TIMEOUT = Number(process.env.PIXEL_E2E_TIMEOUT_MS ?? 60_000);
const { OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, CI } = process.env;
const targetDir = process.env.CARGO_TARGET_DIR ?? path.join(os.homedir(), '.cache', 'pixel-studio', 'target');
const SERVER_BIN = process.env.PIXEL_SERVER_BIN ?? path.join(targetDir, 'debug', 'pixel-studio-server');
const UI_DIR = path.join(root, 'ui', 'dist');

const missing = !OIDC_ISSUER
  ? 'set OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET (bash scripts/services/oidc.sh start) to run the sign-in suite'
  : !fs.existsSync(SERVER_BIN)
    ? `no server binary at ${SERVER_BIN} (build it, or set PIXEL_SERVER_BIN)`
    : !fs.existsSync(path.join(UI_DIR, 'index.html'))
      ? 'the UI is not built (npm run build in ui/)'
      : null;

if (missing && CI) {
  test('sign-in end-to-end', () => assert.fail(`CI is set but the sign-in suite cannot run: ${missing}`));
} else if (missing) {
  test('sign-in end-to-end', { skip: missing }, () => {});
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function waitForHealth(base, server, log) {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`the server exited (${server.exitCode}):\n${log()}`);
    try {
      if ((await fetch(`${base}/healthz`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the server did not become healthy:\n${log()}`);
}

describe('sign in → header → account settings → sign out', { skip: !!missing }, () => {
  /** @type {import('playwright-core').Browser} */
  let browser;
  /** @type {import('playwright-core').Page} */
  let page;
  /** @type {import('node:child_process').ChildProcess} */
  let server;
  let base = '';
  let dataDir = '';
  let serverLog = '';
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
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pixel-signin-'));
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    server = spawn(SERVER_BIN, [], {
      env: {
        ...process.env,
        PIXEL_DATA_DIR: path.join(dataDir, 'server'),
        PIXEL_BIND: `127.0.0.1:${port}`,
        PIXEL_PUBLIC_URL: base,
        PIXEL_UI_DIR: UI_DIR,
        PIXEL_CHARGING: 'on',
        PIXEL_STARTING_CREDITS: '20',
        PIXEL_LOG: 'warn',
        GOOGLE_CLIENT_ID: OIDC_CLIENT_ID ?? 'pixel-studio-test',
        GOOGLE_CLIENT_SECRET: OIDC_CLIENT_SECRET ?? 'pixel-studio-test-secret',
        PIXEL_OIDC_ISSUER: OIDC_ISSUER,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (chunk) => {
      serverLog = (serverLog + chunk.toString()).slice(-20_000);
    };
    server.stdout.on('data', keep);
    server.stderr.on('data', keep);
    await waitForHealth(base, server, () => serverLog);

    const pw = await import(
      process.env.PLAYWRIGHT_CORE ?? new URL('../../ui/node_modules/playwright-core/index.mjs', import.meta.url).href
    );
    browser = await pw.chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 }, colorScheme: 'dark' });
    ctx.setDefaultTimeout(TIMEOUT);
    page = await ctx.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    // The UI's button starts sign-in without a hint; add one so the provider signs in this run's user.
    await page.route('**/auth/google?*', (route) => {
      const url = new URL(route.request().url());
      url.searchParams.set('login_hint', email);
      return route.continue({ url: url.href });
    });
  });

  after(async () => {
    await browser?.close();
    server?.kill('SIGTERM');
    if (server && server.exitCode === null) await new Promise((r) => server.once('exit', r));
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
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
