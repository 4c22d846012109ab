// Desktop end-to-end, collections offline: in the real app (no network, no keys) three images made with
// the offline renderer go into a collection created on the Collections page; the collection's page shows
// them decoded from the pixel:// media scheme, in order; tags are proposed from the prompt (the offline
// tagger) and one is accepted. Run by run.sh (Xvfb, tauri-driver, WebKitWebDriver).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { ARTIFACTS, Session, invoke, skip } from './webdriver.mjs';

/** An operation through the shell, as the UI calls it; its output, or a failure with its error. */
async function op(session, method, input) {
  const r = await invoke(session, 'op', { method, input });
  if (r.err !== undefined) throw new Error(`${method}: ${JSON.stringify(r.err)}`);
  return r.ok;
}

describe('desktop app: a collection made offline', { skip }, () => {
  const stamp = Date.now().toString(36);
  const prompt = `tidepool study, ${stamp}`;
  let session;

  before(() => fs.mkdirSync(ARTIFACTS, { recursive: true }));
  after(async () => {
    await session?.quit().catch(() => undefined);
  });

  test('three offline images go into a new collection and show on its page', async () => {
    session = await Session.start();
    await session.until('the app', `return !!document.querySelector('nav[aria-label="Main"] a[href="/collections"]')`);
    await op(session, 'generations.create', { prompt, model: 'local-sketch', n: 3 });
    let ids = [];
    const deadline = Date.now() + 60_000;
    while (ids.length < 3) {
      assert.ok(Date.now() < deadline, `three images of "${prompt}" (have ${ids.length})`);
      ids = (await op(session, 'images.ids', { text: stamp })).ids;
      if (ids.length < 3) await new Promise((r) => setTimeout(r, 300));
    }

    await session.click(await session.find('nav[aria-label="Main"] a[href="/collections"]'));
    await session.until(
      'the New collection button, pressed',
      `const b = [...document.querySelectorAll('main button')].find((b) => b.textContent.includes('New collection'));
       if (b) b.click();
       return !!document.querySelector('form[aria-label="New collection"] input');`,
    );
    const title = await session.find('form[aria-label="New collection"] input');
    await session.type(title, `Tidepools ${stamp}`);
    await session.click(await session.find('form[aria-label="New collection"] button[type="submit"]'));
    const collectionId = await session.until(
      'the new collection page',
      `const m = location.pathname.match(/^\\/collections\\/([^/]+)$/); return m && m[1];`,
    );
    // Newest first in the library; the collection keeps the order they are added in.
    const ordered = [...ids].reverse();
    await op(session, 'collections.add_images', { collection_id: collectionId, image_ids: ordered });
    await session.exec('location.reload()');
    const shown = await session.until(
      'the three images decoded on the collection page',
      `const list = document.querySelector('[aria-label="Images"]');
       const imgs = list ? [...list.querySelectorAll('img:not([aria-hidden])')] : [];
       return imgs.length === 3 && imgs.every((i) => i.complete && i.naturalWidth > 0) && imgs.map((i) => i.src);`,
    );
    ordered.forEach((id, i) => assert.match(shown[i], new RegExp(`/media/${id}/thumb$`)));
    const stored = await op(session, 'collections.get', { collection_id: collectionId });
    assert.deepEqual(
      stored.images.map((i) => i.id),
      ordered,
    );
    await session.screenshot('05-collection');
  });

  test('the offline tagger proposes tags from the prompt and one is accepted', async () => {
    const [image] = (await op(session, 'images.ids', { text: stamp })).ids;
    const suggested = await op(session, 'tags.suggest', { image_id: image });
    assert.equal(suggested.tagger, 'the generation record');
    assert.deepEqual(
      suggested.proposed.map((p) => p.tag),
      ['tidepool study', stamp],
    );
    const reviewed = await op(session, 'tags.review', { image_id: image, accept: ['tidepool study'], reject: [stamp] });
    assert.deepEqual([reviewed.tags, reviewed.proposed], [['tidepool study'], []]);
  });
});
