// Desktop end-to-end with a real keychain: run.sh runs this inside a private D-Bus session with an
// unlocked GNOME Keyring (Secret Service), when gnome-keyring is installed. A key saved from the UI's
// command lands in the keychain, applies at once, is read back after a restart, and is deleted.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { Session, invoke, skip as noDriver } from './webdriver.mjs';

const skip = noDriver || (process.env.PIXEL_DESKTOP_KEYCHAIN !== '1' ? 'needs a Secret Service (run.sh starts GNOME Keyring when installed)' : false);
const KEY = `sk-e2e-keychain-${Date.now().toString(36)}`;

/** The provider's row of providers.list. */
async function openai(session) {
  const r = await invoke(session, 'op', { method: 'providers.list', input: {} });
  return r.ok.providers.find((p) => p.id === 'openai');
}

/** What the Secret Service holds for the app's service, as secret-tool prints it. */
function keychainEntries() {
  try {
    return execFileSync('secret-tool', ['search', '--all', '--unlock', 'service', 'app.pixelstudio.desktop'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch {
    return '';
  }
}

describe('desktop app: provider keys in the OS keychain', { skip }, () => {
  test('a key is stored in the keychain, applies at once, survives a restart and is deleted', async () => {
    let session = await Session.start();
    try {
      await session.until('the app', 'return !!window.__TAURI_INTERNALS__ && document.readyState === "complete"');
      assert.equal((await openai(session)).configured, false);
      const bad = await invoke(session, 'keys_set', { provider: 'nope', key: KEY });
      assert.equal(bad.err?.code, 'invalid_input');
      const set = await invoke(session, 'keys_set', { provider: 'openai', key: KEY });
      assert.deepEqual(set, { ok: null });
      assert.equal((await openai(session)).configured, true, 'the key applies without a restart');
      const keys = await invoke(session, 'keys_list');
      assert.deepEqual(keys.ok.filter((k) => k.stored).map((k) => k.provider), ['openai']);
      assert.ok(!JSON.stringify(keys).includes(KEY), 'the key never comes back to the webview');
      const entries = keychainEntries();
      if (entries) assert.match(entries, /openai/, 'secret-tool sees the entry');
    } finally {
      await session.quit();
    }

    session = await Session.start();
    try {
      await session.until('the keys read at start', 'return true');
      // Keys are read in the background after the library opens.
      let configured = false;
      for (let i = 0; i < 50 && !configured; i++) {
        configured = (await openai(session)).configured;
        if (!configured) await new Promise((r) => setTimeout(r, 100));
      }
      assert.equal(configured, true, 'the stored key is applied after a restart');
      assert.deepEqual(await invoke(session, 'keys_delete', { provider: 'openai' }), { ok: null });
      assert.equal((await openai(session)).configured, false);
      const keys = await invoke(session, 'keys_list');
      assert.ok(keys.ok.every((k) => !k.stored));
    } finally {
      await session.quit();
    }
  });
});
