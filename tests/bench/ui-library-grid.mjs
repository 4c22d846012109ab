#!/usr/bin/env node
// Benchmark: the Library grid with 100,000 images in headless Chromium, and the size of the UI bundle.
//
//   node tests/bench/ui-library-grid.mjs            # uses the existing ui/dist (run `npm run build` in ui/ first)
//   node tests/bench/ui-library-grid.mjs --build    # builds ui/dist first
//
// Env: BENCH_IMAGES (default 100000), BENCH_PORT (8797), BENCH_LATENCY (per-call mock latency, ms; 5),
//      BENCH_VIEWPORT (1440x900), CHROMIUM (/usr/bin/chromium).
//
// It starts the UI's dev mock (`ui/scripts/dev-mock.mjs --dist`, MOCK_IMAGES=<n>, MOCK_SEED=0), opens /library
// and measures:
//   - first render: navigation start -> first grid tile in the DOM, and -> first thumbnail decoded and shown;
//   - loading: the page is scrolled to the end until infinite scroll has loaded every image (the footer then
//     reads "100,000 images"); time, requests, heap;
//   - scrolling over the full list, with requestAnimationFrame intervals recorded per phase:
//       steady  — 20,000 px at 2,400 px/s near the top,
//       sweep   — the whole height (millions of px) top to bottom in 10 s, every frame shows new rows,
//       jumps   — jumps to 10 %, 50 %, 90 %, 100 % and back to the top, with a short scroll after each;
//   - DOM element count sampled during scrolling (bounded = the grid is windowed), JS heap (after GC);
//   - gzip sizes of ui/dist JS and CSS, and of the JS/CSS the /library page actually loads.
// Writes tests/bench/results/ui-library-grid.json and prints a summary block.
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
const ui = path.join(root, 'ui');
const dist = path.join(ui, 'dist');
const require = createRequire(path.join(ui, 'package.json'));
const { chromium } = require('playwright-core');

const N = Number(process.env.BENCH_IMAGES ?? 100_000);
const PORT = Number(process.env.BENCH_PORT ?? 8797);
const LATENCY = Number(process.env.BENCH_LATENCY ?? 5);
const [VW, VH] = (process.env.BENCH_VIEWPORT ?? '1440x900').split('x').map(Number);
const BASE = `http://127.0.0.1:${PORT}`;
const FRAME = 1000 / 60;
const SHARED = process.env.BENCH_SHARED_THUMBS === '1'; // default: every image has its own thumbnail URL

if (process.argv.includes('--build')) execFileSync('npm', ['run', 'build'], { cwd: ui, stdio: 'inherit' });
if (!fs.existsSync(path.join(dist, 'index.html'))) {
  console.error('ui/dist is missing: run `npm run build` in ui/ (or pass --build)');
  process.exit(2);
}

// ---- bundle sizes ----------------------------------------------------------------------------------------
const gz = (buf) => zlib.gzipSync(buf, { level: 9 }).length;
const br = (buf) => zlib.brotliCompressSync(buf).length;
function sizeOf(rel) {
  const buf = fs.readFileSync(path.join(dist, rel));
  return { file: rel, bytes: buf.length, gzip: gz(buf), brotli: br(buf) };
}
const assetFiles = fs.readdirSync(path.join(dist, 'assets')).filter((f) => /\.(js|css)$/.test(f)).sort();
const distFiles = [...assetFiles.map((f) => `assets/${f}`), ...fs.readdirSync(dist).filter((f) => f.endsWith('.js'))].map(sizeOf);
const sum = (list, k) => list.reduce((a, x) => a + x[k], 0);
const bundle = {
  files: distFiles,
  js: { bytes: sum(distFiles.filter((f) => f.file.endsWith('.js')), 'bytes'), gzip: sum(distFiles.filter((f) => f.file.endsWith('.js')), 'gzip') },
  css: { bytes: sum(distFiles.filter((f) => f.file.endsWith('.css')), 'bytes'), gzip: sum(distFiles.filter((f) => f.file.endsWith('.css')), 'gzip') },
};

// ---- the mock ----------------------------------------------------------------------------------------------
const mock = spawn(process.execPath, [path.join(ui, 'scripts', 'dev-mock.mjs'), '--dist'], {
  env: { ...process.env, MOCK_PORT: String(PORT), MOCK_IMAGES: String(N), MOCK_SEED: '0', MOCK_LATENCY: String(LATENCY), MOCK_SHARED_THUMBS: SHARED ? '1' : '0' },
  stdio: ['ignore', 'pipe', 'inherit'],
});
await new Promise((resolve, reject) => {
  mock.on('exit', (c) => reject(new Error(`dev mock exited (${c})`)));
  mock.stdout.on('data', (d) => { if (String(d).includes('DEV MOCK on')) resolve(); });
});
const cleanup = () => { try { mock.kill(); } catch { /* gone */ } };
process.on('exit', cleanup);

