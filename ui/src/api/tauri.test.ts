import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiClient, ApiError, HttpTransport, type ConnectionStatus } from './client';
import { TauriTransport, connectTauri, loadDesktopInfo } from './tauri';
import type { DesktopInfo } from './desktop-types';
import type { Event } from './types';
import { account, job, me } from '../test/fixtures';
import { fakeTauri } from '../test/fakeTauri';

const INFO: DesktopInfo = { media_base: 'pixel://localhost', version: '0.1.0', data_dir: '/data' };

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('TauriTransport.call', () => {
  it("invokes 'op' with the method and input and returns the output", async () => {
    const t = fakeTauri({ op: () => ({ images: [], next: 'img_9' }) });
    const client = new ApiClient(new TauriTransport(INFO, t));
    expect(await client.call('images.list', { limit: 10 })).toEqual({ images: [], next: 'img_9' });
    expect(t.calls).toEqual([['op', { method: 'images.list', input: { limit: 10 } }]]);
  });

  it('maps a { code, message } rejection to ApiError with the HTTP status the server would send', async () => {
    const t = fakeTauri({
      op: (args) => {
        throw args?.method === 'images.get'
          ? { code: 'not_found', message: 'image not found' }
          : { code: 'provider_error', message: '' };
      },
    });
    const tr = new TauriTransport(INFO, t);
    const err = await tr.call('images.get', { id: 'x' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ code: 'not_found', message: 'image not found', status: 404 });
    // No message: the code stands in, as with HTTP error bodies.
    await expect(tr.call('generations.create', {})).rejects.toMatchObject({ code: 'provider_error', message: 'provider_error', status: 502 });
  });

  it("maps Tauri's own string rejections (unknown command, bad arguments) to internal", async () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const tr = new TauriTransport(INFO, fakeTauri());
    await expect(tr.call('account.get', {})).rejects.toMatchObject({ code: 'internal', message: 'command op not found', status: 500 });
  });

  it('keeps codes it does not know, with status 0', async () => {
    const tr = new TauriTransport(INFO, fakeTauri({ op: () => Promise.reject({ code: 'keychain_locked', message: 'Unlock it' }) }));
    await expect(tr.call('account.get', {})).rejects.toMatchObject({ code: 'keychain_locked', message: 'Unlock it', status: 0 });
  });
});

describe('TauriTransport account', () => {
  it('is always its local owner: me() comes from account.get, with no CSRF token', async () => {
    const t = fakeTauri({ op: (args) => (args?.method === 'account.get' ? account({ balance: 12 }) : null) });
    const client = new ApiClient(new TauriTransport(INFO, t));
    expect(await client.me()).toMatchObject({ id: 'u1', credits: 12, auth_mode: 'single_owner', csrf_token: null });
    expect(t.calls).toEqual([['op', { method: 'account.get', input: {} }]]);
  });

  it('gives new error codes the status the server sends', async () => {
    const t = fakeTauri({
      op: () => {
        throw { code: 'rate_limited', message: 'slow down' };
      },
    });
    await expect(new TauriTransport(INFO, t).call('account.get', {})).rejects.toMatchObject({
      code: 'rate_limited',
      status: 429,
    });
  });
});

describe('TauriTransport events', () => {
  const queued: Event = { type: 'generation.queued', job: job() };

  it('opens one channel for every listener, reports open and dispatches events to all', async () => {
    const t = fakeTauri({ events: () => null });
    const tr = new TauriTransport(INFO, t);
    const a: Event[] = [];
    const b: Event[] = [];
    const statusA: ConnectionStatus[] = [];
    const offA = tr.subscribe((e) => a.push(e), (s) => statusA.push(s));
    tr.subscribe((e) => b.push(e));
    await vi.waitFor(() => expect(statusA).toEqual(['closed', 'connecting', 'open']));
    expect(t.calls.filter(([c]) => c === 'events')).toEqual([['events', { channel: { id: 1 } }]]);

    const send = t.channels[0]!;
    send(queued);
    send('{"type":"generation.cancelled","job_id":"j"}'); // a JSON string is accepted too
    send({ nope: true }); // not an event: ignored
    expect(a).toHaveLength(2);
    expect(b).toHaveLength(2);
    expect(a[0]).toEqual(queued);

    offA();
    send(queued);
    expect(a).toHaveLength(2);
    expect(b).toHaveLength(3);

    // A later subscriber (StrictMode re-mount) learns the state at once and reuses the channel.
    const later: ConnectionStatus[] = [];
    tr.subscribe(() => undefined, (s) => later.push(s));
    expect(later).toEqual(['open']);
    expect(t.channels).toHaveLength(1);
  });

  it("reports closed and retries with backoff when 'events' rejects", async () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    vi.useFakeTimers();
    let fails = 2;
    const t = fakeTauri({
      events: () => {
        if (fails-- > 0) throw { code: 'internal', message: 'not ready' };
        return null;
      },
    });
    const tr = new TauriTransport(INFO, { ...t, minBackoffMs: 100, maxBackoffMs: 1000 });
    const status: ConnectionStatus[] = [];
    tr.subscribe(() => undefined, (s) => status.push(s));
    await vi.advanceTimersByTimeAsync(0);
    expect(status).toEqual(['closed', 'connecting', 'closed']);
    await vi.advanceTimersByTimeAsync(100); // first retry within 50–100 ms
    expect(status).toEqual(['closed', 'connecting', 'closed', 'connecting', 'closed']);
    await vi.advanceTimersByTimeAsync(200); // second within 100–200 ms
    expect(status.at(-1)).toBe('open');
    expect(t.calls.filter(([c]) => c === 'events')).toHaveLength(3);
  });
});

