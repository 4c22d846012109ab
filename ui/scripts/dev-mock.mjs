#!/usr/bin/env node
// DEV MOCK ONLY — not part of the product. A tiny stand-in for the Pixel Studio server that answers the
// API contract (POST /api/ops/{method}, WebSocket /api/events, media URLs) with fake, in-memory data so
// the UI can be developed and screenshotted before the real server exists.
//
//   node scripts/dev-mock.mjs                 # API on :8787, use with `npm run dev` (Vite proxies /api)
//   node scripts/dev-mock.mjs --dist          # also serves ui/dist with SPA fallback (like the real server)
//   MOCK_PORT=9000 MOCK_CHARGING=0 MOCK_SEED=0 MOCK_KEYS=openai node scripts/dev-mock.mjs
//   MOCK_IMAGES=100000 MOCK_LATENCY=5 node scripts/dev-mock.mjs --dist   # a large library (benchmark)
//   MOCK_AUTH=oidc node scripts/dev-mock.mjs --dist   # sign-in on: /api/me, cookies, CSRF, sessions, tokens
//
// MOCK_AUTH=oidc acts like the server with an identity provider: signed out until /auth/google (which signs in
// at once, like the auto-approving test provider) sets the session cookie; Write operations made with the
// cookie need the X-CSRF-Token from /api/me. Without it the mock is single-owner, like a local server.
//
// MOCK_IMAGES=<n> adds n synthetic, older images whose thumbnails are a few shared 512 px PNGs, so the
// Library can be exercised at scale; MOCK_LATENCY=<ms> fixes the per-call latency (default 60–180 ms).
import http from 'node:http';
import zlib from 'node:zlib';
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { WebSocketServer } from 'ws';

const PORT = Number(process.env.MOCK_PORT ?? 8787);
const CHARGING = process.env.MOCK_CHARGING !== '0';
const SEED_COUNT = Number(process.env.MOCK_SEED ?? 96);
const KEYS = new Set((process.env.MOCK_KEYS ?? '').split(',').filter(Boolean));
const SYNTHETIC = Number(process.env.MOCK_IMAGES ?? 0);
const LATENCY = process.env.MOCK_LATENCY === undefined ? null : Number(process.env.MOCK_LATENCY);
const SERVE_DIST = process.argv.includes('--dist');
const AUTH = process.env.MOCK_AUTH === 'oidc' ? 'oidc' : 'single_owner';
const DIST = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist');

const preset = (label, width, height) => ({ label, width, height });
const square = preset('Square 1:1', 1024, 1024);
const models = [
  {
    id: 'local-sketch', provider: 'local', name: 'Offline sketch renderer',
    description: 'Built-in offline renderer: abstract compositions drawn from your words. Not an AI model; needs no key and no network.',
    offline: true, credits: 0, speed: 'instant',
    sizes: { kind: 'range', min: 256, max: 2048, multiple_of: 8, presets: [square, preset('Landscape 3:2', 1536, 1024), preset('Portrait 2:3', 1024, 1536), preset('Wide 16:9', 1344, 768), preset('Tall 9:16', 768, 1344), preset('Small 512', 512, 512)] },
    default_size: square, max_images: 10, negative_prompt: true, seed: true, qualities: [], styles: [], prices: [],
  },
  {
    id: 'gpt-image-2', provider: 'openai', name: 'GPT Image 2', description: "OpenAI's current image model: strong prompt following and legible text.",
    offline: false, credits: 6, speed: 'slow',
    sizes: { kind: 'fixed', sizes: [square, preset('Portrait 2:3', 1024, 1536), preset('Landscape 3:2', 1536, 1024), preset('Large square 1:1', 2048, 2048), preset('Wide 16:9', 2048, 1152), preset('Tall 9:16', 1152, 2048)] },
    default_size: square, max_images: 10, negative_prompt: false, seed: false, qualities: ['auto', 'high', 'medium', 'low'], styles: [],
    // The server's GPT Image 2 prices: per quality at 1024×1024, times the area, rounded up.
    prices: [['auto', 6], ['high', 6], ['medium', 2], ['low', 1]].flatMap(([quality, credits]) =>
      [[1024, 1024], [1024, 1536], [1536, 1024], [2048, 2048], [2048, 1152], [1152, 2048]].map(([width, height]) =>
        ({ quality, width, height, credits: Math.ceil((credits * width * height) / (1024 * 1024)) }))),
  },
  {
    id: 'sd3.5-large', provider: 'stability', name: 'Stable Diffusion 3.5 Large', description: 'Stability AI flagship model with style presets (mock only).',
    offline: false, credits: 4, speed: 'medium',
    sizes: { kind: 'range', min: 512, max: 1536, multiple_of: 64, presets: [square, preset('Landscape 3:2', 1536, 1024), preset('Portrait 2:3', 1024, 1536)] },
    default_size: square, max_images: 4, negative_prompt: true, seed: true,
    steps: { min: 10, max: 50, default: 30 }, cfg: { min: 1, max: 10, default: 4.5 },
    qualities: [], styles: ['photographic', 'anime', 'digital-art', 'cinematic', 'line-art'], prices: [],
  },
];
const providers = [
  { id: 'local', name: 'Offline renderer', configured: true, offline: true },
  { id: 'openai', name: 'OpenAI', configured: KEYS.has('openai'), offline: false },
  { id: 'stability', name: 'Stability AI', configured: KEYS.has('stability'), offline: false },
];
const user = { id: 'u_dev', username: 'ada', email: 'ada@example.com', role: 'user', created_at: Date.now() - 86400000 * 30 };

