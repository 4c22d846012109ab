#!/usr/bin/env node
// Screenshots of the desktop app's team-server UI (Settings > Team server, Publish to server on an image), for
// visual review. The page runs as if inside the desktop shell: a stand-in `__TAURI_INTERNALS__` answers the
// shell's commands (operations go to the dev mock, which this script starts; the server commands answer from
// an in-page fake that the script drives).
//   npm run build && node scripts/desktop-server-screenshots.mjs [outDir]
import { chromium } from 'playwright-core';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const out = process.argv[2] ?? path.join(here, '..', '..', 'tests', 'artifacts');
fs.mkdirSync(out, { recursive: true });
const PORT = Number(process.env.MOCK_PORT ?? 8797);
const base = `http://127.0.0.1:${PORT}`;

const mock = spawn(process.execPath, [path.join(here, 'dev-mock.mjs'), '--dist'], {
  env: { ...process.env, MOCK_PORT: String(PORT), MOCK_SEED: '12', MOCK_LATENCY: '5' },
  stdio: ['ignore', 'pipe', 'inherit'],
});
await new Promise((resolve, reject) => {
  mock.stdout.on('data', (d) => {
    if (String(d).includes(String(PORT))) resolve();
  });
  mock.on('exit', (code) => reject(new Error(`dev mock exited (${code})`)));
});

