import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiClient, ApiError, HttpTransport, type Transport, type WebSocketLike } from './client';
import type { Event } from './types';
import { retryDelay, shouldRetry } from '../App';
import { account, job, me } from '../test/fixtures';

function jsonResponse(status: number, body: unknown): Response {
  return new Response(typeof body === 'string' ? body : JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json' },
  });
}

describe('HttpTransport.call', () => {
  it('POSTs JSON to /api/ops/{method} and returns the parsed output', async () => {
    const fetch = vi.fn(async () => jsonResponse(200, { images: [], next: 'img_9' }));
    const client = new ApiClient(new HttpTransport({ fetch }));
    const out = await client.call('images.list', { model: 'local-sketch', limit: 10 });
    expect(out).toEqual({ images: [], next: 'img_9' });
    expect(fetch).toHaveBeenCalledTimes(1);
    const [url, init] = fetch.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('/api/ops/images.list');
    expect(init.method).toBe('POST');
    expect(new Headers(init.headers).get('content-type')).toBe('application/json');
    expect(JSON.parse(String(init.body))).toEqual({ model: 'local-sketch', limit: 10 });
  });

  it('sends {} for operations without input, and prefixes a base URL', async () => {
    const fetch = vi.fn(async () => jsonResponse(200, { models: [], default_model: 'local-sketch' }));
    const client = new ApiClient(new HttpTransport({ fetch, baseUrl: 'http://h:1/' }));
    await client.call('catalogue.list', {});
    const [url, init] = fetch.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('http://h:1/api/ops/catalogue.list');
    expect(init.body).toBe('{}');
  });

  it('maps an error body to ApiError with code, message and status', async () => {
    const fetch = vi.fn(async () =>
      jsonResponse(400, { error: { code: 'invalid_size', message: 'width must be 256–2048' } }),
    );
    const client = new ApiClient(new HttpTransport({ fetch }));
    const err = await client.call('generations.create', { prompt: 'x', model: 'm' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ code: 'invalid_size', message: 'width must be 256–2048', status: 400 });
  });

  it('keeps how long a rate limit asks to wait, and a rate-limited page waits it out instead of failing', async () => {
    const fetch = vi.fn(async () =>
      new Response(JSON.stringify({ error: { code: 'rate_limited', message: 'more than 300 reads a minute' } }), {
        status: 429,
        headers: { 'content-type': 'application/json', 'retry-after': '7' },
      }),
    );
    const client = new ApiClient(new HttpTransport({ fetch }));
    const err = await client.call('sets.get', { set_id: 's' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'rate_limited', status: 429, retryAfterMs: 7000 });
    expect(shouldRetry(0, err)).toBe(true);
    expect(retryDelay(0, err)).toBe(7000);
    expect(shouldRetry(3, err)).toBe(false);
    expect(shouldRetry(0, new ApiError('rate_limited', 'an hour', 429, 3_600_000))).toBe(false);
    expect(shouldRetry(0, new ApiError('not_found', 'gone', 404))).toBe(false);
    expect(shouldRetry(0, new ApiError('unavailable', 'down', 503))).toBe(true);
  });

  it('maps a non-JSON error to http_error and a network failure to network_error', async () => {
    const bad = new HttpTransport({ fetch: vi.fn(async () => new Response('Bad gateway', { status: 502 })) });
    await expect(bad.call('account.get', {})).rejects.toMatchObject({ code: 'http_error', status: 502, message: 'Bad gateway' });
    const down = new HttpTransport({
      fetch: vi.fn(async () => {
        throw new TypeError('fetch failed');
      }),
    });
    await expect(down.call('account.get', {})).rejects.toMatchObject({ code: 'network_error' });
  });

  it('rejects a 200 that is not JSON', async () => {
    const t = new HttpTransport({ fetch: vi.fn(async () => new Response('<html>', { status: 200 })) });
    await expect(t.call('account.get', {})).rejects.toMatchObject({ code: 'bad_response' });
  });
});