let settings = {
  profile_private: false,
  default_visibility: 'private',
  notifications: Object.fromEntries(
    ['new_follower', 'like', 'comment', 'mention', 'generation_completed', 'tip_received', 'prompt_purchased',
      'collection_purchased', 'achievement_unlocked', 'streak_milestone', 'payout_completed'].map((k) => [k, true]),
  ),
  theme: 'system',
};
const TAKEN_USERNAMES = new Set(['grace', 'linus', 'admin', 'settings']);

let balance = 250;
const ledger = [];
const sets = new Map();
const jobs = new Map();
const images = new Map();
const clients = new Set();
const id = (p) => `${p}_${crypto.randomBytes(8).toString('hex')}`;

function grant(amount, memo, jobId, kind = amount > 0 ? (jobId ? 'refund' : 'grant') : 'reserve') {
  balance += amount;
  ledger.unshift({ id: id('led'), user_id: user.id, kind, amount, balance_after: balance, idempotency_key: id('k'), ...(jobId ? { job_id: jobId } : {}), memo, created_at: Date.now() });
  broadcast({ type: 'balance.changed', balance });
}
grant(0, 'Welcome credits', undefined, 'grant');
ledger[0].amount = 250;

function broadcast(event) {
  const s = JSON.stringify(event);
  for (const c of clients) if (c.readyState === 1) c.send(s);
}

class ApiErr extends Error {
  constructor(status, code, message) { super(message); this.status = status; this.code = code; }
}

// ---- fake pictures --------------------------------------------------------------------------------
function hashNum(s) { return crypto.createHash('sha256').update(s).digest(); }
function svgFor(prompt, seed, w, h, detail = true) {
  const b = hashNum(`${prompt}|${seed}`);
  const hue = (b[0] / 255) * 360;
  const hue2 = (hue + 40 + (b[1] / 255) * 120) % 360;
  let shapes = '';
  if (detail) {
    for (let i = 0; i < 9; i++) {
      const x = (b[2 + i] / 255) * w, y = (b[11 + i] / 255) * h, r = (0.08 + (b[20 + (i % 10)] / 255) * 0.3) * Math.min(w, h);
      const hh = (hue + i * 37) % 360;
      shapes += i % 3 === 0
        ? `<rect x="${x - r / 2}" y="${y - r / 2}" width="${r}" height="${r * 0.7}" rx="${r / 6}" fill="hsl(${hh} 70% 60% / .55)" transform="rotate(${b[i] % 90} ${x} ${y})"/>`
        : `<circle cx="${x}" cy="${y}" r="${r / 2}" fill="hsl(${hh} 75% ${50 + (i % 3) * 10}% / .6)"/>`;
    }
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}"><defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="hsl(${hue} 60% 22%)"/><stop offset="1" stop-color="hsl(${hue2} 65% 45%)"/></linearGradient></defs><rect width="100%" height="100%" fill="url(#g)"/>${shapes}</svg>`;
}

function makeImage(job) {
  const imageId = id('img');
  const p = job.params;
  const svg = svgFor(p.prompt, job.seed, p.width, p.height);
  const small = svgFor(p.prompt, job.seed, 16, Math.max(4, Math.round((16 * p.height) / p.width)), false);
  const now = Date.now();
  const image = {
    id: imageId, owner_id: user.id, set_id: job.set_id, job_id: job.id, visibility: settings.default_visibility, mime: 'image/svg+xml',
    width: p.width, height: p.height, bytes: svg.length, sha256: crypto.createHash('sha256').update(svg).digest('hex'), thumb_sha256: crypto.createHash('sha256').update(svg).digest('hex'),
    placeholder: `data:image/svg+xml;base64,${Buffer.from(small).toString('base64')}`,
    url: `/media/${imageId}/original.svg`, thumb_url: `/media/${imageId}/thumb.svg`,
    record: {
      provider: job.provider, model: p.model, params: p, seed: job.seed, cost: job.cost, attempts: job.attempts,
      timings: { queued_at: job.created_at, started_at: job.started_at ?? now, finished_at: now, provider_ms: Math.max(1, now - (job.started_at ?? now) - 40), processing_ms: 38 },
      ...(job.remix_of ? { remix_of: job.remix_of } : {}), retried_errors: [], set_id: job.set_id, job_id: job.id, index: job.index,
    },
    created_at: now,
    _svg: svg,
  };
  images.set(imageId, image);
  sorted = null;
  return image;
}
const pub = (img) => { const { _svg, ...rest } = img; return rest; };

// Newest first, with an id -> position index for cursors; rebuilt lazily after any change.
let sorted = null;
let position = new Map();
function imagesNewestFirst() {
  if (!sorted) {
    sorted = [...images.values()].sort((a, b) => b.created_at - a.created_at || (a.id < b.id ? 1 : -1));
    position = new Map(sorted.map((img, i) => [img.id, i]));
  }
  return sorted;
}

// ---- synthetic large library (MOCK_IMAGES) --------------------------------------------------------------
function png(w, h, pixel) {
  const raw = Buffer.alloc((w * 3 + 1) * h);
  for (let y = 0; y < h; y++) {
    raw[y * (w * 3 + 1)] = 0;
    for (let x = 0; x < w; x++) pixel(x, y, raw, y * (w * 3 + 1) + 1 + x * 3);
  }
  const chunk = (type, data) => {
    const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type), data]);
    const crc = Buffer.alloc(4); crc.writeUInt32BE(zlib.crc32(td));
    return Buffer.concat([len, td, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0); ihdr.writeUInt32BE(h, 4); ihdr[8] = 8; ihdr[9] = 2;
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}
function hsl(h, s, l) {
  const a = s * Math.min(l, 1 - l);
  const f = (n) => { const k = (n + h / 30) % 12; return Math.round(255 * (l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1)))); };
  return [f(0), f(8), f(4)];
}
const SYNTH_VARIANTS = 16;
const SHARED_THUMBS = process.env.MOCK_SHARED_THUMBS === '1'; // one URL per variant: the browser decodes 16 pictures
const synthThumbs = [];
const synthPlaceholders = [];
if (SYNTHETIC > 0) {
  for (let v = 0; v < SYNTH_VARIANTS; v++) {
    const hue = (v * 360) / SYNTH_VARIANTS;
    const paint = (size) => (x, y, buf, o) => {
      const t = (x + y) / (2 * size);
      const ring = Math.hypot(x - size * 0.6, y - size * 0.4) / size;
      const [r, g, b] = hsl((hue + t * 70 + (ring < 0.22 ? 140 : 0)) % 360, 0.6, 0.25 + t * 0.35);
      buf[o] = r; buf[o + 1] = g; buf[o + 2] = b;
    };
    synthThumbs.push(png(512, 512, paint(512)));
    synthPlaceholders.push(`data:image/png;base64,${png(16, 16, paint(16)).toString('base64')}`);
  }
}
function synthImage(i, t0) {
  const v = i % SYNTH_VARIANTS;
  const imageId = `img_syn${String(i).padStart(7, '0')}`;
  const created = t0 - i * 60_000;
  const params = { prompt: `${SEED_PROMPTS[i % SEED_PROMPTS.length]} #${i}`, model: i % 5 === 0 ? 'dall-e-2' : 'local-sketch', width: 1024, height: 1024 };
  return {
    id: imageId, owner_id: user.id, set_id: `set_syn${Math.floor(i / 4)}`, job_id: `job_syn${i}`, visibility: 'private', mime: 'image/png',
    width: 512, height: 512, bytes: synthThumbs[v].length, sha256: '0'.repeat(64), thumb_sha256: '0'.repeat(64),
    placeholder: synthPlaceholders[v], url: `/media/syn/${v}/${imageId}.png`, thumb_url: SHARED_THUMBS ? `/media/syn/${v}/shared.png` : `/media/syn/${v}/${imageId}-thumb.png`,
    record: {
      provider: params.model === 'dall-e-2' ? 'openai' : 'local', model: params.model, params, seed: i, cost: 0, attempts: 1,
      timings: { queued_at: created - 2000, started_at: created - 1800, finished_at: created, provider_ms: 1700, processing_ms: 40 },
      retried_errors: [], set_id: `set_syn${Math.floor(i / 4)}`, job_id: `job_syn${i}`, index: i % 4,
    },
    created_at: created,
  };
}

