// Browser end-to-end: import the generation record of a PNG made by AUTOMATIC1111 (its `parameters` tEXt
// chunk), see the record, and prefill the create form with "Use these settings". Runs against a server at
// PIXEL_E2E_URL with node --test; the PNG is built here, byte by byte.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const BASE = process.env.PIXEL_E2E_URL?.replace(/\/$/, '');
const ARTIFACTS = process.env.PIXEL_E2E_ARTIFACTS ?? path.join(here, '..', 'artifacts');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const TIMEOUT = Number(process.env.PIXEL_E2E_TIMEOUT_MS ?? 60_000);

// CRC-32 (PNG chunks): zlib.crc32 from Node 20.15 on, else a small table.
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  if (typeof zlib.crc32 === 'function') return zlib.crc32(buf);
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** A small valid RGB PNG carrying `text` under `keyword` in a tEXt chunk. */
function pngWithText(keyword, text, width = 16, height = 24) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit, truecolour, deflate, no filter, no interlace
  const rows = [];
  for (let y = 0; y < height; y++) {
    const row = Buffer.alloc(1 + width * 3); // filter byte 0, then pixels
    for (let x = 0; x < width; x++) row.set([40 + x * 8, 60 + y * 6, 160], 1 + x * 3);
    rows.push(row);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('tEXt', Buffer.concat([Buffer.from(keyword, 'latin1'), Buffer.from([0]), Buffer.from(text, 'latin1')])),
    chunk('IDAT', zlib.deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

if (!BASE) test('browser import end-to-end', { skip: 'set PIXEL_E2E_URL to the server origin to run browser tests' }, () => {});

describe('import a PNG record → prefill the create form', { skip: !BASE }, () => {
  /** @type {import('playwright-core').Browser} */
  let browser;
  /** @type {import('playwright-core').Page} */
  let page;
  let dir;
  const errors = [];
  const prompt = `e2e import: a paper boat on a puddle ${Date.now().toString(36)}`;
  // 1024×1536 suits the offline renderer and the fixed-size OpenAI models alike.
  const infotext = `${prompt}\nNegative prompt: blurry, lowres\nSteps: 28, Sampler: DPM++ 2M Karras, CFG scale: 7, Seed: 1234, Size: 1024x1536, Model hash: 6ce0161689, Model: dreamshaper_8`;
  const shot = (name) => page.screenshot({ path: path.join(ARTIFACTS, `e2e-import-${name}.png`) });

  before(async () => {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pixel-import-'));
    fs.writeFileSync(path.join(dir, 'a1111.png'), pngWithText('parameters', infotext));
    fs.writeFileSync(path.join(dir, 'plain.png'), pngWithText('Comment', 'nothing to see'));
    const pw = await import(
      process.env.PLAYWRIGHT_CORE ?? new URL('../../ui/node_modules/playwright-core/index.mjs', import.meta.url).href
    );
    browser = await pw.chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 }, colorScheme: 'dark' });
    ctx.setDefaultTimeout(TIMEOUT);
    page = await ctx.newPage();
    page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  });

  after(async () => {
    await browser?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  test('a PNG without a record is explained in plain words', async () => {
    await page.goto(`${BASE}/`);
    await page.getByRole('button', { name: 'Import image' }).waitFor();
    await page.getByLabel('Image to import').setInputFiles(path.join(dir, 'plain.png'));
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('alert').filter({ hasText: 'No generation record found' }).waitFor();
    await shot('01-no-record');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
  });

  test('chooses an AUTOMATIC1111 PNG and shows its record', async () => {
    const chooser = page.waitForEvent('filechooser');
    await page.getByRole('button', { name: 'Import image' }).click(); // the labelled button opens the file chooser
    await (await chooser).setFiles(path.join(dir, 'a1111.png'));
    const dialog = page.getByRole('dialog');
    await dialog.getByText(prompt).waitFor();
    assert.equal(await dialog.getByTestId('import-source').textContent(), 'AUTOMATIC1111');
    for (const text of ['blurry, lowres', '1024×1536', '1234', 'DPM++ 2M Karras', 'dreamshaper_8']) {
      await assert.doesNotReject(dialog.getByText(text, { exact: true }).first().waitFor(), text);
    }
    await assert.doesNotReject(dialog.getByText(/^Generates with /).waitFor());
    await shot('02-record');
  });

  test('"Use these settings" prefills the prompt and the size', async () => {
    const dialog = page.getByRole('dialog');
    const dropped = (await dialog.getByTestId('import-dropped').textContent().catch(() => '')) ?? '';
    await dialog.getByRole('button', { name: 'Use these settings' }).click();
    await dialog.waitFor({ state: 'detached' });
    assert.equal(await page.getByRole('textbox', { name: 'Prompt', exact: true }).inputValue(), prompt);
    if (!/size/i.test(dropped)) {
      const width = page.getByLabel(/^Width/);
      if (await width.count()) {
        assert.equal(await width.inputValue(), '1024');
        assert.equal(await page.getByLabel('Height', { exact: true }).inputValue(), '1536');
      } else {
        assert.equal(await page.locator('[role=radio][title="1024×1536"]').getAttribute('aria-checked'), 'true');
      }
    }
    await shot('03-prefilled');
    assert.deepEqual(errors, []);
  });
});
