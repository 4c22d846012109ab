// Helpers for the suites that start their own server with sign-in through the test OpenID Connect provider
// (scripts/services/oidc.sh): a free port, a server configured with the provider and PIXEL_PUBLIC_URL, a
// Chromium, and a signed-in browser context per person (the provider signs in whoever `login_hint` names).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.join(here, '..', '..');
export const ARTIFACTS = process.env.PIXEL_E2E_ARTIFACTS ?? path.join(here, '..', 'artifacts');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
export const TIMEOUT = Number(process.env.PIXEL_E2E_TIMEOUT_MS ?? 60_000);
const { OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET } = process.env;
const targetDir = process.env.CARGO_TARGET_DIR ?? path.join(os.homedir(), '.cache', 'pixel-studio', 'target');
export const SERVER_BIN = process.env.PIXEL_SERVER_BIN ?? path.join(targetDir, 'debug', 'pixel-studio-server');
export const UI_DIR = path.join(root, 'ui', 'dist');

/** Why a sign-in suite cannot run here, or null when it can. */
export function missingForSignIn() {
  if (!OIDC_ISSUER)
    return 'set OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET (bash scripts/services/oidc.sh start) to run the sign-in suites';
  if (!fs.existsSync(SERVER_BIN)) return `no server binary at ${SERVER_BIN} (build it, or set PIXEL_SERVER_BIN)`;
  if (!fs.existsSync(path.join(UI_DIR, 'index.html'))) return 'the UI is not built (npm run build in ui/)';
  return null;
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

export async function waitForHealth(base, server, log) {
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

/** The environment without the Stripe settings that the test command's Stripe service exports: a suite's
 * server sells credits only when the suite says so (its `extraEnv`). */
export function withoutStripe(env) {
  return Object.fromEntries(Object.entries(env).filter(([k]) => !k.startsWith('STRIPE_')));
}

/** Starts a server with sign-in on a fresh data dir; `stop()` ends it and removes the data. */
export async function startSignInServer(extraEnv = {}) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pixel-e2e-'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const server = spawn(SERVER_BIN, [], {
    env: {
      ...withoutStripe(process.env),
      PIXEL_DATA_DIR: path.join(dataDir, 'server'),
      PIXEL_BIND: `127.0.0.1:${port}`,
      PIXEL_PUBLIC_URL: base,
      PIXEL_UI_DIR: UI_DIR,
      PIXEL_CHARGING: 'on',
      PIXEL_STARTING_CREDITS: '20',
      // Suites count credits exactly; the achievements suite turns streaks and achievements on.
      PIXEL_ENGAGEMENT: 'off',
      PIXEL_LOG: 'warn',
      GOOGLE_CLIENT_ID: OIDC_CLIENT_ID ?? 'pixel-studio-test',
      GOOGLE_CLIENT_SECRET: OIDC_CLIENT_SECRET ?? 'pixel-studio-test-secret',
      PIXEL_OIDC_ISSUER: OIDC_ISSUER,
      ...extraEnv,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  const keep = (chunk) => {
    log = (log + chunk.toString()).slice(-20_000);
  };
  server.stdout.on('data', keep);
  server.stderr.on('data', keep);
  await waitForHealth(base, server, () => log);
  return {
    base,
    log: () => log,
    async stop() {
      server.kill('SIGTERM');
      if (server.exitCode === null) await new Promise((r) => server.once('exit', r));
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function launchChromium() {
  const pw = await import(
    process.env.PLAYWRIGHT_CORE ?? new URL('../../ui/node_modules/playwright-core/index.mjs', import.meta.url).href
  );
  return pw.chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** A browser context whose sign-in button signs in `email` (the provider approves at once). */
export async function contextFor(browser, email, errors) {
  const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 }, colorScheme: 'dark' });
  ctx.setDefaultTimeout(TIMEOUT);
  const page = await ctx.newPage();
  page.on('pageerror', (e) => errors.push(`${email}: ${e.message}`));
  await page.route('**/auth/google?*', (route) => {
    const url = new URL(route.request().url());
    url.searchParams.set('login_hint', email);
    return route.continue({ url: url.href });
  });
  return { ctx, page };
}

/** Calls an operation from inside the page as the signed-in person (cookie and CSRF token). */
export function op(page, method, input) {
  return page.evaluate(
    async ({ method, input }) => {
      const me = await (await fetch('/api/me')).json();
      const r = await fetch(`/api/ops/${method}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-csrf-token': me.csrf_token },
        body: JSON.stringify(input),
      });
      const body = await r.json();
      if (!r.ok) throw new Error(`${method}: ${r.status} ${JSON.stringify(body)}`);
      return body;
    },
    { method, input },
  );
}

/** A new browser context signed in as `name` (signing in from `where`, a page with the sign-in link). */
export async function signedIn(browser, name, base, errors, where = '/explore') {
  const { ctx, page } = await contextFor(browser, `${name}@example.com`, errors);
  await page.goto(`${base}${where}`);
  await page.getByRole('link', { name: 'Sign in with Google' }).first().click();
  await page.getByRole('button', { name: `Account menu: ${name}` }).waitFor();
  return { ctx, page };
}

/**
 * Calls `check` until it returns something other than `undefined`, and returns that. The waits between
 * calls grow from 100 ms to 1 s: the suites poll through the real API, whose reads are limited per account
 * (300 a minute), so a fixed 100 ms poll of a slow job could spend the page's budget before it loads.
 * Fails with `what` and the last value `describe` gives after `TIMEOUT`.
 */
export async function eventually(what, check, describe = () => '') {
  const deadline = Date.now() + TIMEOUT;
  for (let wait = 100; ; wait = Math.min(wait * 2, 1000)) {
    const found = await check();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what} ${describe()}`.trim());
    await new Promise((r) => setTimeout(r, wait));
  }
}

/** The job once its worker has finished it, succeeded or failed. */
export async function finishedJob(page, jobId) {
  let job;
  return eventually(
    `job ${jobId} finished`,
    async () => {
      job = await op(page, 'generations.get', { job_id: jobId });
      return ['succeeded', 'failed', 'cancelled', 'moderated'].includes(job.state) ? job : undefined;
    },
    () => `(still ${job?.state})`,
  );
}