// ---- generation simulation ------------------------------------------------------------------------
function validate(req) {
  const prompt = String(req.prompt ?? '').trim();
  if (!prompt) throw new ApiErr(400, 'invalid_prompt', 'the prompt is empty');
  if ([...prompt].length > 3500) throw new ApiErr(400, 'invalid_prompt', `the prompt has ${[...prompt].length} characters; the limit is 3500`);
  const model = models.find((m) => m.id === req.model);
  if (!model) throw new ApiErr(400, 'unknown_model', `unknown model '${req.model}'`);
  if (!model.offline && !providers.find((p) => p.id === model.provider)?.configured) {
    throw new ApiErr(503, 'model_unavailable', `${model.name} needs an API key for ${model.provider}; none is configured`);
  }
  const n = req.n ?? 1;
  if (n < 1 || n > model.max_images) throw new ApiErr(400, 'invalid_count', `the number of images must be 1–${model.max_images}; got ${n}`);
  const width = req.width ?? model.default_size.width, height = req.height ?? model.default_size.height;
  if (model.sizes.kind === 'fixed' && !model.sizes.sizes.some((s) => s.width === width && s.height === height)) {
    throw new ApiErr(400, 'invalid_size', `${model.name} supports ${model.sizes.sizes.map((s) => `${s.width}x${s.height}`).join(', ')}; got ${width}x${height}`);
  }
  if (model.sizes.kind === 'range') {
    for (const [name, v] of [['width', width], ['height', height]]) {
      const r = model.sizes;
      if (v < r.min || v > r.max || v % r.multiple_of) throw new ApiErr(400, 'invalid_size', `${name} must be ${r.min}–${r.max} and a multiple of ${r.multiple_of}; got ${v}`);
    }
  }
  if (req.seed !== undefined && !model.seed) throw new ApiErr(400, 'unsupported_parameter', `${model.name} does not support a seed`);
  const params = { prompt, model: model.id, width, height };
  for (const k of ['negative_prompt', 'steps', 'cfg', 'quality', 'style']) if (req[k] !== undefined && req[k] !== '') params[k] = req[k];
  return { model, n, params, seed: req.seed };
}

