// Browser end-to-end, buying credits: a server that sells packs through Stripe Checkout (the loopback
// fake of Stripe's API and hosted page, `fake-stripe`), a signed-in buyer who picks a pack on the account
// page, pays on the payment page, comes back, and sees the credits arrive without a reload (the fake
// sends the signed webhook as Stripe does; the server credits it and pushes the new balance).
// Then the buyer tips another creator from their profile, and the creator is told live with the
// message. Screenshots of the packs, the payment page, the credited balance and the tip go to
// tests/artifacts/.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {
  ARTIFACTS,
  SERVER_BIN,
  TIMEOUT,
  contextFor,
  launchChromium,
  missingForSignIn,
  startSignInServer,
} from './oidc-server.mjs';

// Built beside the server (pixel-testkit's bin).
const fakeBin = path.join(path.dirname(SERVER_BIN), 'fake-stripe');

const missing = missingForSignIn() ?? (fs.existsSync(fakeBin) ? null : `no fake-stripe binary at ${fakeBin}`);
if (missing && process.env.CI) {
  test('credits end-to-end', () => assert.fail(`CI is set but the credits suite cannot run: ${missing}`));
} else if (missing) {
  test('credits end-to-end', { skip: missing }, () => {});
}

/** Starts the Stripe fake; resolves to its base URL (ends with /). */
function startFakeStripe() {
  const child = spawn(fakeBin, [], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.stdout.once('data', (chunk) => resolve({ child, base: chunk.toString().trim() }));
    child.once('exit', (code) => reject(new Error(`fake-stripe exited (${code})`)));
  });
}

