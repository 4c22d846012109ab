// Browser end-to-end, engagement: a person signs in and the header counts today in their login streak
// (+1 credit, shown in the streak chip); they generate an image on the Create page, a second person
// follows them, and the Achievements page shows First light and First follower unlocked with their
// credits, the next rungs' progress, and the streak card; the notifications name what was unlocked;
// the Analytics page counts the day; the image is tagged on its page and the library filtered by the
// tag, showing the space it takes, and what the filter shows is exported as a zip and read back. Screenshots of the header, the achievements, analytics and library
// pages go to tests/artifacts/.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ARTIFACTS, eventually, launchChromium, missingForSignIn, op, signedIn, startSignInServer } from './oidc-server.mjs';
import { readZip } from './zip.mjs';

const missing = missingForSignIn();
if (missing && process.env.CI) {
  test('achievements end-to-end', () => assert.fail(`CI is set but the achievements suite cannot run: ${missing}`));
} else if (missing) {
  test('achievements end-to-end', { skip: missing }, () => {});
}

describe('login streak and achievements', { skip: !!missing }, () => {
  let server;
  let browser;
  const errors = [];
  const stamp = Date.now().toString(36);
  const maker = `maker${stamp}`;
  const fan = `fan${stamp}`;
  const shot = async (page, name) => {
    await page.waitForTimeout(300);
    await page.screenshot({ path: path.join(ARTIFACTS, `e2e-achievements-${name}.png`) });
  };

  before(async () => {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    server = await startSignInServer({ PIXEL_STARTING_CREDITS: '20', PIXEL_ENGAGEMENT: 'on' });
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('the streak counts today, and generating and being followed unlock achievements', async () => {
    const m = await signedIn(browser, maker, server.base, errors);
    // Today's claim: the chip shows the first day and what it gave; the balance has it.
    const chip = m.page.getByRole('link', { name: /^Login streak: 1 day/ });
    await chip.waitFor();
    await m.page.getByRole('link', { name: 'Balance: 21 credits' }).waitFor();
    await shot(m.page, 'header');

    // An image made on the Create page, finished by a worker.
    await m.page.goto(`${server.base}/`);
    const picker = m.page.getByRole('combobox', { name: 'Model' });
    await picker.click();
    await m.page.getByRole('option', { name: /Offline sketch renderer/ }).click();
    await m.page.getByRole('textbox', { name: 'Prompt', exact: true }).fill(`a paper lantern festival ${stamp}`);
    await m.page.getByRole('button', { name: 'Generate' }).click();
    const me = await op(m.page, 'account.get', {});
    const made = await eventually('the image is made', async () => {
      const { jobs } = await op(m.page, 'generations.list', {});
      return jobs.find((j) => j.state === 'succeeded');
    });

    const f = await signedIn(browser, fan, server.base, errors);
    await op(f.page, 'follows.follow', { user_id: me.user.id });

    await m.page.goto(`${server.base}/achievements`);
    await m.page.getByRole('heading', { name: 'Achievements' }).waitFor();
    await m.page.getByRole('listitem', { name: 'First light, unlocked' }).waitFor();
    await m.page.getByRole('listitem', { name: 'First follower, unlocked' }).waitFor();
    await m.page.getByText('2 of 20 unlocked').waitFor();
    const next = m.page.getByRole('progressbar', { name: 'Getting going: 1 of 10' });
    assert.equal(await next.getAttribute('aria-valuenow'), '1');
    await m.page.getByRole('region', { name: 'Login streak' }).getByText('6 more days to the 7-day milestone (+2 credits)').waitFor();
    await shot(m.page, 'page');

    // Told, with the achievement's name; the ledger has both rewards.
    await m.page.goto(`${server.base}/notifications`);
    await m.page.getByText('You unlocked an achievement: First follower').waitFor();
    await m.page.getByText('You unlocked an achievement: First light').waitFor();
    const ledger = await op(m.page, 'ledger.list', {});
    const memos = ledger.entries.map((e) => e.memo);
    assert.ok(memos.includes('Achievement: First light'), memos.join(', '));
    assert.ok(memos.includes('Achievement: First follower'), memos.join(', '));
    assert.ok(memos.includes('Daily login, day 1'), memos.join(', '));

    // The same day in the analytics: one image made, the offline model, the prompt.
    await m.page.getByRole('link', { name: 'Analytics' }).click();
    await m.page.getByRole('heading', { name: 'Analytics' }).waitFor();
    await m.page.getByRole('group', { name: 'Images this week' }).getByText('1', { exact: true }).waitFor();
    await m.page.getByRole('region', { name: 'Top prompts' }).getByText(`a paper lantern festival ${stamp}`).waitFor();
    await m.page.getByRole('region', { name: 'Models used' }).getByText(/Offline sketch/).waitFor();
    await shot(m.page, 'analytics');

    // The image tagged on its page, then the library filtered by the tag.
    await m.page.goto(`${server.base}/images/${made.image_id}`);
    // Exactly one Tags card: a locator that finds two fails (siblings that shared a React key drew it twice).
    const tags = m.page.getByRole('region', { name: 'Tags', exact: true });
    await tags.waitFor();
    await tags.getByRole('textbox', { name: 'Add a tag' }).fill('Lanterns');
    await tags.getByRole('textbox', { name: 'Add a tag' }).press('Enter');
    await tags.getByText('lanterns', { exact: true }).waitFor();
    // The tagger (offline: the prompt's words) proposes; one proposal accepted, the other rejected.
    await tags.getByRole('button', { name: 'Suggest tags' }).click();
    const suggested = tags.getByRole('group', { name: 'Suggested tags' });
    await suggested.getByText('paper lantern festival', { exact: true }).waitFor();
    await shot(m.page, 'tag-suggestions');
    await suggested.getByRole('button', { name: 'Accept tag paper lantern festival' }).click();
    await tags.getByRole('list', { name: "This image's tags" }).getByText('paper lantern festival', { exact: true }).waitFor();
    await suggested.getByRole('button', { name: `Reject tag ${stamp}` }).click();
    await suggested.waitFor({ state: 'detached' });
    const shown = await op(m.page, 'tags.of_image', { image_id: made.image_id });
    assert.deepEqual([shown.tags, shown.proposed], [['lanterns', 'paper lantern festival'], []]);
    await m.page.goto(`${server.base}/library`);
    await m.page.getByLabel('Space used').getByText(/^1 image · /).waitFor();
    await m.page.getByLabel('Tag', { exact: true }).selectOption('lanterns');
    const listed = await op(m.page, 'images.list', { tag: 'lanterns' });
    assert.deepEqual(listed.images.map((i) => i.id), [made.image_id]);
    await shot(m.page, 'library');
    // The maker's style, from the library and (their public work) on their profile.
    await m.page.getByRole('button', { name: 'Your style' }).click();
    const style = m.page.getByRole('region', { name: 'Your style' });
    await style.getByRole('list', { name: 'Models' }).getByText('Offline sketch renderer').waitFor();
    await style.getByRole('list', { name: 'Subjects' }).getByText('paper lantern festival', { exact: true }).waitFor();
    await shot(m.page, 'library-style');

    // What the filter shows, exported: the image with its record inside the PNG and beside it as JSON.
    const download = m.page.waitForEvent('download');
    await m.page.getByRole('link', { name: 'Export matching' }).click();
    const saved = await (await download).path();
    const files = readZip(fs.readFileSync(saved));
    const png = `pixel-${made.image_id}.png`;
    assert.deepEqual(Object.keys(files).sort(), [`pixel-${made.image_id}.json`, png]);
    assert.equal(JSON.parse(files[`pixel-${made.image_id}.json`].toString('utf8')).record.params.prompt, `a paper lantern festival ${stamp}`);
    assert.ok(files[png].includes(Buffer.from(`tEXtparameters\0a paper lantern festival ${stamp}\n`, 'latin1')), 'the PNG carries its infotext');

    // The whole account as one download: its data as JSON, then the image.
    await m.page.goto(`${server.base}/settings/account`);
    const data = m.page.getByRole('region', { name: 'Your data' });
    await data.waitFor();
    await shot(m.page, 'account-data');
    const accountDownload = m.page.waitForEvent('download');
    await data.getByRole('link', { name: 'Download your data' }).click();
    const everything = readZip(fs.readFileSync(await (await accountDownload).path()));
    for (const name of ['account.json', 'ledger.json', 'collections.json', 'tags.json', 'comments.json', 'likes.json', 'follows.json', png]) {
      assert.ok(everything[name], `${name} in the account export`);
    }
    const tagged = JSON.parse(everything['tags.json'].toString('utf8'));
    assert.deepEqual(tagged, [{ image_id: made.image_id, tags: ['lanterns', 'paper lantern festival'] }]);
    assert.ok(JSON.parse(everything['ledger.json'].toString('utf8')).length > 0, 'the ledger has the starting credits at least');
    assert.deepEqual(errors, []);
  });
});