function submit(req, opts = {}) {
  const { model, n, params, seed } = validate(req);
  const cost = CHARGING ? model.credits * n : 0;
  if (cost > balance) throw new ApiErr(402, 'insufficient_credits', `this needs ${cost} credits; the balance is ${balance}`);
  const now = opts.at ?? Date.now();
  const set = { id: id('set'), owner_id: user.id, params, n, cost, ...(req.remix_of ? { remix_of: req.remix_of } : {}), ...(opts.comparisonId ? { comparison_id: opts.comparisonId } : {}), created_at: now };
  sets.set(set.id, set);
  const base = seed ?? crypto.randomInt(0, 2 ** 31);
  const out = [];
  for (let i = 0; i < n; i++) {
    const job = {
      id: id('job'), set_id: set.id, owner_id: user.id, index: i, state: 'queued', provider: model.provider, params,
      seed: (base + i) >>> 0, cost: cost / n, attempts: 0, max_attempts: 3, progress: 0, refunded: false,
      ...(req.remix_of ? { remix_of: req.remix_of } : {}), created_at: now,
    };
    jobs.set(job.id, job);
    out.push(job);
  }
  if (cost > 0) grant(-cost, `Reserved for ${n} × ${model.name}`);
  if (!opts.instant) for (const job of out) { broadcast({ type: 'generation.queued', job }); run(job); }
  return { set, jobs: out, cost };
}

function finishFailed(job, state, error) {
  job.state = state;
  job.finished_at = Date.now();
  if (error) job.error = error;
  if (job.cost > 0) { job.refunded = true; grant(job.cost, `Refund: ${state}`, job.id); }
  broadcast({ type: 'generation.failed', job });
}

function run(job) {
  const speed = { instant: 1200, fast: 2500, medium: 4000, slow: 6000 }[models.find((m) => m.id === job.params.model)?.speed ?? 'fast'];
  const delay = 400 + job.index * 350 + Math.random() * 400;
  setTimeout(() => {
    if (job.state !== 'queued') return;
    job.state = 'running'; job.started_at = Date.now(); job.attempts = 1;
    broadcast({ type: 'generation.started', job });
    const steps = 8;
    let k = 0;
    const tick = setInterval(() => {
      if (job.state !== 'running') return clearInterval(tick);
      k += 1;
      job.progress = Math.min(1, k / steps);
      broadcast({ type: 'generation.progress', job_id: job.id, set_id: job.set_id, progress: job.progress, emitted_at_us: Date.now() * 1000 });
      if (k < steps) return;
      clearInterval(tick);
      const p = job.params.prompt.toLowerCase();
      if (p.includes('nsfw')) return finishFailed(job, 'moderated', { code: 'moderated', message: 'the provider flagged this request' });
      if (p.includes('[500]') && job.provider === 'openai') return finishFailed(job, 'failed', { code: 'provider_error', message: 'OpenAI answered 500 three times' });
      if (p.includes('fail') && job.index % 2 === 0) return finishFailed(job, 'failed', { code: 'provider_error', message: 'the provider answered 500 three times' });
      const image = makeImage(job);
      job.state = 'succeeded'; job.finished_at = Date.now(); job.image_id = image.id;
      broadcast({ type: 'generation.completed', job, image: pub(image), emitted_at_us: Date.now() * 1000 });
    }, speed / steps);
  }, delay);
}

// ---- seed data -------------------------------------------------------------------------------------
const SEED_PROMPTS = [
  'A lighthouse on a basalt cliff at dusk, volumetric fog, cinematic',
  'Isometric cozy ramen shop at night, neon signs, rain puddles',
  'Portrait of an elderly botanist among hanging ferns, soft window light',
  'Retro-futuristic train station, brutalist concrete, warm sunset',
  'Macro photo of a dew-covered beetle on moss, shallow depth of field',
  'Watercolor map of an imaginary archipelago with sea monsters',
  'Minimalist poster of a red kite against a pale sky',
  'Astronaut tending a greenhouse on Mars, golden hour',
];
{
  const t0 = Date.now() - SEED_COUNT * 3600_000;
  for (let i = 0; i < SEED_COUNT; ) {
    const n = Math.min(SEED_COUNT - i, 1 + (i % 4));
    const model = i % 5 === 0 ? 'dall-e-2' : 'local-sketch';
    const sizes = [[1024, 1024], [1536, 1024], [1024, 1536], [1344, 768]];
    const [w, h] = model === 'dall-e-2' ? [1024, 1024] : sizes[i % 4];
    const saveBalance = balance;
    const out = submit({ prompt: SEED_PROMPTS[i % SEED_PROMPTS.length], model: 'local-sketch', n, width: w, height: h }, { instant: true, at: t0 + i * 3600_000 });
    balance = saveBalance;
    for (const job of out.jobs) {
      job.params = { ...job.params, model };
      job.provider = model === 'dall-e-2' ? 'openai' : 'local';
      job.state = 'succeeded'; job.started_at = job.created_at + 200; job.attempts = 1; job.progress = 1;
      const image = makeImage(job);
      image.created_at = job.created_at + 1500;
      job.image_id = image.id; job.finished_at = image.created_at;
    }
    out.set.params = { ...out.set.params, model };
    i += n;
  }
  if (SEED_COUNT > 0) {
    const failedSet = submit({ prompt: 'A knight made of stained glass, nsfw test', model: 'local-sketch', n: 2 }, { instant: true, at: Date.now() - 600_000 });
    const [a, b] = failedSet.jobs;
    a.state = 'moderated'; a.error = { code: 'moderated', message: 'the provider flagged this request' }; a.cost = 6; a.refunded = true;
    b.state = 'failed'; b.error = { code: 'timeout', message: 'no answer from the provider after 120 s' }; b.cost = 6; b.refunded = true;
  }
}

if (SYNTHETIC > 0) {
  const t0 = Date.now() - (SEED_COUNT + 1) * 3600_000;
  for (let i = 0; i < SYNTHETIC; i++) { const img = synthImage(i, t0); images.set(img.id, img); }
  sorted = null;
}