describe('buy a credit pack through Stripe Checkout', { skip: !!missing }, () => {
  let server;
  let stripe;
  let browser;
  const errors = [];
  const user = `buyer${Date.now().toString(36)}`;
  const shot = (page, name) => page.screenshot({ path: path.join(ARTIFACTS, `e2e-credits-${name}.png`) });

  before(async () => {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    stripe = await startFakeStripe();
    server = await startSignInServer({
      STRIPE_SECRET_KEY: 'sk_test_pixel_fake',
      STRIPE_WEBHOOK_SECRET: 'whsec_pixel_fake',
      STRIPE_API_BASE: stripe.base,
      // Small enough that one tip can be paid out.
      PIXEL_PAYOUT_MINIMUM_CREDITS: '20',
      PIXEL_PAYOUT_HOLD_DAYS: '0',
    });
    const set = await fetch(`${stripe.base}_fake/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ url: `${server.base}/api/payments/stripe` }),
    });
    assert.equal(set.status, 204);
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    stripe?.child.kill();
  });

  test('the buyer picks a pack, pays on the payment page, and the credits arrive live', async () => {
    const { ctx, page } = await contextFor(browser, `${user}@example.com`, errors);
    await page.goto(`${server.base}/credits`);
    await page.getByRole('link', { name: 'Sign in with Google' }).first().click();
    await page.getByRole('button', { name: `Account menu: ${user}` }).waitFor();
    // The header's balance leads to the Credits page.
    await page.getByRole('banner').getByRole('link', { name: /^Balance:/ }).click();
    await page.waitForURL(/\/credits$/);
    const packs = page.getByRole('list', { name: 'Credit packs' });
    await packs.waitFor({ timeout: TIMEOUT });
    const balance = page.getByRole('main').getByLabel(/^Balance:/);
    const before = Number((await balance.getAttribute('aria-label'))?.match(/\d+/)?.[0]);
    assert.ok(before > 0, 'the starting credits');
    await shot(page, '01-packs');

    await page.getByRole('button', { name: /^Buy 150 credits for/ }).click();
    await page.waitForURL(/\/c\/pay\//);
    await page.getByRole('heading', { name: '$6.99' }).waitFor();
    await shot(page, '02-payment-page');
    await page.getByRole('button', { name: 'Pay' }).click();

    await page.waitForURL(/\/credits\?purchase=/);
    await page.getByText('Your credits arrive as soon as the payment is confirmed').waitFor();
    await page.getByRole('main').getByLabel(`Balance: ${before + 150} credits`).waitFor({ timeout: TIMEOUT });
    // The purchase is in the history, and in the chart of the balance.
    await page.getByRole('table', { name: 'Ledger entries' }).getByText('Bought 150 credits').waitFor({ timeout: TIMEOUT });
    await page.getByRole('img', { name: new RegExp(`to ${before + 150} credits`) }).waitFor();
    await shot(page, '03-credited');
    await ctx.close();
    assert.deepEqual(errors, [], 'no uncaught page errors');
  });

  test('a tip reaches the creator with its message, and both balances move', async () => {
    const fan = `fan${Date.now().toString(36)}`;
    // The creator signs in first and waits on the notifications page.
    const creator = await contextFor(browser, `${fan}@example.com`, errors);
    await creator.page.goto(`${server.base}/notifications`);
    await creator.page.getByRole('link', { name: 'Sign in with Google' }).first().click();
    await creator.page.getByRole('button', { name: `Account menu: ${fan}` }).waitFor();
    await creator.page.goto(`${server.base}/notifications`);
    await creator.page.getByText('Nothing new').waitFor({ timeout: TIMEOUT });

    const { ctx, page } = await contextFor(browser, `${user}@example.com`, errors);
    await page.goto(`${server.base}/u/${fan}`);
    await page.getByRole('link', { name: 'Sign in with Google' }).first().click();
    await page.getByRole('button', { name: `Account menu: ${user}` }).waitFor();
    await page.goto(`${server.base}/u/${fan}`);
    await page.getByRole('button', { name: 'Tip' }).click();
    const dialog = page.getByRole('dialog', { name: `Tip @${fan}` });
    await dialog.getByRole('button', { name: '25', exact: true }).click();
    await dialog.getByLabel('Message (optional)').fill('Your harbour series made my week');
    await shot(page, '04-tip-dialog');
    await dialog.getByRole('button', { name: 'Send 25 credits' }).click();
    await dialog.getByText(`You sent 25 credits to @${fan}`).waitFor({ timeout: TIMEOUT });
    await dialog.getByRole('button', { name: 'Done' }).click();

    // The creator hears of it live: who, how much, and the message.
    const note = creator.page.getByRole('list', { name: 'Notifications' }).getByRole('listitem').first();
    await note.getByText(`${user} sent you a tip of 25 credits`).waitFor({ timeout: TIMEOUT });
    await note.getByText('Your harbour series made my week').waitFor();
    await shot(creator.page, '05-tip-notification');
    await creator.page.goto(`${server.base}/credits`);
    await creator.page.getByRole('list', { name: 'Tips received' }).getByText('Your harbour series made my week').waitFor({ timeout: TIMEOUT });
    await creator.page.getByRole('table', { name: 'Ledger entries' }).getByText(`Tip from @${user}`).waitFor();
    await shot(creator.page, '06-tips-received');

    await page.goto(`${server.base}/credits`);
    await page.getByRole('table', { name: 'Ledger entries' }).getByText(`Tip to @${fan}`).waitFor({ timeout: TIMEOUT });
    await ctx.close();

    // The creator is paid the tip: sets up payouts on Stripe's page, comes back, pays out 25 x 3 cents.
    await creator.page.goto(`${server.base}/earnings`);
    await creator.page.getByLabel('Payable: 25 credits').waitFor({ timeout: TIMEOUT });
    await creator.page.getByRole('button', { name: 'Set up payouts' }).click();
    await creator.page.waitForURL(/\/connect\/onboard\//);
    await creator.page.getByRole('button', { name: 'Agree and submit' }).click();
    await creator.page.waitForURL(/\/earnings\?payouts=done/);
    await creator.page.getByRole('button', { name: 'Pay out $0.75' }).click();
    await creator.page.getByRole('list', { name: 'Payouts made' }).getByText('On its way').waitFor({ timeout: TIMEOUT });
    await creator.page.getByLabel('Payable: 0 credits').waitFor();
    await shot(creator.page, '07-payout');
    await creator.ctx.close();
    assert.deepEqual(errors, [], 'no uncaught page errors');
  });
});