describe('media URLs', () => {
  it('puts root-relative media paths on the desktop media base and leaves other URLs alone', () => {
    const client = new ApiClient(new TauriTransport({ ...INFO, media_base: 'http://pixel.localhost/' }, fakeTauri()));
    expect(client.mediaUrl('/media/img_1/original')).toBe('http://pixel.localhost/media/img_1/original');
    expect(client.mediaUrl('/media/img_1/thumb')).toBe('http://pixel.localhost/media/img_1/thumb');
    expect(client.mediaUrl('data:image/webp;base64,AAAA')).toBe('data:image/webp;base64,AAAA');
    expect(client.mediaUrl('https://bucket.s3.example/x.png')).toBe('https://bucket.s3.example/x.png');
    expect(client.mediaUrl('//evil.example/x.png')).toBe('//evil.example/x.png');
  });

  it('is the identity over HTTP, where media is on the same origin', () => {
    const client = new ApiClient(new HttpTransport({ fetch: vi.fn() }));
    expect(client.mediaUrl('/media/img_1/thumb')).toBe('/media/img_1/thumb');
    expect(client.desktop).toBeUndefined();
  });

  it('reads desktop_info before the transport exists, and falls back to the default scheme', async () => {
    const t = fakeTauri({ desktop_info: () => ({ media_base: 'pixel://localhost', version: '1.2.0', data_dir: '/d' }) });
    const tr = await connectTauri(t);
    expect(tr.mediaUrl('/media/a/thumb')).toBe('pixel://localhost/media/a/thumb');
    expect(tr.desktop.info.version).toBe('1.2.0');

    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    expect((await loadDesktopInfo(fakeTauri().invoke)).media_base).toBe('pixel://localhost');
  });
});