// ---- records.import: reads A1111 / ComfyUI / InvokeAI records from PNG text chunks ---------------------
function pngTexts(buf) {
  const sig = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  if (buf.length < 8 || !buf.subarray(0, 8).equals(sig)) throw new ApiErr(400, 'invalid_input', 'the file is not a PNG');
  const texts = {};
  for (let at = 8; at + 12 <= buf.length;) {
    const len = buf.readUInt32BE(at);
    const type = buf.toString('latin1', at + 4, at + 8);
    const data = buf.subarray(at + 8, at + 8 + len);
    if (type === 'tEXt' || type === 'iTXt') {
      const nul = data.indexOf(0);
      const key = data.toString('latin1', 0, nul);
      let value = data.subarray(nul + 1);
      if (type === 'iTXt') { // compression flag, method, language\0, translated keyword\0, text
        const compressed = value[0] === 1;
        let rest = value.subarray(2);
        rest = rest.subarray(rest.indexOf(0) + 1);
        rest = rest.subarray(rest.indexOf(0) + 1);
        value = compressed ? zlib.inflateSync(rest) : rest;
      }
      texts[key] = value.toString(type === 'iTXt' ? 'utf8' : 'latin1');
    }
    if (type === 'IEND') break;
    at += 12 + len;
  }
  return texts;
}
function parseInfotext(text) {
  const lines = text.trim().split('\n');
  const last = lines.at(-1) ?? '';
  const params = /(^|, )Steps: /.test(last) ? Object.fromEntries(
    [...last.matchAll(/\s*([\w ]+):\s*("(?:\\.|[^"])*"|[^,]*)(?:,|$)/g)].map((m) => [m[1].trim(), m[2].trim()]),
  ) : {};
  const body = Object.keys(params).length ? lines.slice(0, -1) : lines;
  const neg = body.findIndex((l) => l.startsWith('Negative prompt:'));
  const prompt = (neg >= 0 ? body.slice(0, neg) : body).join('\n').trim();
  const negative = neg >= 0 ? body.slice(neg).join('\n').replace(/^Negative prompt:\s*/, '').trim() : '';
  const [w, h] = (params.Size ?? '').split('x').map(Number);
  const rec = { source: 'a1111', prompt };
  if (negative) rec.negative_prompt = negative;
  if (w && h) { rec.width = w; rec.height = h; }
  if (params.Seed) rec.seed = Number(params.Seed);
  if (params.Steps) rec.steps = Number(params.Steps);
  if (params['CFG scale']) rec.cfg = Number(params['CFG scale']);
  if (params.Sampler) rec.sampler = params.Sampler;
  if (params.Model) rec.model = params.Model;
  return rec;
}
function importRecord({ file_base64, png_base64 }) {
  const b64 = String(file_base64 ?? png_base64 ?? '').replace(/^data:[^,]*,/, '');
  const texts = pngTexts(Buffer.from(b64, 'base64'));
  let rec;
  if (texts.parameters) rec = parseInfotext(texts.parameters);
  else if (texts.prompt || texts.workflow) {
    rec = { source: 'comfyui', prompt: 'a cozy cabin in a snowy forest, warm light in the windows, night', negative_prompt: 'blurry, lowres', width: 1024, height: 1024, seed: 81234, steps: 20, cfg: 8, sampler: 'euler', model: 'sd_xl_base_1.0.safetensors' };
  } else if (texts.invokeai_metadata) {
    const m = JSON.parse(texts.invokeai_metadata);
    rec = { source: 'invokeai', prompt: m.positive_prompt ?? '', negative_prompt: m.negative_prompt, width: m.width, height: m.height, seed: m.seed, steps: m.steps, cfg: m.cfg_scale, sampler: m.scheduler, model: m.model?.name };
  } else throw new ApiErr(404, 'not_found', 'the PNG carries no generation record');
  const model = models.find((m) => m.id === (KEYS.has('stability') ? 'sd3.5-large' : 'local-sketch'));
  const request = { prompt: rec.prompt, model: model.id, n: 1 };
  const dropped = [];
  if (rec.width && rec.height) {
    const r = model.sizes;
    const ok = (v) => v >= r.min && v <= r.max && v % r.multiple_of === 0;
    if (ok(rec.width) && ok(rec.height)) { request.width = rec.width; request.height = rec.height; } else dropped.push(`size ${rec.width}×${rec.height}`);
  }
  if (rec.negative_prompt) request.negative_prompt = rec.negative_prompt;
  if (rec.seed !== undefined) { if (rec.seed >= 0 && rec.seed <= 4294967295) request.seed = rec.seed; else dropped.push(`seed ${rec.seed}`); }
  if (rec.steps !== undefined) { if (model.steps) request.steps = Math.min(model.steps.max, Math.max(model.steps.min, rec.steps)); else dropped.push(`${rec.steps} steps`); }
  if (rec.cfg !== undefined) { if (model.cfg) request.cfg = Math.min(model.cfg.max, Math.max(model.cfg.min, rec.cfg)); else dropped.push(`CFG ${rec.cfg}`); }
  if (rec.sampler) dropped.push(`sampler ${rec.sampler}`);
  if (rec.model) dropped.push(`checkpoint ${rec.model}`);
  return { record: rec, request, dropped };
}

// ---- operations ------------------------------------------------------------------------------------
const byNewest = (a, b) => b.created_at - a.created_at;
const comparisons = new Map(); // comparison id -> set ids, in the order asked

// One prompt on 2–4 models: everything is checked (and the whole cost reserved) before anything is written.
function compare({ prompt, models: ids, n = 1, negative_prompt, seed }) {
  if (!Array.isArray(ids) || ids.length < 2 || ids.length > 4 || new Set(ids).size !== ids.length) {
    throw new ApiErr(400, 'invalid_input', 'a comparison needs 2–4 different models');
  }
  const reqs = ids.map((modelId) => {
    const model = models.find((m) => m.id === modelId);
    if (!model) throw new ApiErr(400, 'unknown_model', `unknown model '${modelId}'`);
    if (negative_prompt && !model.negative_prompt) throw new ApiErr(400, 'unsupported_parameter', `${model.name} does not support a negative prompt`);
    const req = { prompt, model: modelId, n, ...(negative_prompt ? { negative_prompt } : {}), ...(seed !== undefined && model.seed ? { seed } : {}) };
    validate(req);
    return req;
  });
  const cost = CHARGING ? reqs.reduce((sum, r) => sum + models.find((m) => m.id === r.model).credits * n, 0) : 0;
  if (cost > balance) throw new ApiErr(402, 'insufficient_credits', `this needs ${cost} credits; the balance is ${balance}`);
  const comparisonId = id('cmp');
  const sets = reqs.map((r) => submit(r, { comparisonId }));
  comparisons.set(comparisonId, sets.map((s) => s.set.id));
  return { comparison_id: comparisonId, sets, cost: sets.reduce((sum, s) => sum + s.cost, 0) };
}
function getJob(jobId) { const j = jobs.get(jobId); if (!j) throw new ApiErr(404, 'not_found', 'job not found'); return j; }

// Old records (the seeded dall-e-2 images) name models OpenAI retired; remixes say what they run on now.
const retired = [
  { id: 'dall-e-2', provider: 'openai', name: 'DALL·E 2', retired_on: '2026-05', replaced_by: 'gpt-image-2', note: 'OpenAI retired DALL·E 2 in May 2026; new images from this record are made with GPT Image 2.' },
  { id: 'dall-e-3', provider: 'openai', name: 'DALL·E 3', retired_on: '2026-05', replaced_by: 'gpt-image-2', note: 'OpenAI retired DALL·E 3 in May 2026; new images from this record are made with GPT Image 2.' },
  { id: 'gpt-image-1', provider: 'openai', name: 'GPT Image 1', retired_on: '2026-10', replaced_by: 'gpt-image-2', note: 'OpenAI shut GPT Image 1 down in October 2026; new images from this record are made with GPT Image 2.' },
];

const ops = {
  'catalogue.list': () => ({ models, retired, default_model: KEYS.size ? 'gpt-image-2' : 'local-sketch' }),
  'providers.list': () => ({ providers }),
  'account.get': () => ({ user, balance, charging: CHARGING, settings }),
  'account.update': ({ username, settings: next }) => {
    if (username !== undefined) {
      const name = String(username).trim();
      if (!/^[a-z][a-z0-9_]{2,29}$/.test(name)) throw new ApiErr(400, 'invalid_input', 'a username has 3 to 30 characters: lowercase letters, digits and _, starting with a letter');
      if (TAKEN_USERNAMES.has(name)) throw new ApiErr(409, 'conflict', 'that username is taken');
      user.username = name;
    }
    if (next) settings = { ...settings, ...next, notifications: { ...settings.notifications, ...next.notifications } };
    return ops['account.get']();
  },
  'sessions.list': (_input, caller) => ({
    sessions: [...sessions.values()].filter((x) => !x.revoked).sort((a, b) => b.created_at - a.created_at).map((x) => sessionInfo(x, caller)),
  }),
  'sessions.revoke': ({ session_id }) => {
    const x = sessions.get(session_id);
    if (!x || x.revoked) throw new ApiErr(404, 'not_found', 'session not found');
    x.revoked = true;
    return { revoked: 1 };
  },
  'sessions.revoke_all': () => {
    let revoked = 0;
    for (const x of sessions.values()) if (!x.revoked) { x.revoked = true; revoked += 1; }
    return { revoked };
  },
  'tokens.create': ({ label }, caller) => {
    const l = String(label ?? '').trim();
    if (!l || l.length > 80) throw new ApiErr(400, 'invalid_input', 'a token needs a label of 1–80 characters');
    const { secret, session } = openSession('token', l);
    return { token: secret, session: sessionInfo(session, caller) };
  },
  'images.set_visibility': ({ image_ids, visibility }) => {
    if (visibility !== 'private' && visibility !== 'public') throw new ApiErr(400, 'invalid_input', 'visibility is private or public');
    const changed = [];
    for (const iid of image_ids ?? []) {
      const img = images.get(iid);
      if (img && img.owner_id === user.id) { img.visibility = visibility; changed.push(iid); }
    }
    return { changed };
  },
  'generations.create': (req) => submit(req),
  'generations.get': ({ job_id }) => getJob(job_id),
  'generations.list': ({ states, limit = 50 }) => ({
    jobs: [...jobs.values()].filter((j) => !states || states.includes(j.state)).sort((a, b) => byNewest(a, b) || a.index - b.index).slice(0, limit),
  }),
  'generations.cancel': ({ job_id }) => {
    const job = getJob(job_id);
    if (job.state !== 'queued' && job.state !== 'running') throw new ApiErr(409, 'conflict', 'the job has already finished');
    finishFailed(job, 'cancelled', { code: 'cancelled', message: 'cancelled by you' });
    return job;
  },
  'generations.retry': ({ job_id }) => {
    const job = getJob(job_id);
    if (job.state !== 'failed') throw new ApiErr(409, 'conflict', 'only failed jobs can be retried');
    return submit({ ...job.params, n: 1, ...(job.remix_of ? { remix_of: job.remix_of } : {}) });
  },
  'generations.compare': compare,
  'comparisons.get': ({ comparison_id }) => {
    const ids = comparisons.get(comparison_id);
    if (!ids) throw new ApiErr(404, 'not_found', 'comparison not found');
    return { comparison_id, sets: ids.filter((sid) => sets.has(sid)).map((sid) => ops['sets.get']({ set_id: sid })) };
  },
  'sets.get': ({ set_id }) => {
    const set = sets.get(set_id);
    if (!set) throw new ApiErr(404, 'not_found', 'set not found');
    return {
      set,
      jobs: [...jobs.values()].filter((j) => j.set_id === set_id).sort((a, b) => a.index - b.index),
      images: [...images.values()].filter((i) => i.set_id === set_id).sort((a, b) => a.record.index - b.record.index).map(pub),
    };
  },
  'sets.list': ({ before, limit = 30 }) => page([...sets.values()], before, limit, 'sets'),
  'images.get': ({ image_id }, caller) => {
    const i = images.get(image_id);
    // Private images are for their owner only; to anyone else they do not exist.
    if (!i || (i.visibility !== 'public' && caller?.via === 'none')) throw new ApiErr(404, 'not_found', 'image not found');
    return pub(i);
  },
  'images.list': ({ model, text, from, to, set_id, before, limit = 60 }) => {
    if (!model && !text && from === undefined && to === undefined && !set_id) {
      const all = imagesNewestFirst();
      const start = before ? (position.get(before) ?? -1) + 1 : 0;
      const items = all.slice(start, start + limit).map(pub);
      return { images: items, ...(start + limit < all.length && items.length ? { next: items[items.length - 1].id } : {}) };
    }
    let list = imagesNewestFirst();
    if (model) list = list.filter((i) => i.record.model === model);
    if (text) list = list.filter((i) => i.record.params.prompt.toLowerCase().includes(String(text).toLowerCase()));
    if (from !== undefined) list = list.filter((i) => i.created_at >= from);
    if (to !== undefined) list = list.filter((i) => i.created_at <= to);
    if (set_id) list = list.filter((i) => i.set_id === set_id);
    const out = page(list, before, limit, 'images');
    out.images = out.images.map(pub);
    return out;
  },
  'images.delete': ({ image_ids }) => { sorted = null; return { deleted: (image_ids ?? []).filter((iid) => images.delete(iid)) }; },
  'ledger.list': ({ limit = 50 }) => ({ entries: ledger.slice(0, limit), balance }),
  'records.import': importRecord,
};

function page(list, before, limit, key) {
  list.sort((a, b) => byNewest(a, b) || (a.id < b.id ? 1 : -1));
  let start = 0;
  if (before) { start = list.findIndex((x) => x.id === before) + 1; }
  const items = list.slice(start, start + limit);
  const more = start + limit < list.length;
  return { [key]: items, ...(more && items.length ? { next: items[items.length - 1].id } : {}) };
}

// ---- sessions (MOCK_AUTH=oidc) -----------------------------------------------------------------------
const sessions = new Map(); // id -> { id, kind, label, secret, csrf, created_at, last_used_at, expires_at, revoked }
function openSession(kind, label, at = Date.now()) {
  const secret = `${kind === 'browser' ? 'pss_' : 'pst_'}${crypto.randomBytes(24).toString('base64url')}`;
  const session = {
    id: id('ses'), kind, label, secret, csrf: crypto.randomBytes(16).toString('hex'),
    created_at: at, last_used_at: at, expires_at: at + 30 * 86400000, revoked: false,
  };
  sessions.set(session.id, session);
  return { secret, session };
}
function sessionInfo(x, caller) {
  const { id: sid, kind, label, created_at, last_used_at, expires_at } = x;
  return { id: sid, kind, label, created_at, last_used_at, expires_at, current: caller?.session?.id === sid };
}
if (AUTH === 'oidc') {
  // Somewhere else the account is signed in too, so the Account page has something to show.
  const day = 86400000;
  openSession('browser', 'browser', Date.now() - 9 * day).session.last_used_at = Date.now() - 2 * day;
  openSession('token', 'Pixel Studio desktop', Date.now() - 20 * day).session.last_used_at = Date.now() - 3600_000;
  openSession('token', 'CI', Date.now() - 40 * day).session.last_used_at = Date.now() - 6 * day;
}

const WRITE_OPS = new Set(['account.update', 'sessions.revoke', 'sessions.revoke_all', 'tokens.create', 'generations.create',
  'generations.cancel', 'generations.retry', 'generations.compare', 'images.delete', 'images.set_visibility', 'records.import']);
const PUBLIC_OPS = new Set(['catalogue.list', 'providers.list', 'images.get']);

function cookie(req, name) {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=');
  }
  return '';
}