/** Runs in the page before the app: the desktop shell, faked. `initial` is the server status to start with. */
function fakeShell(initial) {
  let next = 1;
  const callbacks = new Map();
  const listeners = new Map();
  // Kept across page loads (page.goto), like the shell's own state.
  const server = {
    get status() {
      const saved = sessionStorage.getItem('fake-server-status');
      return saved === null ? initial : JSON.parse(saved);
    },
    set status(s) {
      sessionStorage.setItem('fake-server-status', JSON.stringify(s));
    },
    publishError: null,
    account: {
      id: 'su_1', username: 'grace', email: 'grace@example.com', role: 'user', credits: 1280, charging: true,
      settings: { profile_private: false, default_visibility: 'public', notifications: {}, theme: 'system' },
      auth_mode: 'oidc', csrf_token: null,
    },
  };
  const emit = (event, payload) => {
    for (const [id, ev] of listeners) if (ev === event) callbacks.get(id)?.({ event, id, payload });
  };
  window.__fakeServer = {
    emit: (status) => {
      server.status = status;
      emit('server-status', status);
    },
    signedIn: (over = {}) => ({ server: 'https://pixel.example.com', signed_in: true, account: server.account, problem: null, pending: false, ...over }),
    failPublish: (err) => {
      server.publishError = err;
    },
  };
  const commands = {
    desktop_info: () => ({ media_base: location.origin, version: '0.1.0', data_dir: '/home/ada/.local/share/pixel-studio' }),
    events: () => null,
    take_pending_deep_link: () => null,
    keys_list: () => [
      { provider: 'openai', name: 'OpenAI', stored: true },
      { provider: 'stability', name: 'Stability AI', stored: false },
    ],
    server_status: () => server.status,
    server_sign_in: ({ server: url }) => {
      server.status = { ...server.status, pending: true, problem: null, server: server.status.server };
      server.signingInto = url;
      return null;
    },
    server_sign_out: () => {
      server.status = { ...server.status, signed_in: false, account: null, problem: null, pending: false };
      return server.status;
    },
    server_publish: () => {
      if (server.publishError) throw server.publishError;
      return { server_image_id: 'simg_7Hq2', url: 'https://pixel.example.com/image/simg_7Hq2' };
    },
    'plugin:event|listen': ({ event, handler }) => {
      listeners.set(handler, event);
      return handler;
    },
    'plugin:event|unlisten': ({ eventId }) => {
      listeners.delete(eventId);
      return null;
    },
    op: async ({ method, input }) => {
      const res = await fetch(`/api/ops/${method}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(input ?? {}),
      });
      const body = await res.json();
      if (!res.ok) throw body.error;
      return body;
    },
  };
  window.__TAURI_EVENT_PLUGIN_INTERNALS__ = { unregisterListener: () => undefined };
  window.__TAURI_INTERNALS__ = {
    transformCallback(cb) {
      const id = next++;
      callbacks.set(id, cb);
      return id;
    },
    unregisterCallback(id) {
      callbacks.delete(id);
    },
    async invoke(cmd, args) {
      const handle = commands[cmd];
      if (!handle) throw `command ${cmd} not found`;
      // A little latency, like the real shell.
      await new Promise((r) => setTimeout(r, 20));
      return handle(args ?? {});
    },
  };
}

const signedOut = { server: null, signed_in: false, account: null, problem: null, pending: false };

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
let failed = false;
try {
  const open = async (initial, colorScheme = 'dark') => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme });
    await ctx.addInitScript(fakeShell, initial);
    const page = await ctx.newPage();
    page.setDefaultTimeout(15_000);
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') console.log('[console]', m.type(), m.text());
    });
    page.on('pageerror', (e) => console.log('[pageerror]', e.message));
    return page;
  };
  const shot = async (target, name) => {
    const file = path.join(out, `desktop-server-${name}.png`);
    await target.screenshot({ path: file });
    console.log('saved', file);
  };

  // Settings, signed out.
  let page = await open(signedOut);
  await page.goto(`${base}/settings`);
  const section = page.locator('section', { has: page.getByRole('heading', { name: 'Team server' }) });
  await section.getByLabel('Server address').waitFor();
  await page.waitForTimeout(300);
  await section.scrollIntoViewIfNeeded();
  await shot(page, '01-settings-signed-out');

  // Waiting for the browser.
  await section.getByLabel('Server address').fill('pixel.example.com');
  await section.getByRole('button', { name: 'Sign in' }).click();
  await section.getByText('Waiting for the browser…').waitFor();
  await page.waitForTimeout(200);
  await shot(section, '02-pending');

  // The browser came back with a refused code.
  await page.evaluate(() =>
    window.__fakeServer.emit({ server: null, signed_in: false, account: null, problem: 'the server refused the sign-in code (it expired); sign in again', pending: false }),
  );
  await section.getByText(/refused the sign-in code/).waitFor();
  await page.waitForTimeout(200);
  await shot(section, '03-sign-in-failed');

  // Signed in.
  await page.evaluate(() => window.__fakeServer.emit(window.__fakeServer.signedIn()));
  await section.getByText('grace@example.com').waitFor();
  await page.waitForTimeout(200);
  await shot(page, '04-settings-signed-in');
  await shot(section, '05-signed-in-section');

  // Signed in, server unreachable.
  await page.evaluate(() =>
    window.__fakeServer.emit(
      window.__fakeServer.signedIn({ account: null, problem: 'could not reach https://pixel.example.com: error sending request (connection refused)' }),
    ),
  );
  await section.getByText(/Could not reach/).waitFor();
  await page.waitForTimeout(200);
  await shot(section, '06-signed-in-unreachable');

  // An image, signed in: Publish to server.
  await page.evaluate(() => window.__fakeServer.emit(window.__fakeServer.signedIn()));
  await page.goto(`${base}/library`);
  await page.locator('a[href^="/images/"]').first().click();
  const publish = page.getByRole('button', { name: 'Publish to server' });
  await publish.waitFor();
  await page.waitForTimeout(500);
  await shot(page, '07-image-publish');

  await page.evaluate(() => window.__fakeServer.failPublish({ code: 'unavailable', message: 'could not reach https://pixel.example.com: connection refused' }));
  await publish.click();
  await page.getByRole('alert').waitFor();
  await page.waitForTimeout(200);
  const card = page.locator('section', { has: page.getByRole('heading', { name: 'Team server' }) });
  await shot(card, '08-publish-error');

  await page.evaluate(() => window.__fakeServer.failPublish(null));
  await page.getByRole('radio', { name: 'Private' }).last().click();
  await publish.click();
  await page.getByText('Published', { exact: true }).waitFor();
  await page.waitForTimeout(200);
  await shot(page, '09-image-published');
  await page.context().close();

  // Light theme, signed in.
  page = await open({ server: 'https://pixel.example.com', signed_in: true, account: null, problem: null, pending: false }, 'light');
  await page.goto(`${base}/settings`);
  await page.evaluate(() => window.__fakeServer.emit(window.__fakeServer.signedIn()));
  const light = page.locator('section', { has: page.getByRole('heading', { name: 'Team server' }) });
  await light.getByText('grace@example.com').waitFor();
  await page.waitForTimeout(300);
  await shot(light, '10-signed-in-light');
  await page.context().close();
} catch (err) {
  failed = true;
  console.error(err);
} finally {
  await browser.close();
  mock.kill();
}
process.exit(failed ? 1 : 0);
