#!/usr/bin/env node
// Takes screenshots of the UI running against the dev mock (scripts/dev-mock.mjs --dist) for visual review.
//   node scripts/screenshots.mjs [baseUrl] [outDir]
import { chromium } from 'playwright-core';
import fs from 'node:fs';

const base = process.argv[2] ?? 'http://127.0.0.1:8787';
const out = process.argv[3] ?? '/tmp/ui-shots';
fs.mkdirSync(out, { recursive: true });

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 }, colorScheme: 'dark' });
const page = await ctx.newPage();
page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') console.log('[console]', m.type(), m.text()); });
page.on('pageerror', (e) => console.log('[pageerror]', e.message));
const shot = async (name) => { await page.screenshot({ path: `${out}/${name}.png` }); console.log('saved', `${out}/${name}.png`); };

await page.goto(base + '/');
await page.getByText('Queue').first().waitFor();
await page.waitForTimeout(800);
await shot('01-create');

await page.getByLabel('Prompt', { exact: true }).fill('A lighthouse on a basalt cliff at dusk, fail sometimes, volumetric fog');
await page.getByRole('button', { name: 'More images' }).click();
await page.getByRole('button', { name: 'More images' }).click();
await page.getByRole('button', { name: 'More images' }).click();
await page.getByLabel('Prompt', { exact: true }).press('Control+Enter');
await page.waitForTimeout(1500);
await shot('02-create-progress');
await page.waitForTimeout(4000);
await shot('03-create-done');

// model picker open
await page.getByRole('combobox', { name: 'Model' }).click();
await page.waitForTimeout(300);
await shot('04-model-picker');
await page.getByRole('option', { name: /Stable Diffusion/ }).click();
await page.getByRole('button', { name: /advanced settings/ }).click();
await page.waitForTimeout(200);
await shot('05-create-sd-advanced');
await page.getByRole('button', { name: 'Generate' }).click();
await page.waitForTimeout(600);
await shot('06-create-server-error');

// set page
await page.getByRole('link', { name: 'Open set' }).first().click();
await page.waitForTimeout(800);
await shot('07-set');

await page.goto(base + '/library');
await page.waitForTimeout(1200);
await shot('08-library');
await page.getByRole('button', { name: 'Select image' }).nth(0).click({ force: true });
await page.getByRole('button', { name: 'Select image' }).nth(1).click({ force: true });
await shot('09-library-select');
await page.getByRole('toolbar').getByRole('button', { name: 'Delete' }).click();
await page.waitForTimeout(300);
await shot('10-library-delete-dialog');
await page.keyboard.press('Escape');
await page.keyboard.press('Escape');
await page.evaluate(() => window.scrollTo(0, 4000));
await page.waitForTimeout(1000);
await shot('11-library-scrolled');

await page.goto(base + '/library');
await page.waitForTimeout(800);
await page.locator('a[href^="/images/"]').first().click();
await page.waitForTimeout(1000);
await shot('12-image');
await page.getByRole('link', { name: 'Remix' }).click();
await page.waitForTimeout(1000);
await shot('13-remix');

await page.goto(base + '/settings');
await page.waitForTimeout(800);
await shot('14-settings');
await page.getByRole('radio', { name: 'Light' }).click();
await page.waitForTimeout(200);
await shot('15-settings-light');
await page.goto(base + '/');
await page.waitForTimeout(800);
await shot('16-create-light');
await page.getByRole('radio', { name: 'Dark' }).count();
await page.evaluate(() => localStorage.setItem('pixel.theme', 'dark'));

const mobile = await browser.newContext({ viewport: { width: 390, height: 844 }, colorScheme: 'dark' });
const m = await mobile.newPage();
await m.goto(base + '/');
await m.waitForTimeout(1000);
await m.screenshot({ path: `${out}/17-mobile-create.png`, fullPage: false });
console.log('saved', `${out}/17-mobile-create.png`);
await m.goto(base + '/nowhere');
await m.waitForTimeout(500);
await m.screenshot({ path: `${out}/18-mobile-404.png` });

await browser.close();