class FakeSocket implements WebSocketLike {
  onopen: ((ev: unknown) => void) | null = null;
  onclose: ((ev: unknown) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  closed = false;
  constructor(readonly url: string) {}
  close() {
    this.closed = true;
  }
  open() {
    this.onopen?.({});
  }
  send(data: unknown) {
    this.onmessage?.({ data: typeof data === 'string' ? data : JSON.stringify(data) });
  }
  drop() {
    this.onclose?.({});
  }
}

describe('HttpTransport events', () => {
  afterEach(() => vi.useRealTimers());

  it('dispatches each JSON event to every listener and ignores malformed frames', () => {
    const sockets: FakeSocket[] = [];
    const t = new HttpTransport({
      baseUrl: 'https://pixel.example',
      webSocket: (url) => {
        const s = new FakeSocket(url);
        sockets.push(s);
        return s;
      },
    });
    const a: Event[] = [];
    const b: Event[] = [];
    const offA = t.subscribe((e) => a.push(e));
    t.subscribe((e) => b.push(e));
    expect(sockets).toHaveLength(1); // one shared socket
    expect(sockets[0]?.url).toBe('wss://pixel.example/api/events');
    sockets[0]?.open();
    const ev: Event = { type: 'generation.progress', job_id: 'j', set_id: 's', progress: 0.5, emitted_at_us: 1 };
    sockets[0]?.send(ev);
    sockets[0]?.send('not json');
    sockets[0]?.send({ no: 'type' });
    expect(a).toEqual([ev]);
    expect(b).toEqual([ev]);
    offA();
    sockets[0]?.send({ type: 'balance.changed', balance: 3 });
    expect(a).toHaveLength(1);
    expect(b).toHaveLength(2);
  });

  it('reconnects with backoff and reports status', () => {
    vi.useFakeTimers();
    const sockets: FakeSocket[] = [];
    const t = new HttpTransport({
      webSocket: (url) => {
        const s = new FakeSocket(url);
        sockets.push(s);
        return s;
      },
      minBackoffMs: 100,
      maxBackoffMs: 1000,
    });
    const statuses: string[] = [];
    const got: Event[] = [];
    const off = t.subscribe((e) => got.push(e), (s) => statuses.push(s));
    sockets[0]?.open();
    sockets[0]?.drop();
    expect(sockets).toHaveLength(1);
    vi.advanceTimersByTime(100);
    expect(sockets).toHaveLength(2);
    sockets[1]?.open();
    sockets[1]?.send({ type: 'generation.failed', job: job({ state: 'failed' }) });
    expect(got).toHaveLength(1);
    expect(statuses).toEqual(['closed', 'connecting', 'open', 'closed', 'connecting', 'open']);
    off();
    expect(sockets[1]?.closed).toBe(true);
    vi.advanceTimersByTime(5000);
    expect(sockets).toHaveLength(2); // no reconnect once nobody listens
  });
});

describe('ApiClient', () => {
  it('forwards method and input to any transport', async () => {
    const calls: Array<[string, unknown]> = [];
    const fake: Transport = {
      call: async (method, input) => {
        calls.push([method, input]);
        return job({ state: 'cancelled' });
      },
      subscribe: () => () => undefined,
    };
    const client = new ApiClient(fake);
    const out = await client.call('generations.cancel', { job_id: 'job_1' });
    expect(out.state).toBe('cancelled');
    expect(calls).toEqual([['generations.cancel', { job_id: 'job_1' }]]);
  });
});

describe('records.import', () => {
  it('POSTs the PNG as base64 to /api/ops/records.import and returns record, request and dropped', async () => {
    const output = {
      record: { source: 'a1111', prompt: 'a fox', steps: 28 },
      request: { prompt: 'a fox', model: 'local-sketch', width: 512, height: 768 },
      dropped: ['28 steps'],
    };
    const fetch = vi.fn(async () => jsonResponse(200, output));
    const client = new ApiClient(new HttpTransport({ fetch }));
    const out = await client.call('records.import', { png_base64: 'iVBORw0KGgo=' });
    expect(out).toEqual(output);
    const [url, init] = fetch.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('/api/ops/records.import');
    expect(init.method).toBe('POST');
    expect(JSON.parse(String(init.body))).toEqual({ png_base64: 'iVBORw0KGgo=' });
  });

  it('maps a PNG without a record to not_found', async () => {
    const fetch = vi.fn(async () => jsonResponse(404, { error: { code: 'not_found', message: 'no record' } }));
    const client = new ApiClient(new HttpTransport({ fetch }));
    await expect(client.call('records.import', { png_base64: 'x' })).rejects.toMatchObject({ code: 'not_found', status: 404 });
  });
});

describe('comparison operations', () => {
  it('sends generations.compare and comparisons.get with their inputs as JSON', async () => {
    const out = { comparison_id: 'cmp_1', sets: [], cost: 7 };
    const fetch = vi.fn(async () => jsonResponse(200, out));
    const client = new ApiClient(new HttpTransport({ fetch }));
    const req = { prompt: 'a kite', models: ['local-sketch', 'dall-e-2'], n: 2, seed: 5 };
    expect(await client.call('generations.compare', req)).toEqual(out);
    await client.call('comparisons.get', { comparison_id: 'cmp_1' });
    const calls = fetch.mock.calls as unknown as Array<[string, RequestInit]>;
    expect(calls[0]?.[0]).toBe('/api/ops/generations.compare');
    expect(JSON.parse(String(calls[0]?.[1].body))).toEqual(req);
    expect(calls[1]?.[0]).toBe('/api/ops/comparisons.get');
    expect(JSON.parse(String(calls[1]?.[1].body))).toEqual({ comparison_id: 'cmp_1' });
  });
});

describe('sessions over HTTP', () => {
  /** A server with sign-in: /api/me answers with a CSRF token, Write ops refuse calls without it. */
  function server(opts: { token?: string; meStatus?: number } = {}) {
    let token = opts.token ?? 'csrf-1';
    const seen: Array<{ url: string; method: string; csrf: string | null }> = [];
    const fetch = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
      const url = String(input);
      const csrf = new Headers(init?.headers).get('x-csrf-token');
      seen.push({ url, method: String(init?.method), csrf });
      if (url === '/api/me') {
        if (opts.meStatus === 401) return jsonResponse(401, { error: { code: 'unauthenticated', message: 'sign in' } });
        return jsonResponse(200, me({ csrf_token: token }));
      }
      if (csrf !== token) {
        return jsonResponse(403, {
          error: { code: 'forbidden', message: 'missing or wrong CSRF token: send the X-CSRF-Token header from /api/me' },
        });
      }
      if (url === '/auth/logout') return new Response(null, { status: 204 });
      return jsonResponse(200, { changed: ['img_1'] });
    });
    return {
      fetch,
      seen,
      rotate: (next: string) => {
        token = next;
      },
    };
  }

