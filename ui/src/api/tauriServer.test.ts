import { describe, expect, it } from 'vitest';
import { ApiClient, ApiError, type ConnectionStatus } from './client';
import { ServerTransport } from './tauriServer';
import type { DesktopInfo } from './desktop-types';
import type { Event } from './types';
import { me } from '../test/fixtures';
import { fakeTauri } from '../test/fakeTauri';

const INFO: DesktopInfo = { media_base: 'pixel://localhost/', version: '0.1.0', data_dir: '/data' };

describe('ServerTransport', () => {
  it("calls the team server's operations through the shell, never with a token of its own", async () => {
    const t = fakeTauri({ server_call: () => ({ images: [] }) });
    const client = new ApiClient(new ServerTransport(INFO, t));
    expect(await client.call('explore.list', { limit: 24 })).toEqual({ images: [] });
    expect(t.calls).toEqual([['server_call', { method: 'explore.list', input: { limit: 24 } }]]);
  });

  it("keeps the server's error codes, with their HTTP status for the retry policy", async () => {
    const t = fakeTauri({
      server_call: () => {
        throw { code: 'unauthenticated', message: 'sign in to a team server' };
      },
    });
    const err = await new ApiClient(new ServerTransport(INFO, t)).call('notifications.list', { limit: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ code: 'unauthenticated', status: 401 });
  });

  it("is the server account, or nobody while signed out", async () => {
    const account = me({ id: 'srv_1', username: 'ana' });
    let signedIn = true;
    const t = fakeTauri({
      server_status: () => ({ server: 'https://pixel.example.com', signed_in: signedIn, account: signedIn ? account : null }),
    });
    const client = new ApiClient(new ServerTransport(INFO, t));
    expect(await client.me()).toMatchObject({ id: 'srv_1', username: 'ana' });
    signedIn = false;
    expect(await client.me()).toBeNull();
  });

  it("loads the server's media through the shell's proxy", () => {
    const transport = new ServerTransport(INFO, fakeTauri());
    expect(transport.mediaUrl('/media/img_1/thumb')).toBe('pixel://localhost/server/media/img_1/thumb');
    expect(transport.mediaUrl('data:image/webp;base64,AA')).toBe('data:image/webp;base64,AA');
    expect(transport.mediaUrl('//elsewhere.example/x.png')).toBe('//elsewhere.example/x.png');
  });

  it("relays the server's events and the stream's state, and stops listening when unsubscribed", async () => {
    const t = fakeTauri();
    const transport = new ServerTransport(INFO, t);
    const events: Event[] = [];
    const states: ConnectionStatus[] = [];
    const stop = transport.subscribe(
      (e) => events.push(e),
      (s) => states.push(s),
    );
    await Promise.resolve();
    expect(states).toEqual(['open']);
    t.emit('server-event', JSON.stringify({ type: 'balance.changed', balance: 7 }));
    t.emit('server-event', 'not json');
    t.emit('server-events-open', false);
    t.emit('server-events-open', true);
    expect(events).toEqual([{ type: 'balance.changed', balance: 7 }]);
    expect(states).toEqual(['open', 'closed', 'open']);
    stop();
    expect(t.listening('server-event')).toBe(0);
    expect(t.listening('server-events-open')).toBe(0);
  });
});
