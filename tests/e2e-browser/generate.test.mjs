// Browser end-to-end: generate a batch with the offline renderer, watch it, open the set and an image,
// remix it, and delete it. Runs against a real server at PIXEL_E2E_URL with node --test.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const BASE = process.env.PIXEL_E2E_URL?.replace(/\/$/, '');
const ARTIFACTS = process.env.PIXEL_E2E_ARTIFACTS ?? path.join(here, '..', 'artifacts');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const TIMEOUT = Number(process.env.PIXEL_E2E_TIMEOUT_MS ?? 60_000);

if (!BASE) test('browser end-to-end', { skip: 'set PIXEL_E2E_URL to the server origin to run browser tests' }, () => {});

describe('create → set → image → remix → delete', { skip: !BASE }, () => {
  /** @type {import('playwright-core').Browser} */
  let browser;
  /** @type {import('playwright-core').Page} */
  let page;
  const errors = [];
  const prompt = `e2e lighthouse on a cliff ${Date.now().toString(36)}`;
  let imageUrl = '';

  const imagesLoaded = () =>
    page.waitForFunction(() => [...document.images].every((i) => i.complete), undefined, { timeout: 10_000 }).catch(() => undefined);
  // The detail page fades the original in over its placeholder once it has loaded: wait for the picture
  // itself (loaded, decoded, fully opaque) and a painted frame, or the shot catches it mid-fade.
  const detailImageShown = async () => {
    const img = page.locator('main img[width][height]:not([aria-hidden])').first();
    await img.waitFor();
    await img.evaluate((el) => el.decode().catch(() => undefined));
    await page.waitForFunction(
      () => {
        const el = document.querySelector('main img[width][height]:not([aria-hidden])');
        return !!el && el.complete && el.naturalWidth > 0 && getComputedStyle(el).opacity === '1' && !el.getAnimations().length;
      },
      undefined,
      { timeout: 10_000 },
    );
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  };
  const shot = async (name, { waitForImages = true } = {}) => {
    if (waitForImages) await imagesLoaded();
    await page.screenshot({ path: path.join(ARTIFACTS, `e2e-${name}.png`) });
  };

  before(async () => {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
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
    page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  });

  after(async () => {
    await browser?.close();
  });

  test('the create page loads with the offline renderer available', async () => {
    await page.goto(`${BASE}/`);
    const picker = page.getByRole('combobox', { name: 'Model' });
    await picker.waitFor();
    await picker.click();
    await page.getByRole('option', { name: /Offline sketch renderer/ }).click();
    await assert.doesNotReject(picker.filter({ hasText: 'Offline renderer — not an AI model' }).waitFor());
    await shot('01-create');
  });

  test('generates a batch of 3 and shows progress then thumbnails', async () => {
    await page.getByRole('textbox', { name: 'Prompt', exact: true }).fill(prompt);
    const more = page.getByRole('button', { name: 'More images' });
    await more.click();
    await more.click();
    assert.equal(await page.getByTestId('cost').textContent(), 'Free');
    await page.getByRole('textbox', { name: 'Prompt', exact: true }).press('Control+Enter');

    const card = page.getByRole('article', { name: `Set: ${prompt}` });
    await card.waitFor();
    // Progress bars appear while queued/running (the offline renderer can be quick, so don't insist).
    await card.getByRole('progressbar').first().waitFor({ timeout: 3000 }).catch(() => undefined);
    await shot('02-progress', { waitForImages: false });
    // Each tile becomes a link as its image arrives; under load they arrive in any order.
    for (const n of [1, 2, 3]) await card.getByRole('link', { name: `Open image ${n}` }).waitFor();
    assert.equal(await card.getByRole('link', { name: /^Open image \d$/ }).count(), 3);
    await assert.doesNotReject(card.getByText('3/3 done').waitFor());
    await shot('03-done');
  });

  test('opens the set with its images and records', async () => {
    const card = page.getByRole('article', { name: `Set: ${prompt}` });
    await card.getByRole('link', { name: 'Open set' }).click();
    await page.waitForURL(/\/sets\//);
    await page.getByRole('heading', { name: prompt }).waitFor();
    assert.equal(await page.getByRole('link', { name: 'Details' }).count(), 3);
    await shot('04-set');
  });

  test('opens an image with its full generation record', async () => {
    await page.getByRole('link', { name: 'Details' }).first().click();
    await page.waitForURL(/\/images\//);
    imageUrl = page.url();
    const record = page.getByRole('complementary', { name: 'Generation record' });
    await record.getByText(prompt).first().waitFor();
    for (const label of ['Model', 'Provider', 'Size', 'Seed', 'Cost']) {
      await assert.doesNotReject(record.getByText(label, { exact: true }).first().waitFor(), label);
    }
    await detailImageShown();
    await shot('05-image');
  });

  test('remixes the image and keeps lineage', async () => {
    await page.getByRole('link', { name: 'Remix' }).click();
    await page.waitForURL(/\/\?remix=/);
    await page.getByText('Remixing').waitFor();
    const promptBox = page.getByRole('textbox', { name: 'Prompt', exact: true });
    assert.equal(await promptBox.inputValue(), prompt);
    await promptBox.fill(`${prompt} remix`);
    await shot('06-remix-form');
    await page.getByRole('button', { name: 'Generate' }).click();
    const card = page.getByRole('article', { name: `Set: ${prompt} remix` });
    await card.getByRole('link', { name: 'Open image 1' }).click();
    await page.waitForURL(/\/images\//);
    await page.getByText('Remix of').waitFor();
    await detailImageShown();
    await shot('07-remix-detail');
  });

  test('deletes the original image', async () => {
    await page.goto(imageUrl);
    await page.getByRole('button', { name: 'Delete' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    await shot('08-delete-confirm');
    await dialog.getByRole('button', { name: 'Delete' }).click();
    await page.waitForURL(/\/library$/);
    await page.goto(imageUrl);
    await page.getByRole('heading', { name: 'Not found' }).waitFor();
    await shot('09-deleted');
    assert.deepEqual(errors, []);
  });
});
