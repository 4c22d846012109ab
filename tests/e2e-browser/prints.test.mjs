// Browser end-to-end, print on demand (the server with Stripe's and Printful's loopback fakes,
// `fake-stripe` and `fake-printful`): a buyer opens a creator's public image, picks a canvas, sees the
// server's quote, gives an address and pays on the payment page; the order goes to Printful (which
// downloads the original from the server), the orders page shows it being made, and once Printful ships
// it, its tracking; the creator is paid the 10% royalty in credits. Screenshots of the order form, the
// payment page and the orders page go to tests/artifacts/.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {
  ARTIFACTS,
  SERVER_BIN,
  TIMEOUT,
  eventually,
  finishedJob,
  launchChromium,
  missingForSignIn,
  op,
  signedIn,
  startSignInServer,
} from './oidc-server.mjs';

const bins = ['fake-stripe', 'fake-printful'].map((name) => path.join(path.dirname(SERVER_BIN), name));
const missing = missingForSignIn() ?? bins.map((b) => (fs.existsSync(b) ? null : `no ${path.basename(b)} binary at ${b}`)).find(Boolean) ?? null;
if (missing && process.env.CI) {
  test('prints end-to-end', () => assert.fail(`CI is set but the prints suite cannot run: ${missing}`));
} else if (missing) {
  test('prints end-to-end', { skip: missing }, () => {});
}

/** Starts one fake; resolves to its process and base URL. */
function startFake(bin) {
  const child = spawn(bin, [], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.stdout.once('data', (chunk) => resolve({ child, base: chunk.toString().trim() }));
    child.once('exit', (code) => reject(new Error(`${path.basename(bin)} exited (${code})`)));
  });
}

describe('order a print', { skip: !!missing }, () => {
  let server;
  let stripe;
  let printful;
  let browser;
  const errors = [];
  const stamp = Date.now().toString(36);
  const creator = `painter${stamp}`;
  const buyer = `patron${stamp}`;
  const webhookToken = 'pf-e2e-token';
  const shot = async (page, name) => {
    await page.waitForFunction(() => [...document.images].every((i) => i.complete));
    await page.screenshot({ path: path.join(ARTIFACTS, `e2e-prints-${name}.png`) });
  };

  before(async () => {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    [stripe, printful] = await Promise.all(bins.map(startFake));
    server = await startSignInServer({
      STRIPE_SECRET_KEY: 'sk_test_pixel_fake',
      STRIPE_WEBHOOK_SECRET: 'whsec_pixel_fake',
      STRIPE_API_BASE: stripe.base,
      PRINTFUL_API_KEY: 'pf_test_pixel_fake',
      PRINTFUL_BASE_URL: printful.base,
      PRINTFUL_WEBHOOK_SECRET: webhookToken,
    });
    for (const [fake, url] of [
      [`${stripe.base}_fake/webhook`, `${server.base}/api/payments/stripe`],
      [`${printful.base}/_fake/webhook`, `${server.base}/api/prints/printful?token=${webhookToken}`],
    ]) {
      const set = await fetch(fake, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ url }) });
      assert.equal(set.status, 204);
    }
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    stripe?.child.kill();
    printful?.child.kill();
  });

  test('the buyer orders a canvas, pays, and follows it to shipped; the creator earns the royalty', async () => {
    const c = await signedIn(browser, creator, server.base, errors);
    const made = await op(c.page, 'generations.create', { prompt: `a harbour at dawn ${stamp}`, model: 'local-sketch' });
    const job = await finishedJob(c.page, made.jobs[0].id);
    await op(c.page, 'images.set_visibility', { image_ids: [job.image_id], visibility: 'public' });
    const creatorBefore = (await op(c.page, 'ledger.list', {})).balance;

    const b = await signedIn(browser, buyer, server.base, errors);
    await b.page.goto(`${server.base}/images/${job.image_id}`);
    await b.page.getByRole('button', { name: 'Order a print' }).click();
    const form = b.page.getByRole('form', { name: 'Order a print' });
    await form.getByLabel('Product').selectOption('canvas');
    await form.getByLabel('Size (inches)').selectOption('12x16');
    await form.getByLabel('Full name').fill('Ada Patron');
    await form.getByLabel('Street address').fill('221B Baker Street');
    await form.getByLabel('City').fill('London');
    await form.getByLabel('Postal code').fill('NW1 6XE');
    await form.getByLabel('Country (2 letters)').fill('GB');
    // The server's quote: $29.99 and $7.99 shipping.
    await form.getByLabel('Quote').getByText('$37.98').waitFor({ timeout: TIMEOUT });
    await shot(b.page, '01-order-form');
    await form.getByRole('button', { name: 'Continue to payment' }).click();
    await b.page.waitForURL(/\/c\/pay\//);
    await b.page.getByRole('heading', { name: '$37.98' }).waitFor();
    await shot(b.page, '02-payment-page');
    await b.page.getByRole('button', { name: 'Pay' }).click();

    await b.page.waitForURL(/\/prints\?order=/);
    const orders = b.page.getByRole('list', { name: 'Orders' });
    await orders.waitFor({ timeout: TIMEOUT });
    // Sent to the lab once it was paid: the progress reaches "Being made".
    let status;
    await eventually(
      'the payment\'s webhook sent the order to Printful',
      async () => {
        ({ status } = (await op(b.page, 'prints.list', {})).orders[0] ?? {});
        return status === 'in_production' ? status : undefined;
      },
      () => `(order still ${status})`,
    );
    await b.page.reload();
    await orders.locator('[aria-current="step"]').getByText('Being made').waitFor({ timeout: TIMEOUT });
    await shot(b.page, '03-in-production');

    const shipped = await (await fetch(`${printful.base}/_fake/ship_all`, { method: 'POST' })).json();
    assert.equal(shipped.shipped, 1);
    await b.page.reload();
    await b.page.getByRole('link', { name: /^Track with USPS/ }).waitFor({ timeout: TIMEOUT });
    await shot(b.page, '04-shipped');

    // A second order, left unpaid, is cancelled from the orders page.
    await op(b.page, 'prints.order', {
      image_id: job.image_id, product: 'poster', size: '12x18', quantity: 1,
      recipient: { name: 'Ada Patron', address1: '221B Baker Street', city: 'London', zip: 'NW1 6XE', country_code: 'GB' },
    });
    await b.page.reload();
    const unpaid = orders.getByRole('listitem', { name: 'Order of 1 poster 12x18' });
    await unpaid.getByRole('button', { name: 'Cancel order' }).click();
    await b.page.getByRole('dialog').getByRole('button', { name: 'Cancel order' }).click();
    await unpaid.getByText('Cancelled').waitFor({ timeout: TIMEOUT });
    await shot(b.page, '05-cancelled');

    // 10% of $29.99 at 3 cents a credit.
    assert.equal((await op(c.page, 'ledger.list', {})).balance, creatorBefore + 99);
    await c.ctx.close();
    await b.ctx.close();
    assert.deepEqual(errors, [], 'no uncaught page errors');
  });
});