const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p) => (s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] : 0);
  const missed = xs.reduce((a, d) => a + Math.max(0, Math.round(d / FRAME) - 1), 0);
  const r = (v) => Math.round(v * 10) / 10;
  return {
    frames: xs.length, p50: r(q(50)), p95: r(q(95)), p99: r(q(99)), max: r(s[s.length - 1] ?? 0),
    over_16_7ms: xs.filter((d) => d > FRAME + 1).length, dropped: missed,
  };
};

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
let result;
try {
  const ctx = await browser.newContext({ viewport: { width: VW, height: VH }, colorScheme: 'dark' });
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  let listCalls = 0;
  const loaded = new Set();
  page.on('request', (r) => { if (r.url().endsWith('/api/ops/images.list')) listCalls += 1; });
  page.on('response', (r) => { const u = new URL(r.url()); if (/\.(js|css)$/.test(u.pathname)) loaded.add(u.pathname.slice(1)); });

  // First tile in the DOM and first thumbnail decoded and visible, checked every frame from navigation start.
  await page.addInitScript(() => {
    const marks = { grid: null, thumb: null, lcp: null };
    window.__bench = marks;
    const tick = () => {
      if (marks.grid === null && document.querySelector('[role=listitem]')) marks.grid = performance.now();
      if (marks.thumb === null) {
        const img = [...document.querySelectorAll('[role=listitem] img:not([aria-hidden])')].find(
          (i) => i.complete && i.naturalWidth > 0 && Number(getComputedStyle(i).opacity) > 0,
        );
        if (img) marks.thumb = performance.now();
      }
      if (marks.thumb === null) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
    new PerformanceObserver((l) => { for (const e of l.getEntries()) marks.lcp = e.startTime; }).observe({ type: 'largest-contentful-paint', buffered: true });
  });

  const cdp = await ctx.newCDPSession(page);
  const heap = async () => {
    await cdp.send('HeapProfiler.collectGarbage');
    const { usedSize } = await cdp.send('Runtime.getHeapUsage');
    return Math.round((usedSize / 1048576) * 10) / 10;
  };

  await page.goto(`${BASE}/library`);
  await page.waitForFunction(() => window.__bench.thumb !== null, null, { timeout: 30_000 });
  await page.waitForTimeout(300);
  const first = await page.evaluate(() => ({ ...window.__bench, fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null }));
  const firstPaint = {
    first_contentful_paint_ms: Math.round(first.fcp),
    first_tile_in_dom_ms: Math.round(first.grid),
    first_thumbnail_visible_ms: Math.round(first.thumb),
    largest_contentful_paint_ms: first.lcp === null ? null : Math.round(first.lcp),
    images_list_calls: listCalls,
  };
  const libraryAssets = [...loaded].filter((f) => fs.existsSync(path.join(dist, f))).sort().map(sizeOf);
  const heapFirst = await heap();

  // Load every page: keep the window at the end until the footer reports the total.
  const t0 = Date.now();
  const callsBefore = listCalls;
  const footer = await page.evaluate(async (n) => {
    const want = `${n.toLocaleString('en-US')} images`;
    const deadline = performance.now() + 600_000;
    const done = () => [...document.querySelectorAll('main div')].some((d) => d.children.length === 0 && d.textContent === want);
    while (!done() && performance.now() < deadline) {
      window.scrollTo(0, document.documentElement.scrollHeight);
      await new Promise((r) => setTimeout(r, 8));
    }
    return done() ? want : null;
  }, N);
  const loadAll = {
    seconds: Math.round((Date.now() - t0) / 100) / 10,
    images_list_calls: listCalls - callsBefore,
    footer,
    tiles_loaded: await page.evaluate(() => Number(document.querySelector('[role=list]')?.getAttribute('data-items') ?? 0)),
    scroll_height_px: await page.evaluate(() => document.documentElement.scrollHeight),
  };
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.waitForTimeout(500);
  const heapLoaded = await heap();

  // Scroll phases, each recording rAF intervals and sampling the DOM size.
  const scrollPhase = (plan) =>
    page.evaluate(async (plan) => {
      const deltas = [];
      const nodes = [];
      let last = performance.now();
      const frame = () => new Promise((r) => requestAnimationFrame(r));
      const sample = (i) => { if (i % 5 === 0) nodes.push(document.getElementsByTagName('*').length); };
      await frame();
      last = performance.now();
      const step = async (i, fn) => {
        fn();
        await frame();
        const now = performance.now();
        deltas.push(now - last);
        last = now;
        sample(i);
      };
      const max = () => document.documentElement.scrollHeight - innerHeight;
      let i = 0;
      if (plan.kind === 'steady') {
        const perFrame = plan.pxPerSecond / 60;
        const start = scrollY;
        while (scrollY - start < plan.px && scrollY < max()) await step(i++, () => window.scrollBy(0, perFrame));
      } else if (plan.kind === 'sweep') {
        const frames = Math.round(plan.seconds * 60);
        const per = max() / frames;
        window.scrollTo(0, 0);
        for (let k = 1; k <= frames; k++) await step(i++, () => window.scrollTo(0, per * k));
      } else {
        for (const at of plan.at) {
          await step(i++, () => window.scrollTo(0, max() * at));
          for (let k = 0; k < 60; k++) await step(i++, () => window.scrollBy(0, at === 1 ? -40 : 40));
        }
      }
      return { deltas, nodes, y: scrollY, items: document.querySelectorAll('[role=listitem]').length };
    }, plan);

  const phases = {};
  const allNodes = [];
  for (const [name, plan] of [
    ['steady_20000px', { kind: 'steady', px: 20_000, pxPerSecond: 2400 }],
    ['sweep_full_height', { kind: 'sweep', seconds: 10 }],
    ['jumps', { kind: 'jumps', at: [0.1, 0.5, 0.9, 1, 0] }],
  ]) {
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.waitForTimeout(300);
    const r = await scrollPhase(plan);
    allNodes.push(...r.nodes);
    phases[name] = { ...stats(r.deltas), dom_elements_max: Math.max(...r.nodes), tiles_in_dom_at_end: r.items };
  }
  const allDeltas = Object.values(phases);
  const heapAfter = await heap();
  const domIdle = await page.evaluate(() => document.getElementsByTagName('*').length);

  result = {
    when: new Date().toISOString(),
    machine: { cpus: (await import('node:os')).cpus().length, chromium: browser.version(), viewport: `${VW}x${VH}` },
    images: N,
    mock_latency_ms: LATENCY,
    first_render: firstPaint,
    load_all: loadAll,
    scroll: phases,
    dom_elements: { idle_at_top: domIdle, max_during_scroll: Math.max(...allNodes), min_during_scroll: Math.min(...allNodes) },
    js_heap_mb: { after_first_page: heapFirst, with_all_images_loaded: heapLoaded, after_scrolling: heapAfter },
    bundle: {
      library_page: {
        files: libraryAssets,
        js_gzip: sum(libraryAssets.filter((f) => f.file.endsWith('.js')), 'gzip'),
        js_bytes: sum(libraryAssets.filter((f) => f.file.endsWith('.js')), 'bytes'),
        css_gzip: sum(libraryAssets.filter((f) => f.file.endsWith('.css')), 'gzip'),
      },
      dist: bundle,
    },
    page_errors: errors,
  };
  void allDeltas;
} finally {
  await browser.close();
  cleanup();
}

fs.mkdirSync(path.join(here, 'results'), { recursive: true });
fs.writeFileSync(path.join(here, 'results', 'ui-library-grid.json'), `${JSON.stringify(result, null, 2)}\n`);

const kb = (b) => `${(b / 1024).toFixed(1)} KB`;
const row = (name, p) =>
  `  ${name.padEnd(18)} frames ${String(p.frames).padStart(4)}  p50 ${p.p50} ms  p95 ${p.p95} ms  p99 ${p.p99} ms  max ${p.max} ms  dropped ${p.dropped}  (>16.7ms: ${p.over_16_7ms})  DOM max ${p.dom_elements_max}`;
const f = result.first_render;
console.log(`
== Library grid: ${N.toLocaleString('en-US')} images, Chromium ${result.machine.chromium} headless, ${result.machine.viewport}, ${result.machine.cpus} CPUs ==
first render       FCP ${f.first_contentful_paint_ms} ms, first tile in DOM ${f.first_tile_in_dom_ms} ms, first thumbnail visible ${f.first_thumbnail_visible_ms} ms (LCP ${f.largest_contentful_paint_ms} ms)
load all           ${result.load_all.footer ?? 'NOT ALL LOADED'} via infinite scroll in ${result.load_all.seconds} s, ${result.load_all.images_list_calls} images.list calls, page height ${result.load_all.scroll_height_px.toLocaleString('en-US')} px
scroll (rAF intervals; dropped = missed vsyncs)
${Object.entries(result.scroll).map(([k, p]) => row(k, p)).join('\n')}
DOM elements       idle ${result.dom_elements.idle_at_top}, during scroll ${result.dom_elements.min_during_scroll}–${result.dom_elements.max_during_scroll} (bounded: windowed grid)
JS heap (after GC) first page ${result.js_heap_mb.after_first_page} MB, ${N.toLocaleString('en-US')} loaded ${result.js_heap_mb.with_all_images_loaded} MB, after scrolling ${result.js_heap_mb.after_scrolling} MB
bundle /library    JS ${kb(result.bundle.library_page.js_gzip)} gzip (${kb(result.bundle.library_page.js_bytes)} raw, ${result.bundle.library_page.files.filter((x) => x.file.endsWith('.js')).length} files), CSS ${kb(result.bundle.library_page.css_gzip)} gzip
bundle ui/dist     JS ${kb(bundle.js.gzip)} gzip (${kb(bundle.js.bytes)} raw), CSS ${kb(bundle.css.gzip)} gzip (${kb(bundle.css.bytes)} raw)
${result.page_errors.length ? `page errors: ${result.page_errors.join(' | ')}\n` : ''}results: tests/bench/results/ui-library-grid.json`);
