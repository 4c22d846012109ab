// Browser end-to-end, two people in two browser contexts on a server with sign-in: B follows A from A's
// profile, A publishes an image and comments on it, B finds it in the Following feed, likes it and
// replies to A's comment; A's bell counts each notification the moment it is written (no reload) and the
// notifications page names them; B messages A and each sees the other's message arrive; a signed-out visitor opens the image's share link,
// and A's whole set once A makes it public from the set page. Screenshots of explore, the
// feed, the image page, a profile and the notifications go to tests/artifacts/.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  ARTIFACTS,
  TIMEOUT,
  contextFor,
  finishedJob,
  launchChromium,
  missingForSignIn,
  op,
  startSignInServer,
} from './oidc-server.mjs';

const missing = missingForSignIn();
if (missing && process.env.CI) {
  test('social end-to-end', () => assert.fail(`CI is set but the social suite cannot run: ${missing}`));
} else if (missing) {
  test('social end-to-end', { skip: missing }, () => {});
}

describe('follow → publish → feed → like → reply → live notifications', { skip: !!missing }, () => {
  let server;
  let browser;
  let a;
  let b;
  const errors = [];
  const stamp = Date.now().toString(36);
  const userA = `ada${stamp}`;
  const userB = `bob${stamp}`;
  let imageId = '';
  const shot = (page, name) => page.screenshot({ path: path.join(ARTIFACTS, `e2e-social-${name}.png`) });
  // Thumbnails load lazily: a screenshot waits until every picture on the page is in.
  const pictures = (page) =>
    page.waitForFunction(() => [...document.querySelectorAll('main img')].every((i) => i.complete && i.naturalWidth > 0));
  const bell = (page) => page.getByRole('banner').getByRole('link', { name: /^Notifications/ });

  before(async () => {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    // Trending is ranked every second here, so the page shows what was just made.
    server = await startSignInServer({ PIXEL_TRENDING_EVERY_SECS: '1' });
    browser = await launchChromium();
    a = await contextFor(browser, `${userA}@example.com`, errors);
    b = await contextFor(browser, `${userB}@example.com`, errors);
    for (const [who, name] of [
      [a, userA],
      [b, userB],
    ]) {
      await who.page.goto(`${server.base}/explore`);
      await who.page.getByRole('banner').getByRole('link', { name: 'Sign in with Google' }).click();
      await who.page.getByRole('button', { name: `Account menu: ${name}` }).waitFor();
    }
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('B finds A, follows A from A\'s profile, and A\'s bell counts it without a reload', async () => {
    await a.page.goto(`${server.base}/explore`);
    await bell(a.page).waitFor();
    // B finds A by name on Explore's People tab.
    await b.page.goto(`${server.base}/explore?tab=people`);
    await b.page.getByLabel('Search people by username').fill(userA.slice(0, 6));
    await b.page.getByRole('list', { name: 'People' }).getByRole('link', { name: userA }).click();
    await b.page.getByRole('heading', { name: `@${userA}` }).waitFor();
    await b.page.getByRole('button', { name: 'Follow' }).click();
    await b.page.getByRole('button', { name: 'Following' }).waitFor();
    await bell(a.page).and(a.page.getByLabel('Notifications: 1 unread')).waitFor({ timeout: TIMEOUT });
    await shot(b.page, '01-profile-followed');
  });

  test('A publishes an image and comments on it', async () => {
    // Two public images: the second is what "More from" shows on the first one's page.
    const publish = async (prompt) => {
      const made = await op(a.page, 'generations.create', { prompt, model: 'local-sketch' });
      const job = await finishedJob(a.page, made.jobs[0].id);
      assert.equal(job.state, 'succeeded');
      await op(a.page, 'images.set_visibility', { image_ids: [job.image_id], visibility: 'public' });
      return job.image_id;
    };
    await publish(`a harbour at dusk ${stamp}`);
    imageId = await publish(`a lighthouse at dawn ${stamp}`);
    await a.page.goto(`${server.base}/images/${imageId}`);
    await a.page.getByLabel('Add a comment').fill(`First light. @${userB} what do you think?`);
    await a.page.getByRole('button', { name: 'Comment', exact: true }).click();
    await a.page.getByRole('list', { name: 'Comments' }).getByText('First light.').waitFor();
    // B was mentioned: B's bell says so.
    await b.page.goto(`${server.base}/explore`);
    await b.page.getByLabel('Notifications: 1 unread').waitFor();
  });

  test('B sees it on Explore and in the Following feed, likes it and replies to A', async () => {
    await b.page.getByRole('link', { name: `a lighthouse at dawn ${stamp}` }).waitFor();
    await pictures(b.page);
    await shot(b.page, '02-explore');
    await b.page.getByLabel('Sort').selectOption('trending');
    await b.page.getByRole('region', { name: 'Trending creators' }).getByRole('link', { name: userA }).waitFor();
    await b.page.getByRole('tab', { name: 'Following' }).click();
    const card = b.page
      .getByRole('article')
      .filter({ has: b.page.getByRole('link', { name: `a lighthouse at dawn ${stamp}` }) });
    await card.waitFor();
    await pictures(b.page);
    await shot(b.page, '03-feed');
    await card.getByRole('button', { name: /^Like/ }).click();
    await card.getByRole('button', { name: 'Unlike (1 likes)' }).waitFor();
    await card.getByRole('link', { name: `a lighthouse at dawn ${stamp}` }).click();
    await b.page.getByRole('button', { name: 'Unlike (1 likes)' }).waitFor();
    await b.page.getByRole('button', { name: 'Following' }).waitFor();
    await b.page.getByRole('button', { name: 'Reply' }).click();
    await b.page.getByLabel('Your reply').fill('Beautiful — the fog is perfect.');
    await b.page.getByRole('button', { name: 'Reply', exact: true }).last().click();
    await b.page.getByRole('list', { name: 'Comments' }).getByText('the fog is perfect').waitFor();
    await b.page.getByRole('heading', { name: `More from @${userA}` }).waitFor();
    await b.page.getByRole('link', { name: `a harbour at dusk ${stamp}` }).waitFor();
    await pictures(b.page);
    await shot(b.page, '04-image-page');
  });

  test('A\'s bell counted the like and the reply live, and the notifications page names them', async () => {
    // A has not reloaded since the follow: the events moved the count (the follow, A's two finished
    // images, B's like and B's reply).
    await a.page.getByLabel('Notifications: 5 unread').waitFor({ timeout: TIMEOUT });
    await bell(a.page).click();
    const list = a.page.getByRole('list', { name: 'Notifications' });
    await list.getByText('started following you').waitFor();
    await list.getByText('liked your image').waitFor();
    await list.getByText('commented on your image').waitFor();
    assert.equal(await list.getByText('Your image is ready').count(), 2, 'one for each finished set');
    await shot(a.page, '05-notifications');
    await a.page.getByRole('button', { name: 'Mark all read' }).click();
    await a.page.getByRole('banner').getByRole('link', { name: 'Notifications', exact: true }).waitFor();
  });

  test('B messages A from A\'s profile; each sees the other\'s message arrive live', async () => {
    await b.page.goto(`${server.base}/u/${userA}`);
    await b.page.getByRole('main').getByRole('link', { name: 'Message', exact: true }).click();
    await b.page.waitForURL(/\/messages\?to=/);
    await b.page.getByLabel(`Message ${userA}`).fill('Would you share the settings for that one?');
    await b.page.getByRole('button', { name: 'Send' }).click();
    await b.page.getByRole('list', { name: 'Messages' }).getByText('share the settings').waitFor();
    // A did not reload: the header counts the message, and the conversation shows it.
    await a.page.getByRole('banner').getByLabel('Messages: 1 unread').waitFor({ timeout: TIMEOUT });
    await a.page.getByRole('banner').getByLabel('Messages: 1 unread').click();
    await a.page.getByRole('navigation', { name: 'Conversations' }).getByText(userB).click();
    await a.page.getByRole('list', { name: 'Messages' }).getByText('share the settings').waitFor();
    await a.page.getByRole('banner').getByRole('link', { name: 'Messages', exact: true }).waitFor();
    await a.page.getByLabel(`Message ${userB}`).fill('Sure: local-sketch, seed 42.');
    await a.page.getByRole('button', { name: 'Send' }).click();
    await b.page.getByRole('list', { name: 'Messages' }).getByText('seed 42').waitFor({ timeout: TIMEOUT });
    await shot(a.page, '06-messages');
  });

  test('a signed-out visitor opens the share link: the image, its comments and a link-preview card', async () => {
    const { ctx, page } = await contextFor(browser, 'nobody@example.com', errors);
    const response = await page.goto(`${server.base}/p/${imageId}`);
    assert.equal(response?.status(), 200);
    assert.equal(
      await page.locator('meta[property="og:title"]').getAttribute('content'),
      `a lighthouse at dawn ${stamp}`,
    );
    await page.getByRole('list', { name: 'Comments' }).getByText('the fog is perfect').waitFor();
    await page.getByText('Sign in to comment.').waitFor();
    await shot(page, '07-signed-out-image');
    await ctx.close();
    assert.deepEqual(errors, [], 'no uncaught page errors');
  });

  test('A picks a profile picture from A\'s public work and writes a bio; B sees both on A\'s profile', async () => {
    await a.page.goto(`${server.base}/images/${imageId}`);
    await a.page.getByRole('button', { name: 'Use as profile picture' }).click();
    await a.page.getByRole('button', { name: 'Your profile picture' }).waitFor({ timeout: TIMEOUT });
    await a.page.goto(`${server.base}/u/${userA}`);
    await a.page.getByRole('button', { name: 'Edit profile' }).click();
    await a.page.getByLabel('Bio').fill('Lighthouses at every hour.\nMostly fog.');
    await a.page.getByRole('button', { name: 'Save' }).click();
    await a.page.getByText('Lighthouses at every hour.').waitFor({ timeout: TIMEOUT });

    await b.page.goto(`${server.base}/u/${userA}`);
    await b.page.getByText('Lighthouses at every hour.').waitFor({ timeout: TIMEOUT });
    const picture = b.page.locator(`main section img[src$="/media/${imageId}/thumb"]`).first();
    await picture.waitFor({ timeout: TIMEOUT });
    await pictures(b.page);
    await shot(b.page, '10-profile-picture-bio');

    // The picture stands beside A's name in lists too: the image page's creator and comments.
    await b.page.goto(`${server.base}/images/${imageId}`);
    const beside = b.page.locator(`main a[href="/u/${userA}"] img[src$="/media/${imageId}/thumb"]`);
    await beside.first().waitFor({ timeout: TIMEOUT });
    await pictures(b.page);
    await shot(b.page, '11-pictures-beside-names');
  });

  test('A makes a whole set public from its page; a signed-out visitor opens the set link', async () => {
    const made = await op(a.page, 'generations.create', { prompt: `three kites ${stamp}`, model: 'local-sketch', n: 3 });
    const setId = made.set.id;
    await a.page.goto(`${server.base}/sets/${setId}`);
    const panel = a.page.getByRole('region', { name: 'Whole set' });
    await panel.getByText('Only you can see this set and its images.').waitFor({ timeout: TIMEOUT });
    await panel.getByRole('radio', { name: 'Public' }).click();
    await panel.getByRole('button', { name: 'Copy set link' }).waitFor({ timeout: TIMEOUT });
    await a.page.getByRole('link', { name: 'Details' }).nth(2).waitFor({ timeout: TIMEOUT });
    await pictures(a.page);
    await shot(a.page, '08-set-public');

    const { ctx, page } = await contextFor(browser, 'nobody@example.com', errors);
    const response = await page.goto(`${server.base}/sets/${setId}`);
    assert.equal(response?.status(), 200);
    await page.getByRole('heading', { name: `three kites ${stamp}` }).waitFor({ timeout: TIMEOUT });
    await page.getByRole('link', { name: 'Details' }).nth(2).waitFor({ timeout: TIMEOUT });
    assert.equal(await page.getByRole('region', { name: 'Whole set' }).count(), 0, 'no owner controls');
    await pictures(page);
    await shot(page, '09-signed-out-set');
    await ctx.close();

    await op(a.page, 'sets.set_visibility', { set_id: setId, visibility: 'private' });
    const gone = await (await fetch(`${server.base}/api/ops/sets.get`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ set_id: setId }),
    })).json();
    assert.equal(gone.code ?? gone.error?.code, 'not_found', 'a private set is the same answer as a missing one');
    assert.deepEqual(errors, [], 'no uncaught page errors');
  });
});
