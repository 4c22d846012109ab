// Browser end-to-end, the prompt marketplace: a seller publishes a prompt with a sample from their public
// work on the Sell page; a buyer finds it on the market, sees it locked, buys it and reads the prompt,
// and reviews it; the seller's balance moves by the price less the 10% fee. Screenshots of the market,
// the locked listing, the bought listing, the sell form and the seller's earnings go to tests/artifacts/.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  ARTIFACTS,
  TIMEOUT,
  finishedJob,
  launchChromium,
  missingForSignIn,
  op,
  signedIn,
  startSignInServer,
} from './oidc-server.mjs';

const missing = missingForSignIn();
if (missing && process.env.CI) {
  test('market end-to-end', () => assert.fail(`CI is set but the market suite cannot run: ${missing}`));
} else if (missing) {
  test('market end-to-end', { skip: missing }, () => {});
}

describe('sell and buy a prompt', { skip: !!missing }, () => {
  let server;
  let browser;
  const errors = [];
  const stamp = Date.now().toString(36);
  const seller = `seller${stamp}`;
  const buyer = `buyer${stamp}`;
  const secret = `a copper lighthouse in sea fog ${stamp}, long exposure`;
  const shot = (page, name) => page.screenshot({ path: path.join(ARTIFACTS, `e2e-market-${name}.png`) });

  before(async () => {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    server = await startSignInServer({ PIXEL_STARTING_CREDITS: '40' });
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('the seller lists a prompt, the buyer buys it, reads it and reviews it', async () => {
    const s = await signedIn(browser, seller, server.base, errors, '/market');
    const made = await op(s.page, 'generations.create', { prompt: `harbour study ${stamp}`, model: 'local-sketch' });
    const job = await finishedJob(s.page, made.jobs[0].id);
    await op(s.page, 'images.set_visibility', { image_ids: [job.image_id], visibility: 'public' });

    await s.page.goto(`${server.base}/market`);
    await s.page.getByRole('link', { name: 'Sell a prompt' }).click();
    await s.page.getByLabel('Title').fill('Copper lighthouse');
    await s.page.getByLabel('Description (what buyers get)').fill('Moody coastal long exposures');
    await s.page.getByLabel('Prompt (only buyers see it)').fill(secret);
    await s.page.getByLabel('Price in credits (1-1,000)').fill('15');
    await s.page.getByLabel('Tags (up to 10)').fill('coast, fog');
    await s.page.getByRole('list', { name: 'Your public images' }).getByRole('button').first().click();
    await shot(s.page, '01-sell-form');
    await s.page.getByRole('button', { name: 'Publish' }).click();
    await s.page.getByRole('heading', { name: 'Copper lighthouse' }).waitFor({ timeout: TIMEOUT });
    await s.page.getByLabel('Prompt text').getByText(secret).waitFor();

    const b = await signedIn(browser, buyer, server.base, errors, '/market');
    await b.page.goto(`${server.base}/market`);
    const card = b.page.getByRole('list', { name: 'Prompts for sale' }).getByRole('article', { name: 'Copper lighthouse' });
    await card.waitFor({ timeout: TIMEOUT });
    assert.equal(await b.page.getByText(secret).count(), 0, 'the market never shows the prompt');
    await shot(b.page, '02-market');
    await card.click();
    await b.page.getByText('The prompt is shown once you buy it.').waitFor();
    assert.equal(await b.page.getByText(secret).count(), 0);
    await shot(b.page, '03-locked');
    await b.page.getByRole('button', { name: 'Buy for 15 credits' }).click();
    await b.page.getByLabel('Prompt text').getByText(secret).waitFor({ timeout: TIMEOUT });
    await b.page.getByRole('radio', { name: '4 stars' }).click();
    await b.page.getByLabel('Your review').fill('Exactly the fog I wanted');
    await b.page.getByRole('button', { name: 'Save review' }).click();
    await b.page.getByRole('list', { name: 'Reviews' }).getByText('Exactly the fog I wanted').waitFor({ timeout: TIMEOUT });
    await shot(b.page, '04-bought');

    // 15 paid: 13 to the seller, 2 (10% rounded up) to the platform.
    const ledger = await op(s.page, 'ledger.list', {});
    assert.equal(ledger.balance, 40 + 13);
    const mine = await op(b.page, 'ledger.list', {});
    assert.equal(mine.balance, 40 - 15);
    // The seller's earnings page counts the sale, after the fee, on today's bar.
    await s.page.goto(`${server.base}/earnings`);
    await s.page.getByText('15 paid, 2 in fees').waitFor({ timeout: TIMEOUT });
    await s.page.getByRole('img', { name: /^13 credits earned from/ }).waitFor();
    await shot(s.page, '05-earnings');
    await s.ctx.close();
    await b.ctx.close();
    assert.deepEqual(errors, [], 'no uncaught page errors');
  });
});
