// Desktop end-to-end: the real Pixel Studio app (Tauri, WebKitGTK) driven through tauri-driver +
// WebKitWebDriver under Xvfb. Generates a batch of 4 with the offline renderer, checks the images load
// from the pixel:// media scheme, quits, starts the app again on the same library and finds the images
// in the Library. Plain fetch to the W3C WebDriver API, no client library. Run by run.sh, which starts
// Xvfb and tauri-driver and points HOME/XDG_* at a fresh directory.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ARTIFACTS, DATA_DIR, Session, invoke, skip } from './webdriver.mjs';

// Pictures loaded from the media scheme inside `root` (a CSS selector): how many, all decoded.
const LOADED_IMAGES = `
  const root = document.querySelector(arguments[0]);
  if (!root) return null;
  const imgs = [...root.querySelectorAll('img')].filter((i) => /^(pixel:|http:\\/\\/pixel\\.localhost)/.test(i.src));
  return imgs.map((i) => ({ src: i.src, complete: i.complete, width: i.naturalWidth }));
`;

describe('desktop app: generate offline, images show, library survives a restart', { skip }, () => {
  const prompt = `desktop lighthouse at dusk ${Date.now().toString(36)}`;
  let session;

  before(() => fs.mkdirSync(ARTIFACTS, { recursive: true }));
  after(async () => {
    await session?.quit().catch(() => undefined);
  });

  test('the app starts on the Create page with the offline renderer', async () => {
    session = await Session.start();
    await session.until('the Create form', `return !!document.querySelector('form[aria-label="Create images"] textarea')`);
    const model = await session.until(
      'the model picker',
      `const m = document.querySelector('[aria-label="Model"]'); return m && m.textContent;`,
    );
    assert.match(model, /offline/i, `the offline renderer is preselected without keys (picker says: ${model})`);
    const desktop = await session.exec('return !!window.__TAURI_INTERNALS__');
    assert.equal(desktop, true, 'the page runs inside the Tauri shell');
  });

  test('the webview reaches only its own commands: no dialog, opener or file system plugin', async () => {
    for (const [command, args] of [
      ['plugin:dialog|save', { options: {} }],
      ['plugin:opener|open_path', { path: '/etc' }],
      ['plugin:fs|read_file', { path: '/etc/passwd' }],
    ]) {
      const r = await invoke(session, command, args);
      assert.ok(r.err !== undefined && r.ok === undefined, `${command} must be refused (got ${JSON.stringify(r)})`);
    }
    const reveal = await invoke(session, 'reveal_path', { path: '/etc/passwd' });
    assert.equal(reveal.err?.code, 'invalid_input', 'only files this session saved can be revealed');
  });

  test('without a keychain (no D-Bus session), saving a key fails clearly and the app works on', async () => {
    const r = await invoke(session, 'keys_set', { provider: 'openai', key: 'sk-e2e-no-keychain' });
    assert.equal(r.err?.code, 'internal', JSON.stringify(r));
    assert.match(r.err.message, /keychain/i);
    assert.doesNotMatch(r.err.message, /sk-e2e/);
    const keys = await invoke(session, 'keys_list');
    assert.ok(keys.ok.every((k) => k.stored === false));
  });

  test('generates a batch of 4 and the images load from the pixel scheme', async () => {
    const box = await session.find('form[aria-label="Create images"] textarea');
    await session.type(box, prompt);
    const more = await session.find('button[aria-label="More images"]');
    for (let i = 0; i < 3; i++) await session.click(more);
    const n = await session.exec(`return document.querySelector('form[aria-label="Create images"] input[id$="-n"]').value`);
    assert.equal(n, '4');
    assert.equal(await session.exec(`return document.querySelector('[data-testid="cost"]').textContent`), 'Free');
    await session.screenshot('01-create');
    await session.click(await session.find('form[aria-label="Create images"] button[type="submit"]'));

    const card = `article[aria-label=${JSON.stringify(`Set: ${prompt}`)}]`;
    await session.until(
      '4 image links in the set card',
      `const c = document.querySelector(arguments[0]); return c && [1, 2, 3, 4].every((n) => c.querySelector('a[aria-label="Open image ' + n + '"]'));`,
      card,
    );
    const imgs = await session.until(
      '4 decoded thumbnails',
      `const r = (function () {${LOADED_IMAGES}}).apply(null, arguments); return r && r.length >= 4 && r.every((i) => i.complete && i.width > 0) && r;`,
      card,
    );
    assert.equal(imgs.length, 4);
    for (const i of imgs) assert.match(i.src, /\/media\/[A-Za-z0-9_-]+\/thumb$/);
    await session.screenshot('02-generated');
  });

  test('opens an image: the original loads through the media scheme', async () => {
    const card = `article[aria-label=${JSON.stringify(`Set: ${prompt}`)}]`;
    await session.click(await session.find(`${card} a[aria-label="Open image 1"]`));
    const original = await session.until(
      'the original image',
      `const i = [...document.querySelectorAll('main img')].find((i) => /\\/original$/.test(i.src));
       // Loaded, and done fading in over its placeholder (or the shot catches it half transparent).
       const shown = i && i.complete && i.naturalWidth > 0 && getComputedStyle(i).opacity === '1' && !i.getAnimations().length;
       return shown && { src: i.src, width: i.naturalWidth, height: i.naturalHeight };`,
    );
    assert.ok(original.width >= 256, `full-size original (${original.width}x${original.height})`);
    await session.screenshot('03-image');
  });

  test('after quitting and starting again, the library lists the 4 images', async () => {
    await session.quit();
    session = undefined;
    if (DATA_DIR) assert.ok(fs.existsSync(path.join(DATA_DIR, 'library.db')), `library.db in ${DATA_DIR}`);
    session = await Session.start();
    const library = await session.until('the Library link', `return document.querySelector('nav[aria-label="Main"] a[href="/library"]')`);
    assert.ok(library);
    await session.click(await session.find('nav[aria-label="Main"] a[href="/library"]'));
    const tiles = await session.until(
      'the 4 images in the library',
      `const links = [...document.querySelectorAll('main a[href^="/images/"]')].filter((a) => a.getAttribute('aria-label') === arguments[0]);
       const imgs = links.map((a) => a.querySelector('img:not([aria-hidden])')).filter(Boolean);
       return links.length === 4 && imgs.every((i) => i.complete && i.naturalWidth > 0) && imgs.map((i) => i.src);`,
      prompt,
    );
    assert.equal(tiles.length, 4);
    await session.screenshot('04-library-after-restart');
  });
});
