#!/usr/bin/env node
// Runs the Tauri CLI (installers, icons, dev) on this repository's layout. The product keeps
// tauri.conf.json at the top level, but the CLI wants the config beside the app's Cargo.toml, so this
// stages src-tauri/tauri.conf.json from the top-level file for the duration of the command (relative
// paths rewritten for src-tauri/) and removes it afterwards. The build script and generate_context!
// read the top-level file directly.
//
//   node src-tauri/tauri.mjs build --bundles deb      # Linux .deb (also: appimage, rpm)
//   node src-tauri/tauri.mjs build --bundles msi,nsis  # on Windows
//   node src-tauri/tauri.mjs build --bundles app,dmg   # on macOS
//   node src-tauri/tauri.mjs dev                       # Vite dev server + the app on devUrl
//
// Needs `npm --prefix src-tauri ci` once (the CLI is an npm package).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const staged = path.join(here, 'tauri.conf.json');
const cli = path.join(here, 'node_modules', '.bin', process.platform === 'win32' ? 'tauri.cmd' : 'tauri');

if (!fs.existsSync(cli)) {
  console.error('The Tauri CLI is not installed: run `npm --prefix src-tauri ci` first.');
  process.exit(1);
}
if (fs.existsSync(staged)) {
  console.error(`${staged} exists: remove it (the config lives at the top level).`);
  process.exit(1);
}

const config = JSON.parse(fs.readFileSync(path.join(root, 'tauri.conf.json'), 'utf8'));
const fromHere = (p) => path.relative(here, path.resolve(root, p)).split(path.sep).join('/');
if (typeof config.build?.frontendDist === 'string') config.build.frontendDist = fromHere(config.build.frontendDist);
if (Array.isArray(config.bundle?.icon)) config.bundle.icon = config.bundle.icon.map(fromHere);
for (const pkg of ['deb', 'rpm']) {
  const linux = config.bundle?.linux?.[pkg];
  if (typeof linux?.desktopTemplate === 'string') linux.desktopTemplate = fromHere(linux.desktopTemplate);
}
// The before-commands run in src-tauri/ (it has the CLI's package.json): point them at ../ui.
for (const key of ['beforeDevCommand', 'beforeBuildCommand']) {
  if (typeof config.build?.[key] === 'string') config.build[key] = config.build[key].replace('--prefix ui', '--prefix ../ui');
}

const args = process.argv.slice(2);
// The crate embeds ui/dist by default (custom-protocol); `tauri dev` serves devUrl instead.
if (args[0] === 'dev' && !args.includes('--no-default-features')) {
  // After the first `--` come the runner's (cargo's) arguments; after a second one, the app's.
  const sep = args.indexOf('--');
  if (sep === -1) args.push('--', '--no-default-features');
  else args.splice(sep + 1, 0, '--no-default-features');
}

fs.writeFileSync(staged, JSON.stringify(config, null, 2));
let status = 1;
try {
  const run = spawnSync(cli, args, { cwd: here, stdio: 'inherit', env: { ...process.env, TAURI_APP_PATH: here } });
  status = run.status ?? 1;
} finally {
  fs.rmSync(staged, { force: true });
}
process.exit(status);