/** Who is calling: `{ via: 'owner' }` without sign-in, else the session of the bearer token or cookie. */
function resolve(req) {
  if (AUTH !== 'oidc') return { via: 'owner', session: null };
  const bearer = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
  const secret = bearer ?? cookie(req, 'ps_session');
  const session = secret ? [...sessions.values()].find((x) => x.secret === secret && !x.revoked) : undefined;
  if (bearer && !session) throw new ApiErr(401, 'unauthenticated', 'the bearer token is unknown, expired or revoked');
  if (!session) return { via: 'none', session: null };
  session.last_used_at = Date.now();
  return { via: bearer ? 'bearer' : 'cookie', session };
}

function checkCsrf(req, caller) {
  if (caller.via === 'cookie' && req.headers['x-csrf-token'] !== caller.session.csrf) {
    throw new ApiErr(403, 'forbidden', 'missing or wrong CSRF token: send the X-CSRF-Token header from /api/me');
  }
}

function me(caller) {
  return {
    id: user.id, username: user.username, email: user.email, role: user.role, credits: balance, charging: CHARGING, settings,
    auth_mode: AUTH, csrf_token: caller.via === 'cookie' ? caller.session.csrf : null,
  };
}

const sessionCookie = (value, maxAge) => `ps_session=${value}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAge}`;

