// Browser end-to-end: one prompt on two models side by side. The offline renderer makes its images while
// DALL·E 2 (the OpenAI loopback fake answering 500 for "[500]" prompts) fails; its column says why and that
// its credit was refunded, and the balance comes back. Runs against PIXEL_E2E_URL with charging on.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const BASE = process.env.PIXEL_E2E_URL?.replace(/\/$/, '');
// The server takes operations only as JSON (a cross-site "simple" request cannot send this type).
const JSON_BODY = { 'content-type': 'application/json' };
const ARTIFACTS = process.env.PIXEL_E2E_ARTIFACTS ?? path.join(here, '..', 'artifacts');

let browser;
let page;

const op = async (method, input = {}) =>
  (await fetch(`${BASE}/api/ops/${method}`, { method: 'POST', headers: JSON_BODY, body: JSON.stringify(input) })).json();
const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

before(async () => {
  if (!BASE) return;
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const pw = await import(new URL('../../ui/node_modules/playwright-core/index.mjs', import.meta.url).href);
  browser = await pw.chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  page = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
  page.setDefaultTimeout(60_000);
});

after(async () => {
  await browser?.close();
});

test('a comparison shows each model side by side, a failing one with its refund', { skip: !BASE && 'set PIXEL_E2E_URL' }, async () => {
  const account = await op('account.get');
  assert.equal(account.charging, true, 'run with PIXEL_CHARGING=on');
  const balanceBefore = account.balance;
  const { models } = await op('catalogue.list');
  const sketch = models.find((m) => m.id === 'local-sketch');
  const gpt = models.find((m) => m.id === 'gpt-image-2');
  assert.ok(sketch && gpt, 'the catalogue has local-sketch and gpt-image-2');

  await page.goto(`${BASE}/compare`);
  await page.getByRole('textbox', { name: 'Prompt', exact: true }).fill('[500] an e2e comparison of a lighthouse');
  // The checkbox is visually hidden inside its card: check it through its label.
  await page.getByRole('checkbox', { name: new RegExp(`^${escape(sketch.name)}`) }).check({ force: true });
  await page.getByRole('checkbox', { name: new RegExp(`^${escape(gpt.name)}`) }).check({ force: true });
  await page.getByTestId('cost').getByText(gpt.credits === 1 ? '1 credit' : `${gpt.credits} credits`).waitFor();
  await page.screenshot({ path: path.join(ARTIFACTS, 'e2e-20-compare-form.png') });
  await page.getByRole('button', { name: /^Compare/ }).click();
  await page.waitForURL(/\/compare\/[^/]+$/);
  const comparisonId = page.url().split('/').pop();

  const offline = page.getByRole('region', { name: sketch.name, exact: true });
  const failing = page.getByRole('region', { name: gpt.name, exact: true });
  await offline.getByRole('link', { name: 'Open image 1' }).waitFor();
  await offline.getByText('Offline renderer — not an AI model').waitFor();
  await failing.getByText(/provider had a problem/i).first().waitFor();
  await failing.getByText(`${gpt.credits} credits refunded`).first().waitFor();
  await page.screenshot({ path: path.join(ARTIFACTS, 'e2e-21-compare-view.png'), fullPage: true });

  const detail = await op('comparisons.get', { comparison_id: comparisonId });
  assert.deepEqual(detail.sets.map((s) => s.set.params.model), ['local-sketch', 'gpt-image-2'], 'one set per model, in order');
  assert.ok(detail.sets.every((s) => s.set.comparison_id === comparisonId));
  const after = await op('account.get');
  assert.equal(after.balance, balanceBefore, "GPT Image 2's reservation came back");

  // Each set links back to its comparison; an image opens its detail.
  await failing.getByRole('link', { name: /Open the .* set/ }).click();
  await page.getByRole('link', { name: 'Part of a comparison' }).click();
  await page.waitForURL(new RegExp(`/compare/${comparisonId}$`));
  await offline.getByRole('link', { name: 'Open image 1' }).click();
  await page.waitForURL(/\/images\//);
});
