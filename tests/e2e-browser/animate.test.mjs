// Browser end-to-end: Animate on a still made offline opens the create form on it with Runway
// Gen-4 Turbo (the Runway loopback fake configured), the image shown and the clip priced. The clip
// itself is made through jobs in crates/pixel-server/tests/video_providers.rs; making it here timed
// out in the full suite once (under investigation, see the issue note). Runs against a real server
// at PIXEL_E2E_URL with node --test.
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

if (!BASE) test('animate end-to-end', { skip: 'set PIXEL_E2E_URL to the server origin to run browser tests' }, () => {});

describe('a library image is animated', { skip: !BASE }, () => {
  let browser;
  let page;
  const errors = [];
  const prompt = `e2e kite over dunes ${Date.now().toString(36)}`;

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

  test('Animate on a still opens the create form on it with the image-to-video model', async () => {
    await page.goto(`${BASE}/`);
    // Made offline: the credits are the clip's.
    await page.getByRole('combobox', { name: 'Model' }).click();
    await page.getByRole('option', { name: /Offline sketch renderer/ }).click();
    await page.getByRole('textbox', { name: 'Prompt', exact: true }).fill(prompt);
    await page.getByRole('textbox', { name: 'Prompt', exact: true }).press('Control+Enter');
    const card = page.getByRole('article', { name: `Set: ${prompt}` });
    await card.getByRole('link', { name: 'Open image 1' }).click();
    await page.waitForURL(/\/images\//);
    await page.getByRole('link', { name: 'Animate' }).click();
    await page.waitForURL(/\?animate=/);
    await page.getByText(`Animating ${prompt}`).waitFor();
    await page.getByRole('combobox', { name: 'Model' }).getByText(/Runway Gen-4 Turbo/).waitFor();
    await page.getByLabel('Length').selectOption('2');
    await page.getByTestId('cost').getByText('9 credits').waitFor();
    await page.screenshot({ path: path.join(ARTIFACTS, 'e2e-animate-form.png') });
    assert.deepEqual(errors, []);
  });
});
