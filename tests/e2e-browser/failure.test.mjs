// Browser end-to-end: a failing provider (the OpenAI loopback fake answering 500) shows its error in plain
// words and the refund, and the balance comes back. Runs against PIXEL_E2E_URL with charging on.
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

test('a failing provider shows why and the refund', { skip: !BASE && 'set PIXEL_E2E_URL' }, async () => {
  const account = await (await fetch(`${BASE}/api/ops/account.get`, { method: 'POST', headers: JSON_BODY, body: '{}' })).json();
  assert.equal(account.charging, true, 'run with PIXEL_CHARGING=on');
  const before = account.balance;
  await page.goto(`${BASE}/`);
  const picker = page.getByRole('combobox', { name: 'Model' });
  await picker.click();
  await page.getByRole('option', { name: /GPT Image 2/ }).click();
  const prompt = `[500] an e2e provider outage ${Date.now().toString(36)}`;
  await page.getByRole('textbox', { name: /prompt/i }).fill(prompt);
  await page.getByRole('button', { name: /Generate/ }).click();
  // Other suites leave failed jobs in the queue too: look only at this set's card.
  const card = page.getByRole('article', { name: `Set: ${prompt}` });
  await card.getByText('6 credits refunded').first().waitFor();
  await card.getByText(/provider had a problem/i).first().waitFor();
  await page.screenshot({ path: path.join(ARTIFACTS, 'e2e-10-provider-failure.png') });
  const after = await (await fetch(`${BASE}/api/ops/account.get`, { method: 'POST', headers: JSON_BODY, body: '{}' })).json();
  assert.equal(after.balance, before, 'the reservation came back');
});