// ---- HTTP ------------------------------------------------------------------------------------------
const send = (res, status, body, type = 'application/json') => {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  res.end(type === 'application/json' ? JSON.stringify(body) : body);
};

const server = http.createServer(async (req, res) => {
  const url = new URL(req.url ?? '/', 'http://x');
  const op = url.pathname.match(/^\/api\/ops\/([a-z_.]+)$/);
  if (op && req.method === 'POST') {
    let raw = '';
    for await (const chunk of req) raw += chunk;
    const fn = ops[op[1]];
    if (!fn) return send(res, 404, { error: { code: 'unknown_operation', message: `unknown operation '${op[1]}'` } });
    try {
      const caller = resolve(req);
      if (WRITE_OPS.has(op[1])) checkCsrf(req, caller);
      if (caller.via === 'none' && !PUBLIC_OPS.has(op[1])) throw new ApiErr(401, 'unauthenticated', 'sign in to do this');
      const input = raw ? JSON.parse(raw) : {};
      await new Promise((r) => setTimeout(r, LATENCY ?? 60 + Math.random() * 120)); // a little latency
      return send(res, 200, fn(input, caller));
    } catch (e) {
      if (e instanceof ApiErr) return send(res, e.status, { error: { code: e.code, message: e.message } });
      if (e instanceof SyntaxError) return send(res, 400, { error: { code: 'invalid_input', message: 'the body is not JSON' } });
      console.error(e);
      return send(res, 500, { error: { code: 'internal', message: 'internal error; see the server log' } });
    }
  }
  if (url.pathname === '/api/me' && req.method === 'GET') {
    try {
      const caller = resolve(req);
      if (caller.via === 'none') return send(res, 401, { error: { code: 'unauthenticated', message: 'sign in to do this' } });
      return send(res, 200, me(caller));
    } catch (e) {
      return send(res, e.status ?? 500, { error: { code: e.code ?? 'internal', message: e.message } });
    }
  }
  if (url.pathname === '/auth/google' && req.method === 'GET') {
    if (AUTH !== 'oidc') return send(res, 404, 'Sign-in is not set up: this mock runs single-owner (MOCK_AUTH=oidc turns it on).', 'text/plain');
    // The real server leaves for the identity provider here; the mock signs in at once.
    const back = url.searchParams.get('return_to') ?? '/';
    const target = back.startsWith('/') && !back.startsWith('//') ? back : '/';
    const { secret } = openSession('browser', 'browser');
    res.writeHead(302, { location: target, 'set-cookie': sessionCookie(secret, 30 * 86400), 'cache-control': 'no-store' });
    return res.end();
  }
  if (url.pathname === '/auth/logout' && req.method === 'POST') {
    try {
      const caller = resolve(req);
      checkCsrf(req, caller);
      if (caller.session) caller.session.revoked = true;
      res.writeHead(204, { 'set-cookie': sessionCookie('', 0) });
      return res.end();
    } catch (e) {
      return send(res, e.status ?? 500, { error: { code: e.code ?? 'internal', message: e.message } });
    }
  }
  // Each synthetic image has its own URL (so the browser loads and decodes each), served from shared bytes.
  const syn = url.pathname.match(/^\/media\/syn\/(\d+)\/[a-z0-9_-]+\.png$/);
  if (syn && synthThumbs[Number(syn[1])]) {
    res.writeHead(200, { 'content-type': 'image/png', 'cache-control': 'public, max-age=31536000, immutable' });
    return res.end(synthThumbs[Number(syn[1])]);
  }
  const media = url.pathname.match(/^\/media\/([a-z0-9_]+)\/(original|thumb)\.svg$/);
  if (media) {
    const img = images.get(media[1]);
    if (!img) return send(res, 404, 'not found', 'text/plain');
    res.writeHead(200, { 'content-type': 'image/svg+xml', 'cache-control': 'public, max-age=31536000, immutable' });
    return res.end(img._svg);
  }
  if (SERVE_DIST && req.method === 'GET' && !url.pathname.startsWith('/api/')) {
    const file = path.join(DIST, path.normalize(url.pathname).replace(/^(\.\.[/\\])+/, ''));
    const target = fs.existsSync(file) && fs.statSync(file).isFile() ? file : path.join(DIST, 'index.html');
    const ext = path.extname(target);
    const types = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml' };
    return send(res, 200, fs.readFileSync(target), types[ext] ?? 'application/octet-stream');
  }
  send(res, 404, { error: { code: 'not_found', message: 'not found' } });
});

const wss = new WebSocketServer({
  server,
  path: '/api/events',
  // Events are per account: signed out, the stream is refused like the server does.
  verifyClient: ({ req }, done) => {
    try {
      done(resolve(req).via !== 'none', 401);
    } catch {
      done(false, 401);
    }
  },
});
wss.on('connection', (ws) => {
  clients.add(ws);
  ws.on('close', () => clients.delete(ws));
});

server.listen(PORT, '127.0.0.1', () => {
  console.log(`[dev-mock] Pixel Studio DEV MOCK on http://127.0.0.1:${PORT} (auth=${AUTH}, charging=${CHARGING}, images=${images.size}${SERVE_DIST ? ', serving dist' : ''})`);
});
