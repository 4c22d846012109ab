// Browser end-to-end, collections and premium collections: an owner makes a public collection on the
// Collections page, adds an image to it from the image's page and the rest through the API, reorders it
// and sells it for 10 credits; another person opens it and sees its cover and blurred, badged images
// (the original is refused), unlocks it and sees every image whole; the owner is paid 10 less the fee.
// Screenshots of the collections list, the owner's collection, the market's premium shelf, the locked
// and the unlocked views go to
// tests/artifacts/.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  ARTIFACTS,
  TIMEOUT,
  eventually,
  finishedJob,
  launchChromium,
  missingForSignIn,
  op,
  signedIn,
  startSignInServer,
} from './oidc-server.mjs';

const missing = missingForSignIn();
if (missing && process.env.CI) {
  test('collections end-to-end', () => assert.fail(`CI is set but the collections suite cannot run: ${missing}`));
} else if (missing) {
  test('collections end-to-end', { skip: missing }, () => {});
}

/** A finished offline image of the page's account, made public; its id. */
async function publicImage(page, prompt) {
  const made = await op(page, 'generations.create', { prompt, model: 'local-sketch' });
  const job = await finishedJob(page, made.jobs[0].id);
  assert.equal(job.state, 'succeeded');
  await op(page, 'images.set_visibility', { image_ids: [job.image_id], visibility: 'public' });
  return job.image_id;
}