describe('desktop bridge', () => {
  it('sends the command contract: keys, save dialog, reveal', async () => {
    const t = fakeTauri({
      keys_list: () => [{ provider: 'openai', name: 'OpenAI', stored: true }, { bogus: 1 }],
      keys_set: () => null,
      keys_delete: () => null,
      save_image: (args) => (args?.imageId === 'img_1' ? { path: '/p/pixel.png' } : null),
      reveal_path: () => null,
    });
    const d = new TauriTransport(INFO, t).desktop;
    expect(await d.listKeys()).toEqual([{ provider: 'openai', name: 'OpenAI', stored: true }]);
    await d.setKey('openai', 'sk-1');
    await d.deleteKey('openai');
    expect(await d.saveImage('img_1')).toEqual({ path: '/p/pixel.png' });
    expect(await d.saveImage('img_2')).toBeNull(); // cancelled
    await d.revealPath('/p/pixel.png');
    expect(t.calls).toEqual([
      ['keys_list', undefined],
      ['keys_set', { provider: 'openai', key: 'sk-1' }],
      ['keys_delete', { provider: 'openai' }],
      ['save_image', { imageId: 'img_1' }],
      ['save_image', { imageId: 'img_2' }],
      ['reveal_path', { path: '/p/pixel.png' }],
    ]);
  });

  it('rejects bridge calls with ApiError', async () => {
    const t = fakeTauri({
      keys_set: () => {
        throw { code: 'invalid_input', message: 'The keychain is locked' };
      },
    });
    await expect(new TauriTransport(INFO, t).desktop.setKey('openai', 'k')).rejects.toMatchObject({
      code: 'invalid_input',
      message: 'The keychain is locked',
    });
  });

  it('hands deep-link and menu routes to onNavigate, and stops on unsubscribe', async () => {
    const t = fakeTauri();
    const d = new TauriTransport(INFO, t).desktop;
    const routes: string[] = [];
    const off = d.onNavigate((r) => routes.push(r));
    await vi.waitFor(() => expect(t.listening('deep-link') + t.listening('navigate')).toBe(2));
    t.emit('deep-link', { url: 'pixelstudio://images/img_1', route: '/images/img_1' });
    t.emit('deep-link', { url: 'pixelstudio://nonsense', route: null }); // not understood: stay
    t.emit('navigate', { route: '/settings' });
    t.emit('navigate', { route: 'https://elsewhere.example' }); // never leave the app
    expect(routes).toEqual(['/images/img_1', '/settings']);
    off();
    expect(t.listening('deep-link') + t.listening('navigate')).toBe(0);
  });

  it('drops listeners registered after an early unsubscribe', async () => {
    const t = fakeTauri();
    const off = new TauriTransport(INFO, t).desktop.onNavigate(() => undefined);
    off(); // before listen() resolved
    await new Promise((r) => setTimeout(r, 0));
    expect(t.listening('deep-link') + t.listening('navigate')).toBe(0);
  });

  it('takes the pending deep link once and shares the answer', async () => {
    let taken = 0;
    const t = fakeTauri({
      take_pending_deep_link: () => (taken++ === 0 ? { url: 'pixelstudio://images/img_1', route: '/images/img_1' } : null),
    });
    const d = new TauriTransport(INFO, t).desktop;
    const [a, b] = await Promise.all([d.takePendingDeepLink(), d.takePendingDeepLink()]);
    expect(a).toEqual({ url: 'pixelstudio://images/img_1', route: '/images/img_1' });
    expect(b).toEqual(a);
    expect(taken).toBe(1);
  });

  it('sends the server command contract: status, sign-in, sign-out, publish', async () => {
    const grace = me({ id: 'su_1', username: 'grace' });
    const signedIn = { server: 'https://pixel.example.com', signed_in: true, account: grace, problem: null, pending: false };
    const t = fakeTauri({
      server_status: () => signedIn,
      server_sign_in: () => null,
      server_sign_out: () => ({ server: 'https://pixel.example.com', signed_in: false, account: null, problem: null, pending: false }),
      server_publish: () => ({ server_image_id: 'simg_1', url: 'https://pixel.example.com/p/simg_1' }),
    });
    const d = new TauriTransport(INFO, t).desktop;
    expect(await d.serverStatus()).toEqual(signedIn);
    await d.serverSignIn('https://pixel.example.com');
    expect(await d.serverSignOut()).toMatchObject({ signed_in: false, server: 'https://pixel.example.com' });
    expect(await d.publish('img_1', 'public')).toEqual({ server_image_id: 'simg_1', url: 'https://pixel.example.com/p/simg_1' });
    await d.publish('img_2', null);
    expect(t.calls).toEqual([
      ['server_status', undefined],
      ['server_sign_in', { server: 'https://pixel.example.com' }],
      ['server_sign_out', undefined],
      ['server_publish', { imageId: 'img_1', visibility: 'public' }],
      ['server_publish', { imageId: 'img_2', visibility: null }],
    ]);
  });

  it('maps server command rejections and refuses unreadable or unsafe answers', async () => {
    const t = fakeTauri({
      server_status: () => ({ nonsense: true }),
      server_publish: (args) => {
        if (args?.imageId === 'img_1') throw { code: 'unauthenticated', message: 'sign in to a server to publish' };
        return { server_image_id: 'simg_1', url: 'javascript:alert(1)' };
      },
    });
    const d = new TauriTransport(INFO, t).desktop;
    await expect(d.serverStatus()).rejects.toMatchObject({ code: 'bad_response' });
    await expect(d.publish('img_1', null)).rejects.toMatchObject({ code: 'unauthenticated', status: 401 });
    await expect(d.publish('img_2', null)).rejects.toMatchObject({ code: 'bad_response' });
  });

  it("hands 'server-status' events to onServerStatus, and stops on unsubscribe", async () => {
    const t = fakeTauri();
    const d = new TauriTransport(INFO, t).desktop;
    const seen: unknown[] = [];
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const off = d.onServerStatus((s) => seen.push(s));
    await vi.waitFor(() => expect(t.listening('server-status')).toBe(1));
    t.emit('server-status', { server: 'https://pixel.example.com', signed_in: false, account: null, problem: 'code refused', pending: false });
    t.emit('server-status', 'garbage');
    expect(seen).toEqual([{ server: 'https://pixel.example.com', signed_in: false, account: null, problem: 'code refused', pending: false }]);
    expect(error).toHaveBeenCalled();
    off();
    expect(t.listening('server-status')).toBe(0);
  });
});
