#!/usr/bin/env node
// Screenshots of sign-in, the header's account menu, Account settings and image visibility, for visual
// review. Runs against the dev mock with sign-in on:
//   npm run build && MOCK_AUTH=oidc node scripts/dev-mock.mjs --dist &
//   node scripts/account-screenshots.mjs [baseUrl] [outDir]
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const base = (process.argv[2] ?? 'http://127.0.0.1:8787').replace(/\/$/, '');
const out = process.argv[3] ?? path.join(here, '..', '..', 'tests', 'artifacts');
fs.mkdirSync(out, { recursive: true });

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 }, colorScheme: 'dark' });
const page = await ctx.newPage();
page.setDefaultTimeout(15_000);
page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') console.log('[console]', m.type(), m.text()); });
page.on('pageerror', (e) => console.log('[pageerror]', e.message));
const shot = async (name, opts = {}) => {
  const file = path.join(out, `${name}.png`);
  await page.screenshot({ path: file, ...opts });
  console.log('saved', file);
};

// Signed out: the header offers sign-in, private pages show the sign-in card.
await page.goto(`${base}/library`);
await page.getByRole('heading', { name: 'Sign in to continue' }).waitFor();
await shot('account-01-signed-out');

// Sign in (the mock signs in at once and comes back to the page).
await page.getByRole('banner').getByRole('link', { name: /Sign in with Google/ }).click();
await page.getByRole('button', { name: /Account menu/ }).waitFor();
await page.waitForTimeout(800);
await shot('account-02-header-signed-in', { clip: { x: 0, y: 0, width: 1440, height: 260 } });

await page.getByRole('button', { name: /Account menu/ }).click();
await page.getByRole('menu').waitFor();
await page.waitForTimeout(200);
await shot('account-03-menu', { clip: { x: 840, y: 0, width: 600, height: 300 } });
await page.getByRole('menuitem', { name: 'Account settings' }).click();
await page.getByRole('heading', { name: 'Account settings' }).waitFor();
await page.getByRole('list', { name: 'Sessions' }).waitFor();
await page.waitForTimeout(300);
await shot('account-04-settings', { fullPage: true });

// A taken username, with unsaved changes in the save bar.
await page.getByLabel('Username').fill('grace');
await page.getByRole('switch', { name: 'Likes' }).click();
await page.getByRole('button', { name: 'Save changes' }).click();
await page.getByText('That username is taken. Try another.').waitFor();
await shot('account-05-username-taken');
await page.getByLabel('Username').fill('ada_lovelace');
await page.getByRole('button', { name: 'Save changes' }).click();
await page.getByRole('status').filter({ hasText: 'Saved' }).waitFor();

// A new token, shown once.
await page.getByLabel('Token label').fill('My script');
await page.getByRole('button', { name: 'Create token' }).click();
await page.getByLabel('New API token').waitFor();
await page.getByLabel('New API token').scrollIntoViewIfNeeded();
await page.waitForTimeout(300);
await shot('account-06-token-once');
await page.getByRole('button', { name: 'Done' }).click();

await page.getByRole('button', { name: 'Sign out everywhere' }).click();
await page.getByRole('dialog').waitFor();
await page.waitForTimeout(300);
await shot('account-07-sign-out-everywhere');
await page.keyboard.press('Escape');

// Light theme (saved to the account too).
await page.getByRole('radio', { name: 'Light' }).click();
await page.waitForTimeout(400);
await page.evaluate(() => window.scrollTo(0, 0));
await shot('account-08-settings-light', { fullPage: true });
await page.getByRole('radio', { name: 'Dark' }).click();

// An image's visibility, switched to Public by its owner.
await page.goto(`${base}/library`);
await page.locator('a[href^="/images/"]').first().click();
await page.getByRole('radiogroup', { name: 'Visibility' }).waitFor();
await page.getByRole('radio', { name: 'Public' }).click();
await page.getByText('Anyone with the link can see this image.').waitFor();
await page.waitForTimeout(300);
await shot('account-09-image-visibility');

// The header on a phone.
const mobile = await browser.newContext({ viewport: { width: 390, height: 844 }, colorScheme: 'dark', storageState: await ctx.storageState() });
const m = await mobile.newPage();
await m.goto(`${base}/settings/account`);
await m.getByRole('heading', { name: 'Account settings' }).waitFor();
await m.waitForTimeout(500);
await m.screenshot({ path: path.join(out, 'account-10-mobile.png') });
console.log('saved', path.join(out, 'account-10-mobile.png'));

// Sign out from the menu: back to the sign-in button.
await page.getByRole('button', { name: /Account menu/ }).click();
await page.getByRole('menuitem', { name: 'Sign out' }).click();
await page.getByRole('banner').getByRole('link', { name: /Sign in with Google/ }).waitFor();
await shot('account-11-signed-out-again', { clip: { x: 0, y: 0, width: 1440, height: 400 } });

await browser.close();
