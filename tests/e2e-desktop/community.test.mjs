// Desktop end-to-end, the team server's social side: a real server with sign-in (the test OpenID Connect
// provider), the desktop's token in a real keychain (run.sh's second pass: a private D-Bus session with an
// unlocked GNOME Keyring), and the real app. Ana's desktop opens explore and sees Bo's public work with its
// picture loaded through the app's proxy, opens it and likes it; Bo follows Ana and her header's bell counts
// it without a reload; her notifications page lists it. Screenshots of each go to tests/artifacts.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { DATA_DIR, Session, skip as noDriver } from './webdriver.mjs';
import { missingForSignIn, startSignInServer } from '../e2e-browser/oidc-server.mjs';

const skip =
  noDriver ||
  (process.env.PIXEL_DESKTOP_KEYCHAIN !== '1' ? 'needs a Secret Service (run.sh starts GNOME Keyring when installed)' : false) ||
  missingForSignIn() ||
  false;
if (skip && process.env.CI && process.env.PIXEL_DESKTOP_KEYCHAIN === '1' && !noDriver) {
  throw new Error(`CI must run the desktop's team server suite: ${skip}`);
}

const b64url = (buf) => buf.toString('base64url');

/** The desktop sign-in's token for `email`, as the app would get it: PKCE challenge, the browser's round trip
 * through the server and the provider (which signs in whoever `login_hint` names), the one-time code. */
async function desktopToken(base, email) {
  const verifier = b64url(crypto.randomBytes(32));
  const challenge = b64url(crypto.createHash('sha256').update(verifier).digest());
  const start = await fetch(`${base}/auth/desktop?challenge=${challenge}`, { redirect: 'manual' });
  const cookie = (start.headers.get('set-cookie') ?? '').split(';')[0];
  const authorize = `${start.headers.get('location')}&login_hint=${encodeURIComponent(email)}`;
  const approved = await fetch(authorize, { redirect: 'manual' });
  const callback = await fetch(approved.headers.get('location'), { headers: { cookie }, redirect: 'manual' });
  const link = new URL(callback.headers.get('location'));
  assert.equal(link.protocol, 'pixelstudio:', `a pixelstudio:// link, not ${link}`);
  const exchanged = await fetch(`${base}/auth/desktop/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code: link.searchParams.get('code'), code_verifier: verifier, label: 'e2e' }),
  });
  assert.equal(exchanged.status, 200, await exchanged.clone().text());
  return (await exchanged.json()).token;
}

/** An operation of the server as the holder of `token`. */
async function op(base, token, method, input) {
  const r = await fetch(`${base}/api/ops/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(input),
  });
  const body = await r.json();
  if (!r.ok) throw new Error(`${method}: ${r.status} ${JSON.stringify(body)}`);
  return body;
}

async function eventually(what, check) {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('desktop app: the team server signed in to', { skip }, () => {
  let server;
  let session;

  before(async () => {
    server = await startSignInServer();
  });
  after(async () => {
    await session?.quit().catch(() => undefined);
    await server?.stop();
  });

  test("explore, an image page, a like and a live notification from the server, inside the app", async () => {
    const { base } = server;
    const bo = await desktopToken(base, 'bo@example.com');
    const ana = await desktopToken(base, 'ana@example.com');
    const anaId = (await op(base, ana, 'account.get', {})).user.id;

    // Bo makes a picture on the server (its offline renderer) and makes it public.
    const prompt = `harbour lights ${Date.now().toString(36)}`;
    await op(base, bo, 'generations.create', { prompt, model: 'local-sketch', n: 1, width: 512, height: 512 });
    const image = await eventually('Bo\'s image', async () => (await op(base, bo, 'images.list', { limit: 1 })).images[0]);
    await op(base, bo, 'images.set_visibility', { image_ids: [image.id], visibility: 'public' });

    // Ana's desktop is signed in: the token in the keychain, the server remembered beside the library.
    execFileSync(
      'secret-tool',
      ['store', '--label=Pixel Studio server token', 'service', 'app.pixelstudio.desktop', 'username', 'server-token', 'target', 'default', 'application', 'rust-keyring'],
      { input: ana },
    );
    fs.mkdirSync(DATA_DIR, { recursive: true });
    fs.writeFileSync(path.join(DATA_DIR, 'server.json'), JSON.stringify({ url: base }));

    session = await Session.start();
    await session.until('the Explore link', `return document.querySelector('nav[aria-label="Main"] a[href="/explore"]')`);
    await session.click(await session.find('nav[aria-label="Main"] a[href="/explore"]'));
    const thumb = await session.until(
      "Bo's picture in explore, loaded through the app",
      `const a = document.querySelector('main a[href="/p/' + arguments[0] + '"]');
       const i = a && a.querySelector('img:not([aria-hidden])');
       return i && i.complete && i.naturalWidth > 0 && getComputedStyle(i).opacity === '1' && i.src;`,
      image.id,
    );
    assert.match(thumb, /^(pixel:\/\/localhost|http:\/\/pixel\.localhost)\/server\/media\//);
    await session.screenshot('community-01-explore');

    await session.click(await session.find(`main a[href="/p/${image.id}"]`));
    const like = await session.until('the like button', `return document.querySelector('main button[aria-label^="Like"]')`);
    assert.ok(like);
    await session.click(await session.find('main button[aria-label^="Like"]'));
    await session.until('the like counted', `return document.querySelector('main button[aria-label^="Unlike"]')`);
    const liked = await op(base, bo, 'explore.image', { image_id: image.id });
    assert.equal(liked.likes, 1, 'the like is on the server');
    await session.screenshot('community-02-image-liked');

    // Bo follows Ana: her bell counts it at once, through the app's relay of the server's events.
    await op(base, bo, 'follows.follow', { user_id: anaId });
    await session.until('the live unread count', `return document.querySelector('header a[aria-label="Notifications: 1 unread"]')`);
    await session.screenshot('community-03-notification-live');
    await session.click(await session.find('header a[href="/notifications"]'));
    await session.until('the follow in the list', `return document.querySelector('main')?.textContent.includes('started following you')`);
    await session.screenshot('community-04-notifications');
  });
});