describe('collections, and a premium one unlocked', { skip: !!missing }, () => {
  let server;
  let browser;
  const errors = [];
  const stamp = Date.now().toString(36);
  const owner = `curator${stamp}`;
  const buyer = `collector${stamp}`;
  // After every picture has loaded and faded in, so the screenshot shows what a person sees.
  const shot = async (page, name) => {
    await page.waitForFunction(() => [...document.images].every((i) => i.complete && i.naturalWidth > 0));
    await page.waitForTimeout(400);
    await page.screenshot({ path: path.join(ARTIFACTS, `e2e-collections-${name}.png`) });
  };

  before(async () => {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    // The bulk test makes seventy images in seven requests: past a person's five a minute.
    server = await startSignInServer({ PIXEL_STARTING_CREDITS: '40', PIXEL_RATE_LIMITS: 'generation=20' });
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('the owner makes and sells a collection, another person unlocks it', async () => {
    const o = await signedIn(browser, owner, server.base, errors);
    const images = [];
    for (const subject of ['tide pools', 'salt marsh', 'dune grass']) {
      images.push(await publicImage(o.page, `${subject} at dusk, tidewrack ${stamp}`));
    }

    await o.page.goto(`${server.base}/collections`);
    await o.page.getByText('No collections yet').waitFor();
    await o.page.getByRole('button', { name: 'New collection' }).click();
    const form = o.page.getByRole('form', { name: 'New collection' });
    await form.getByLabel('Title').fill('Coastal evenings');
    await form.getByLabel('Description').fill('Three studies of the shore after sunset');
    await form.getByRole('radio', { name: 'Public' }).click();
    await form.getByRole('button', { name: 'Create' }).click();
    await o.page.getByRole('heading', { name: 'Coastal evenings' }).waitFor();
    const collectionId = o.page.url().split('/collections/')[1];
    assert.ok(collectionId, o.page.url());

    // One from its image page, the rest through the API.
    await o.page.goto(`${server.base}/images/${images[0]}`);
    await o.page.getByLabel('Collection', { exact: true }).selectOption({ label: 'Coastal evenings' });
    await o.page.getByRole('button', { name: 'Add', exact: true }).click();
    await o.page.getByRole('status').getByText('Coastal evenings').waitFor();
    await op(o.page, 'collections.add_images', { collection_id: collectionId, image_ids: images.slice(1) });

    await o.page.goto(`${server.base}/collections/${collectionId}`);
    const grid = o.page.getByRole('list', { name: 'Images' });
    await grid.getByRole('listitem').nth(2).waitFor();
    await grid.getByRole('listitem').first().hover();
    await grid.getByRole('listitem').first().getByRole('button', { name: 'Move later' }).click();
    await eventually('the first image moved one place later', async () => {
      const seen = await op(o.page, 'collections.get', { collection_id: collectionId });
      return seen.images[0]?.id === images[1] ? true : undefined;
    });
    await o.page.getByLabel('Price in credits').fill('10');
    await o.page.getByRole('button', { name: 'Set price' }).click();
    await o.page.getByText('Premium collection').waitFor();
    await shot(o.page, '01-owner');
    await o.page.goto(`${server.base}/collections`);
    await o.page.getByRole('link', { name: 'Collection Coastal evenings' }).waitFor();
    await shot(o.page, '02-list');

    const b = await signedIn(browser, buyer, server.base, errors);
    // Found on the market's premium shelf.
    await b.page.goto(`${server.base}/market`);
    await b.page.getByRole('navigation', { name: 'Market' }).getByRole('link', { name: 'Premium collections' }).click();
    const shelf = b.page.getByRole('list', { name: 'Premium collections' });
    await shelf.getByRole('link', { name: 'Collection Coastal evenings' }).waitFor({ timeout: TIMEOUT });
    await shot(b.page, '03a-market-shelf');
    await shelf.getByRole('link', { name: 'Collection Coastal evenings' }).click();
    await b.page.getByRole('button', { name: 'Unlock for 10 credits' }).waitFor();
    const badges = b.page.getByRole('list', { name: 'Images' }).getByText('Premium', { exact: true });
    assert.equal(await badges.count(), 3, 'every image is badged');
    assert.equal(await b.page.getByText('tidewrack').count(), 0, 'no prompt shows');
    const refused = await b.page.request.get(`${server.base}/media/${images[1]}/original`);
    assert.equal(refused.status(), 402);
    await shot(b.page, '03-locked');

    await b.page.getByRole('button', { name: 'Unlock for 10 credits' }).click();
    await b.page.getByText('You unlocked this collection').waitFor({ timeout: TIMEOUT });
    await b.page.waitForFunction(() => document.querySelectorAll('[aria-label="Images"] li').length === 3);
    assert.equal(await badges.count(), 0, 'nothing is locked any more');
    const served = await b.page.request.get(`${server.base}/media/${images[1]}/original`);
    assert.equal(served.status(), 200);
    await shot(b.page, '04-unlocked');
    await b.page.goto(`${server.base}/collections`);
    await b.page.getByRole('list', { name: 'Unlocked collections' }).getByRole('link', { name: 'Collection Coastal evenings' }).waitFor({ timeout: TIMEOUT });

    // The offline model is free. 10 paid: 9 to the owner, 1 (10% rounded up) to the platform.
    assert.equal((await op(o.page, 'ledger.list', {})).balance, 40 + 9);
    assert.equal((await op(b.page, 'ledger.list', {})).balance, 40 - 10);
    await o.ctx.close();
    await b.ctx.close();
    assert.deepEqual(errors, [], 'no uncaught page errors');
  });

  test('the library selects all matching past the loaded page, adds them to a collection and deletes them', async () => {
    const sorter = `sorter${stamp}`;
    const o = await signedIn(browser, sorter, server.base, errors);
    // Seventy pebbles: more than the library's first page of sixty.
    for (let i = 0; i < 7; i += 1) {
      await op(o.page, 'generations.create', { prompt: `pebble study ${stamp}`, model: 'local-sketch', n: 10 });
    }
    const keep = await publicImage(o.page, `driftwood ${stamp}`);
    await eventually(
      'seventy pebbles are made',
      async () => ((await op(o.page, 'images.ids', { text: 'pebble' })).ids.length === 70 ? true : undefined),
    );
    const kept = await op(o.page, 'collections.create', { title: 'Beachcombing', image_ids: [keep] });

    await o.page.goto(`${server.base}/library`);
    await o.page.getByLabel('Search prompts and tags').fill('pebble');
    await o.page.getByRole('link', { name: 'Export matching' }).waitFor();
    // Each tile's checkbox, selected or not ("Select image" / "Deselect image").
    const tiles = o.page.getByRole('button', { name: /select image/i });
    await tiles.nth(3).waitFor();
    // A click, then a shift-click three tiles on: four selected.
    await tiles.first().click();
    await tiles.nth(3).click({ modifiers: ['Shift'] });
    const bar = o.page.getByRole('toolbar', { name: 'Selection' });
    await bar.getByText('4 selected').waitFor();
    await bar.getByRole('button', { name: 'Select all matching' }).click();
    await bar.getByText('All 70 matching selected').waitFor();
    await shot(o.page, '05-library-selection');

    await bar.getByLabel('Add the selected images to a collection').selectOption({ label: 'Beachcombing' });
    await bar.getByText('Added to Beachcombing').waitFor();
    const inside = await op(o.page, 'collections.get', { collection_id: kept.id });
    assert.equal(inside.collection.image_count, 71, 'the seventy and the driftwood');

    await bar.getByRole('button', { name: 'Delete' }).click();
    await o.page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
    await o.page.getByRole('dialog').waitFor({ state: 'detached' });
    assert.deepEqual((await op(o.page, 'images.ids', { text: 'pebble' })).ids, []);
    assert.deepEqual((await op(o.page, 'images.ids', {})).ids, [keep]);
    await o.ctx.close();
    assert.deepEqual(errors, [], 'no uncaught page errors');
  });
});
