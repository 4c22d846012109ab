// The W3C WebDriver client the desktop end-to-end tests share: plain fetch to tauri-driver, one app
// session at a time (the app starts with a session and quits when it ends).
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const here = path.dirname(fileURLToPath(import.meta.url));
export const DRIVER = process.env.PIXEL_DESKTOP_DRIVER?.replace(/\/$/, '');
export const APP = process.env.PIXEL_DESKTOP_APP;
export const DATA_DIR = process.env.PIXEL_DESKTOP_DATA_DIR;
export const ARTIFACTS = process.env.PIXEL_E2E_ARTIFACTS ?? path.join(here, '..', 'artifacts');
export const TIMEOUT = Number(process.env.PIXEL_E2E_TIMEOUT_MS ?? 60_000);
export const skip = !DRIVER || !APP ? 'run through tests/e2e-desktop/run.sh (needs tauri-driver and the app)' : false;

const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf';

const TRACE = !!process.env.PIXEL_E2E_TRACE;

export async function wd(method, url, body) {
  if (TRACE) console.error(`webdriver: ${method} ${url.replace(/^\/session\/[^/]+/, '')} ${body ? JSON.stringify(body).slice(0, 120) : ''}`);
  const res = await fetch(`${DRIVER}${url}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    // A WebDriver call that hangs fails the test instead of the whole run.
    signal: AbortSignal.timeout(TIMEOUT),
  });
  const json = await res.json().catch(() => ({}));
  if (!res.ok) {
    const v = json.value ?? {};
    throw new Error(`${method} ${url}: ${res.status} ${v.error ?? ''} ${v.message ?? JSON.stringify(json)}`);
  }
  return json.value;
}

/** One app session: the app starts with it and quits when it ends. */
export class Session {
  static async start() {
    const value = await wd('POST', '/session', {
      capabilities: { alwaysMatch: { browserName: 'wry', 'tauri:options': { application: APP } } },
    });
    return new Session(value.sessionId);
  }
  constructor(id) {
    this.id = id;
  }
  url(p) {
    return `/session/${this.id}${p}`;
  }
  /** Runs a function body in the page (`arguments` are the args). */
  exec(script, ...args) {
    return wd('POST', this.url('/execute/sync'), { script, args });
  }
  async find(css) {
    const v = await wd('POST', this.url('/element'), { using: 'css selector', value: css });
    return v[ELEMENT];
  }
  click(el) {
    return wd('POST', this.url(`/element/${el}/click`), {});
  }
  type(el, text) {
    return wd('POST', this.url(`/element/${el}/value`), { text });
  }
  /** Polls a page-side condition (a function body returning a truthy value) until it holds. */
  async until(what, script, ...args) {
    const deadline = Date.now() + TIMEOUT;
    let last;
    for (;;) {
      try {
        last = await this.exec(script, ...args);
        if (last) return last;
      } catch (e) {
        last = e.message;
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (last: ${JSON.stringify(last)})`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  /** The app's window as the user sees it (menu bar included), from the X screen. WebDriver's own
   * screenshot command hangs in WebKitWebDriver under Xvfb after some page updates, so it is not used. */
  async screenshot(name) {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    // Two frames, so the last state change is painted before the shot.
    await wd('POST', this.url('/execute/async'), {
      script: 'const done = arguments[0]; requestAnimationFrame(() => requestAnimationFrame(() => done(true)));',
      args: [],
    });
    const rect = await wd('GET', this.url('/window/rect'));
    const crop = `${Math.round(rect.width)}x${Math.round(rect.height)}+${Math.max(0, Math.round(rect.x))}+${Math.max(0, Math.round(rect.y))}`;
    execFileSync('import', ['-window', 'root', '-crop', crop, '+repage', path.join(ARTIFACTS, `desktop-${name}.png`)], {
      stdio: 'ignore',
      timeout: 20_000,
    });
  }
  async quit() {
    await wd('DELETE', `/session/${this.id}`);
  }
}

/** Calls one of the app's commands from the page, as the UI does; resolves to {ok} or {err}. */
export function invoke(session, command, args = {}) {
  return wd('POST', session.url('/execute/async'), {
    script: `const done = arguments[2];
      window.__TAURI_INTERNALS__.invoke(arguments[0], arguments[1]).then((ok) => done({ ok }), (err) => done({ err }));`,
    args: [command, args],
  });
}
