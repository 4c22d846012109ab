// Browser end-to-end: a clip made with the offline clip renderer from the create page, opened from its
// set, played and sought in Chromium's own player (H.264 in MP4, served with ranges).
// Runs against a real server at PIXEL_E2E_URL with node --test.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium } from './oidc-server.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const BASE = process.env.PIXEL_E2E_URL?.replace(/\/$/, '');
const ARTIFACTS = process.env.PIXEL_E2E_ARTIFACTS ?? path.join(here, '..', 'artifacts');
const TIMEOUT = Number(process.env.PIXEL_E2E_TIMEOUT_MS ?? 90_000);

if (!BASE) test('video end-to-end', { skip: 'set PIXEL_E2E_URL to the server origin to run browser tests' }, () => {});

describe('a clip is made, played and sought', { skip: !BASE }, () => {
  let browser;
  let page;
  const errors = [];
  const prompt = `e2e lanterns over a harbour ${Date.now().toString(36)}`;

  before(async () => {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    browser = await launchChromium();
    const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 }, colorScheme: 'dark' });
    ctx.setDefaultTimeout(TIMEOUT);
    page = await ctx.newPage();
    page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  });

  after(async () => {
    await browser?.close();
  });

  test('the create page makes a 2 s clip with the offline clip renderer', async () => {
    await page.goto(`${BASE}/`);
    const picker = page.getByRole('combobox', { name: 'Model' });
    await picker.click();
    await page.getByRole('option', { name: /Offline clip renderer/ }).click();
    await page.getByRole('radiogroup', { name: 'Size' }).getByRole('radio', { name: /Small 16:9/ }).click();
    await page.getByLabel('Length').selectOption('2');
    await page.getByRole('textbox', { name: 'Prompt', exact: true }).fill(prompt);
    await page.getByRole('textbox', { name: 'Prompt', exact: true }).press('Control+Enter');
    const card = page.getByRole('article', { name: `Set: ${prompt}` });
    await card.getByRole('link', { name: 'Open image 1' }).waitFor();
    await card.getByText('Video').waitFor();
  });

  test('the clip plays and seeks in the browser', async () => {
    const card = page.getByRole('article', { name: `Set: ${prompt}` });
    await card.getByRole('link', { name: 'Open set' }).click();
    await page.waitForURL(/\/sets\//);
    await page.getByRole('link', { name: 'Details' }).first().click();
    await page.waitForURL(/\/images\//);
    const player = page.locator('main video');
    await player.waitFor();
    const facts = await player.evaluate(async (v) => {
      // Muted, a page may start playback itself.
      v.muted = true;
      await v.play();
      await new Promise((r) => setTimeout(r, 600));
      const playedTo = v.currentTime;
      v.pause();
      // Seeking needs the server's ranges: the player asks for the part it needs.
      v.currentTime = 1.5;
      await new Promise((r) => v.addEventListener('seeked', r, { once: true }));
      return {
        duration: v.duration,
        width: v.videoWidth,
        height: v.videoHeight,
        playedTo,
        seekedTo: v.currentTime,
        error: v.error?.message ?? null,
      };
    });
    assert.equal(facts.error, null);
    assert.deepEqual([facts.width, facts.height], [640, 360]);
    assert.ok(Math.abs(facts.duration - 2) < 0.1, `duration ${facts.duration}`);
    assert.ok(facts.playedTo > 0.1, `it played to ${facts.playedTo}`);
    assert.ok(Math.abs(facts.seekedTo - 1.5) < 0.1, `it sought to ${facts.seekedTo}`);
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    await page.screenshot({ path: path.join(ARTIFACTS, 'e2e-video.png') });
    assert.deepEqual(errors, []);
  });
});
