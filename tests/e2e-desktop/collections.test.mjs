// Desktop end-to-end, collections offline: in the real app (no network, no keys) three images made with
// the offline renderer go into a collection created on the Collections page; the collection's page shows
// them decoded from the pixel:// media scheme, in order; tags are proposed from the prompt (the offline
// tagger) and one is accepted; the Library's search finds them and "Export matching" writes them to a zip
// with their records (the save dialog answered by PIXEL_STUDIO_SAVE_DIR, which run.sh sets). Run by
// run.sh (Xvfb, tauri-driver, WebKitWebDriver).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ARTIFACTS, Session, invoke, skip } from './webdriver.mjs';
import { readZip } from '../e2e-browser/zip.mjs';

/** An operation through the shell, as the UI calls it; its output, or a failure with its error. */
async function op(session, method, input) {
  const r = await invoke(session, 'op', { method, input });
  if (r.err !== undefined) throw new Error(`${method}: ${JSON.stringify(r.err)}`);
  return r.ok;
}

describe('desktop app: a collection made and exported offline', { skip }, () => {
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

  test('the library search finds them and Export matching writes them to a zip with their records', async () => {
    const saveDir = process.env.PIXEL_STUDIO_SAVE_DIR;
    assert.ok(saveDir, 'run.sh sets PIXEL_STUDIO_SAVE_DIR');
    const ids = (await op(session, 'images.ids', { text: stamp })).ids;
    await session.click(await session.find('nav[aria-label="Main"] a[href="/library"]'));
    await session.until('the library search', `return !!document.querySelector('#lib-search')`);
    await session.type(await session.find('#lib-search'), `tidepool ${stamp}`);
    await session.until(
      'three matching images, then Export matching pressed',
      `const imgs = [...document.querySelectorAll('main a[href^="/images/"] img:not([aria-hidden])')].filter((i) => i.complete && i.naturalWidth > 0);
       const b = [...document.querySelectorAll('main button')].find((b) => b.textContent.trim() === 'Export matching');
       if (imgs.length !== 3 || !b) return false;
       b.click();
       return true;`,
    );
    await session.until(
      'the export finished',
      `return [...document.querySelectorAll('[role="status"]')].some((s) => s.textContent.includes('Exported 3 images'));`,
    );
    await session.screenshot('06-exported');
    const zips = fs.readdirSync(saveDir).filter((f) => /^pixel-studio-export-.*\.zip$/.test(f));
    assert.equal(zips.length, 1, `one export in ${saveDir}: ${zips}`);
    const files = readZip(fs.readFileSync(path.join(saveDir, zips[0])));
    assert.deepEqual(Object.keys(files).filter((n) => n.endsWith('.json')).sort(), ids.map((id) => `pixel-${id}.json`).sort());
    for (const id of ids) {
      const record = JSON.parse(files[`pixel-${id}.json`].toString('utf8'));
      assert.equal(record.record.params.prompt, prompt);
      const png = files[`pixel-${id}.png`];
      assert.ok(png, `pixel-${id}.png in the zip`);
      assert.ok(png.includes(Buffer.from('parameters')), 'the record as infotext in the PNG');
    }
  });
});