  it('keeps the CSRF token from /api/me and sends it on every op call', async () => {
    const s = server();
    const client = new ApiClient(new HttpTransport({ fetch: s.fetch }));
    const who = await client.me();
    expect(who).toMatchObject({ username: 'ada', auth_mode: 'oidc', csrf_token: 'csrf-1' });
    await client.call('images.set_visibility', { image_ids: ['img_1'], visibility: 'public' });
    await client.call('catalogue.list', {});
    expect(s.seen.map((c) => [c.url, c.csrf])).toEqual([
      ['/api/me', null],
      ['/api/ops/images.set_visibility', 'csrf-1'],
      ['/api/ops/catalogue.list', 'csrf-1'],
    ]);
    expect(s.seen[0]?.method).toBe('GET');
  });

  it('answers null when signed out (401), and sends no token then', async () => {
    const s = server({ meStatus: 401 });
    const client = new ApiClient(new HttpTransport({ fetch: s.fetch }));
    expect(await client.me()).toBeNull();
  });

  it('on a CSRF refusal fetches /api/me once and retries once', async () => {
    const s = server();
    const client = new ApiClient(new HttpTransport({ fetch: s.fetch }));
    // A call before /api/me answered: refused, then retried with the fresh token.
    expect(await client.call('images.set_visibility', { image_ids: ['img_1'], visibility: 'public' })).toEqual({
      changed: ['img_1'],
    });
    expect(s.seen.map((c) => [c.url, c.csrf])).toEqual([
      ['/api/ops/images.set_visibility', null],
      ['/api/me', null],
      ['/api/ops/images.set_visibility', 'csrf-1'],
    ]);
  });

  it('gives up after one retry, and never retries a 403 that is not about CSRF', async () => {
    const stuck = vi.fn(async (url: RequestInfo | URL) =>
      String(url) === '/api/me'
        ? jsonResponse(200, me({ csrf_token: 'stale' }))
        : jsonResponse(403, { error: { code: 'forbidden', message: 'missing or wrong CSRF token' } }),
    );
    const a = new ApiClient(new HttpTransport({ fetch: stuck }));
    await expect(a.call('sessions.revoke_all', {})).rejects.toMatchObject({ code: 'forbidden', status: 403 });
    expect(stuck.mock.calls.map(([url]) => String(url))).toEqual(['/api/ops/sessions.revoke_all', '/api/me', '/api/ops/sessions.revoke_all']);

    const denied = vi.fn(async () => jsonResponse(403, { error: { code: 'forbidden', message: 'admins only' } }));
    const b = new ApiClient(new HttpTransport({ fetch: denied }));
    await expect(b.call('images.delete', { image_ids: ['x'] })).rejects.toMatchObject({ code: 'forbidden' });
    expect(denied).toHaveBeenCalledTimes(1);
  });

  it('signs out with POST /auth/logout carrying the token, then forgets it', async () => {
    const s = server();
    const client = new ApiClient(new HttpTransport({ fetch: s.fetch }));
    await client.me();
    await client.signOut();
    s.rotate('csrf-2');
    await client.call('catalogue.list', {}).catch(() => undefined);
    expect(s.seen.map((c) => [c.method, c.url, c.csrf])).toEqual([
      ['GET', '/api/me', null],
      ['POST', '/auth/logout', 'csrf-1'],
      ['POST', '/api/ops/catalogue.list', null],
      ['GET', '/api/me', null],
      ['POST', '/api/ops/catalogue.list', 'csrf-2'],
    ]);
  });

  it('derives a single owner from account.get on transports without sessions', async () => {
    const fake: Transport = {
      call: async () => account({ balance: 7 }),
      subscribe: () => () => undefined,
    };
    const client = new ApiClient(fake);
    expect(await client.me()).toEqual(
      expect.objectContaining({ id: 'u1', username: 'ada', credits: 7, auth_mode: 'single_owner', csrf_token: null }),
    );
    await expect(client.signOut()).resolves.toBeUndefined();
  });
});
