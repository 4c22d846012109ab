// Browser end-to-end, administration: an admin (named in PIXEL_ADMIN_EMAILS) opens Admin from the account
// menu on the overview (today's sign-ups and active accounts as figures and charts), finds a person by name, adds credits with a reason (the person's Credits page shows the
// adjustment and the new balance), sees it in the audit log, hides the person's image someone reported
// (it turns private and leaves the queue), turns the offline model off (the person's open create page
// stops offering it without a reload), publishes a blog post the person reads from What's new (its
// script inert), and suspends the account (the person's session ends).
// Screenshots of the overview, the users tab with an account open, the reports queue, the models, the blog editor and the post, and the audit log go
// to tests/artifacts/.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ARTIFACTS, eventually, finishedJob, launchChromium, missingForSignIn, op, signedIn, startSignInServer } from './oidc-server.mjs';

const missing = missingForSignIn();
if (missing && process.env.CI) {
  test('admin end-to-end', () => assert.fail(`CI is set but the admin suite cannot run: ${missing}`));
} else if (missing) {
  test('admin end-to-end', { skip: missing }, () => {});
}

describe('an admin runs accounts', { skip: !!missing }, () => {
  let server;
  let browser;
  const errors = [];
  const stamp = Date.now().toString(36);
  const boss = `boss${stamp}`;
  const member = `member${stamp}`;

  before(async () => {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    server = await startSignInServer({ PIXEL_ADMIN_EMAILS: `${boss}@example.com` });
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('credits adjusted with a reason, in the audit log, then the account suspended', async () => {
    const m = await signedIn(browser, member, server.base, errors, '/credits');
    const a = await signedIn(browser, boss, server.base, errors);

    await a.page.getByRole('button', { name: `Account menu: ${boss}` }).click();
    await a.page.getByRole('menuitem', { name: 'Admin' }).click();
    await a.page.getByRole('heading', { name: 'Admin' }).waitFor();
    // It opens on the overview: today's sign-ups and active accounts counted, as figures and charts.
    const accounts = a.page.getByRole('group', { name: 'Accounts' });
    await accounts.waitFor();
    assert.match(await a.page.getByRole('group', { name: 'Active today' }).textContent(), /Active today[2-9]/);
    await a.page.getByRole('region', { name: 'Accounts per day' }).locator('.recharts-bar-rectangle').first().waitFor();
    await a.page.getByRole('tab', { name: 'Users' }).click();
    await a.page.getByLabel('Username or email').fill(member);
    await a.page.getByRole('button', { name: new RegExp(`^${member}`) }).click();
    const account = a.page.getByRole('region', { name: `Account ${member}` });
    await account.getByText('Balance').waitFor();

    const adjust = account.getByRole('form', { name: 'Adjust credits' });
    await adjust.getByLabel('Credits (negative to take away)').fill('15');
    await adjust.getByLabel('Reason').fill('Contest prize');
    await adjust.getByRole('button', { name: 'Apply' }).click();
    await adjust.getByRole('status').filter({ hasText: 'Added 15' }).waitFor();
    assert.match(await adjust.getByRole('status').textContent(), /balance now 35/);
    await account.getByText('Credits adjusted').waitFor();
    await a.page.waitForTimeout(300);
    await a.page.screenshot({ path: path.join(ARTIFACTS, 'e2e-admin-users.png') });

    // The person sees it: the balance through the API, the entry on their Credits page.
    assert.equal((await op(m.page, 'account.get', {})).balance, 35);
    await m.page.reload();
    await m.page.getByText('Adjusted by an admin').first().waitFor();
    await m.page.getByText('Contest prize').first().waitFor();

    // A warning in the admin's words reaches the person at once, from "the moderators".
    const warn = account.getByRole('form', { name: `Warn ${member}` });
    await warn.locator('textarea').fill('Please keep comments about the work, not the person.');
    await warn.getByRole('button', { name: 'Send warning' }).click();
    await warn.getByRole('status').filter({ hasText: 'Warning sent' }).waitFor();
    await m.page.goto(`${server.base}/notifications`);
    await m.page.getByText('A warning from the moderators').waitFor();
    await m.page.getByText('Please keep comments about the work, not the person.').waitFor();
    await m.page.waitForTimeout(300);
    await m.page.screenshot({ path: path.join(ARTIFACTS, 'e2e-warning.png') });

    await a.page.getByRole('tab', { name: 'Audit log' }).click();
    const log = a.page.getByRole('region', { name: 'Audit log' });
    const row = log.getByRole('row').filter({ hasText: 'Contest prize' });
    await row.waitFor();
    assert.match(await row.textContent(), new RegExp(`${boss}.*Credits adjusted.*${member}.*\\+15 credits`));
    await a.page.waitForTimeout(300);
    await a.page.screenshot({ path: path.join(ARTIFACTS, 'e2e-admin-audit.png') });

    // A report of the person's public image, handled from the queue: hidden, it turns private.
    const made = await op(m.page, 'generations.create', { prompt: `a reported harbour ${stamp}`, model: 'local-sketch' });
    const job = await finishedJob(m.page, made.jobs[0].id);
    await op(m.page, 'images.set_visibility', { image_ids: [job.image_id], visibility: 'public' });
    const w = await signedIn(browser, `witness${stamp}`, server.base, errors);
    await op(w.page, 'reports.create', { target: 'image', target_id: job.image_id, reason: 'Not appropriate here' });
    await a.page.getByRole('tab', { name: 'Reports' }).click();
    const report = a.page.getByRole('listitem', { name: `Report of image ${job.image_id}` });
    await report.getByText('Not appropriate here').waitFor();
    await report.getByRole('img').waitFor();
    await a.page.waitForFunction(() => [...document.images].every((i) => i.complete && i.naturalWidth > 0));
    await report.getByLabel('Reason for the decision').fill('Breaks the content rules');
    // After the thumbnail's fade-in, so the screenshot shows what the admin sees.
    await a.page.waitForTimeout(400);
    await a.page.screenshot({ path: path.join(ARTIFACTS, 'e2e-admin-reports.png') });
    await report.getByRole('button', { name: 'Hide image' }).click();
    await a.page.getByText('Nothing to review. The queue is empty.').waitFor();
    assert.equal((await op(m.page, 'images.get', { image_id: job.image_id })).visibility, 'private');

    // A model turned off: the person's open create page stops offering it, without a reload.
    await m.page.goto(`${server.base}/`);
    const picker = m.page.getByRole('combobox', { name: 'Model' });
    await picker.click();
    await m.page.getByRole('option', { name: /Offline sketch renderer/ }).waitFor();
    await m.page.keyboard.press('Escape');
    await a.page.getByRole('tab', { name: 'Models' }).click();
    const models = a.page.getByRole('region', { name: 'Models' });
    await models.getByLabel('Reason for a change').fill('Renderer maintenance');
    const sketch = models.getByRole('row', { name: 'Offline sketch renderer' });
    await sketch.getByRole('switch', { name: 'Offline sketch renderer on' }).click();
    await sketch.getByRole('button', { name: 'Save' }).click();
    await models.getByRole('switch', { name: 'Offline sketch renderer on', checked: false }).waitFor();
    await sketch.getByRole('button', { name: 'Save' }).waitFor({ state: 'detached' });
    await a.page.screenshot({ path: path.join(ARTIFACTS, 'e2e-admin-models.png') });
    await eventually('the offline renderer gone from the open create page', async () => {
      await picker.click();
      const left = await m.page.getByRole('option', { name: /Offline sketch renderer/ }).count();
      await m.page.keyboard.press('Escape');
      return left === 0 ? true : undefined;
    });

    // A blog post with script in it, published: a reader opens it from What's new, rendered, the script inert.
    await a.page.getByRole('tab', { name: 'Blog' }).click();
    const editor = a.page.getByRole('region', { name: 'Post editor' });
    const title = `Video is here ${stamp}`;
    await editor.getByLabel('Title').fill(title);
    await editor.getByLabel('Tags, separated by commas').fill('video, release notes');
    await editor
      .getByLabel('Body (markdown)')
      .fill('# Clips at last\n\nMake **video** with [Runway](https://runwayml.com).\n\n<img src=x onerror="window.pwned=1">\n\n[click here](javascript:window.pwned=2)');
    await editor.getByRole('tab', { name: 'Preview' }).click();
    await editor.getByRole('heading', { name: 'Clips at last' }).waitFor();
    await editor.getByRole('tab', { name: 'Write' }).click();
    await editor.getByRole('button', { name: 'Save draft' }).click();
    await editor.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
    await editor.getByRole('button', { name: 'Publish' }).click();
    await editor.getByRole('status').filter({ hasText: 'Published' }).waitFor();
    await a.page.getByRole('region', { name: 'Posts' }).getByText('Published').waitFor();
    await a.page.screenshot({ path: path.join(ARTIFACTS, 'e2e-admin-blog.png') });
    await m.page.goto(`${server.base}/whats-new`);
    await m.page.getByRole('link', { name: title }).click();
    await m.page.getByRole('heading', { name: 'Clips at last' }).waitFor();
    await m.page.getByRole('link', { name: 'Runway' }).waitFor();
    assert.equal(await m.page.getByRole('link', { name: 'click here' }).count(), 0, 'a javascript: link is text');
    assert.equal(await m.page.evaluate(() => window.pwned), undefined);
    await m.page.screenshot({ path: path.join(ARTIFACTS, 'e2e-blog-post.png') });

    assert.deepEqual(errors, []);
    // Suspended: the person's session ends at once.
    await a.page.getByRole('tab', { name: 'Users' }).click();
    await a.page.getByRole('button', { name: new RegExp(`^${member}`) }).click();
    await account.getByLabel('Reason for the action').fill('Spam run');
    await account.getByRole('button', { name: 'Suspend' }).click();
    await account.getByText('suspended', { exact: true }).waitFor();
    await eventually('the suspended session refused', async () => {
      const r = await m.page.evaluate(() => fetch('/api/ops/account.get', { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } }).then((r) => r.status));
      return r === 401 ? true : undefined;
    });

    // Back on the overview: the day's image, its provider's success rate and the suspension counted.
    await a.page.getByRole('tab', { name: 'Overview' }).click();
    await a.page.getByRole('group', { name: 'Accounts' }).filter({ hasText: '1 suspended' }).waitFor();
    const providers = a.page.getByRole('region', { name: 'Providers' });
    assert.match(await providers.getByRole('row').nth(1).textContent(), /100%/);
    await a.page.getByRole('region', { name: 'Images per day' }).locator('.recharts-bar-rectangle').first().waitFor();
    await a.page.waitForTimeout(300);
    await a.page.screenshot({ path: path.join(ARTIFACTS, 'e2e-admin-overview.png'), fullPage: true });
  });
});
