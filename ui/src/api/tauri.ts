// The desktop transport: the same operations as HttpTransport, through the Tauri shell's commands.
// Only main.tsx imports this module, and only inside the desktop app (dynamically), so web users never
// download it or @tauri-apps/api.

import { Channel, invoke as tauriInvoke } from '@tauri-apps/api/core';
import { listen as tauriListen } from '@tauri-apps/api/event';
import {
  ApiError,
  isRecord,
  meFromAccount,
  parseEvent,
  type ConnectionStatus,
  type EventListener,
  type StatusListener,
  type Transport,
} from './client';
import type { DesktopBridge } from './desktop';
import type { DeepLink, DesktopInfo, ExportedZip, KeyStatus, Published, SavedFile, ServerStatus } from './desktop-types';
import { ERROR_HTTP_STATUS, type AccountOutput, type ErrorCode, type Event, type ExportQuery, type Me, type Visibility } from './types';

export type InvokeFn = (cmd: string, args?: Record<string, unknown>) => Promise<unknown>;
/** Makes the object passed as the `channel` argument; it calls `onMessage` for every value Rust sends. */
export type ChannelFactory = (onMessage: (message: unknown) => void) => unknown;
export type ListenFn = (event: string, handler: (event: { payload: unknown }) => void) => Promise<() => void>;

export interface TauriDeps {
  invoke: InvokeFn;
  channel: ChannelFactory;
  listen: ListenFn;
}

export interface TauriTransportOptions extends Partial<TauriDeps> {
  /** Backoff bounds for re-opening the event channel, in ms. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
}

export const defaultDeps: TauriDeps = {
  invoke: (cmd, args) => tauriInvoke(cmd, args),
  channel: (onMessage) => new Channel<unknown>(onMessage),
  listen: (event, handler) => tauriListen(event, handler),
};

// The HTTP status the server sends for each code (generated from ErrorCode::http_status in pixel-core), so
// the query client's retry policy (no retries for 4xx) treats a desktop error exactly as it treats a web one.
function statusOf(code: string): number {
  return Object.hasOwn(ERROR_HTTP_STATUS, code) ? ERROR_HTTP_STATUS[code as ErrorCode] : 0;
}

/** A command's rejection as an ApiError. Commands reject with `{ code, message }`; Tauri itself rejects
 * with a plain string (unknown command, arguments that do not deserialize), which is a bug, not user error. */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (isRecord(err) && typeof err.code === 'string') {
    const message = typeof err.message === 'string' && err.message ? err.message : err.code;
    return new ApiError(err.code, message, statusOf(err.code));
  }
  if (typeof err === 'string' && err) return new ApiError('internal', err, 500);
  if (err instanceof globalThis.Error && err.message) return new ApiError('internal', err.message, 500);
  return new ApiError('internal', 'The app did not answer', 500);
}

function toEvent(message: unknown): Event | null {
  if (typeof message === 'string') return parseEvent(message);
  return isRecord(message) && typeof message.type === 'string' ? (message as Event) : null;
}

/** A route we may hand to the router: an in-app absolute path, never a URL of another origin. */
function routeOf(v: unknown): string | null {
  return typeof v === 'string' && v.startsWith('/') && !v.startsWith('//') ? v : null;
}

function toDeepLink(v: unknown): DeepLink | null {
  if (!isRecord(v) || typeof v.url !== 'string') return null;
  return { url: v.url, route: routeOf(v.route) };
}

const optString = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** A web address we may put in a link: http(s) only, never `javascript:` or a local scheme. */
function webUrl(v: unknown): string | null {
  if (typeof v !== 'string') return null;
  try {
    const { protocol } = new URL(v);
    return protocol === 'http:' || protocol === 'https:' ? v : null;
  } catch {
    return null;
  }
}

/** The server account as `server_status`, `server_sign_out` and the `server-status` event describe it;
 * null when the answer is not one. An account that is not readable is left out (shown as signed in
 * without details) rather than failing the whole answer. */
export function toServerStatus(v: unknown): ServerStatus | null {
  if (!isRecord(v) || typeof v.signed_in !== 'boolean') return null;
  const a = v.account;
  const account = isRecord(a) && typeof a.id === 'string' && typeof a.username === 'string' ? (a as Me) : null;
  return {
    server: optString(v.server),
    signed_in: v.signed_in,
    account,
    problem: optString(v.problem),
    pending: v.pending === true,
  };
}

function toPublished(v: unknown): Published | null {
  if (!isRecord(v) || typeof v.server_image_id !== 'string') return null;
  const url = webUrl(v.url);
  return url ? { server_image_id: v.server_image_id, url } : null;
}

/** Reads `desktop_info`; a broken answer falls back to the platform's default media scheme so the app
 * still opens (images are the only thing that depends on it). */
export async function loadDesktopInfo(invoke: InvokeFn = defaultDeps.invoke): Promise<DesktopInfo> {
  try {
    const v = await invoke('desktop_info');
    if (isRecord(v) && typeof v.media_base === 'string' && v.media_base) {
      return {
        media_base: v.media_base.replace(/\/+$/, ''),
        version: typeof v.version === 'string' ? v.version : '',
        data_dir: typeof v.data_dir === 'string' ? v.data_dir : '',
      };
    }
    console.error('desktop_info: unexpected answer', v);
  } catch (err) {
    console.error('desktop_info failed', err);
  }
  // Windows' WebView2 cannot load custom schemes, so Tauri maps them to http://{scheme}.localhost there.
  const windows = typeof navigator !== 'undefined' && /windows/i.test(navigator.userAgent);
  return { media_base: windows ? 'http://pixel.localhost' : 'pixel://localhost', version: '', data_dir: '' };
}

/** Listens to Tauri events; the returned function stops every one of them. */
export function listenAll(listen: ListenFn, handlers: Record<string, (payload: unknown) => void>): () => void {
  let stopped = false;
  const unlisten: Array<() => void> = [];
  for (const [event, handle] of Object.entries(handlers)) {
    listen(event, ({ payload }) => {
      if (!stopped) handle(payload);
    })
      .then((off) => {
        // Unsubscribed before Tauri finished registering: drop the listener at once.
        if (stopped) off();
        else unlisten.push(off);
      })
      .catch((err: unknown) => console.error(`listen(${event}) failed`, err));
  }
  return () => {
    stopped = true;
    for (const off of unlisten.splice(0)) off();
  };
}

class TauriDesktop implements DesktopBridge {
  private pending: Promise<DeepLink | null> | null = null;

  constructor(
    readonly info: DesktopInfo,
    private readonly deps: TauriDeps,
  ) {}

  private async run(cmd: string, args?: Record<string, unknown>): Promise<unknown> {
    try {
      return await this.deps.invoke(cmd, args);
    } catch (err) {
      throw toApiError(err);
    }
  }

  async listKeys(): Promise<KeyStatus[]> {
    const v = await this.run('keys_list');
    if (!Array.isArray(v)) throw new ApiError('bad_response', 'The app sent an unreadable list of keys');
    return v.filter(
      (k): k is KeyStatus =>
        isRecord(k) && typeof k.provider === 'string' && typeof k.name === 'string' && typeof k.stored === 'boolean',
    );
  }

  async setKey(provider: string, key: string): Promise<void> {
    await this.run('keys_set', { provider, key });
  }

  async deleteKey(provider: string): Promise<void> {
    await this.run('keys_delete', { provider });
  }

  async saveImage(imageId: string): Promise<SavedFile | null> {
    const v = await this.run('save_image', { imageId });
    return isRecord(v) && typeof v.path === 'string' ? { path: v.path } : null;
  }

  async exportImages(query: ExportQuery, onProgress: (images: number) => void): Promise<ExportedZip | null> {
    const progress = this.deps.channel((message) => {
      if (typeof message === 'number') onProgress(message);
    });
    const v = await this.run('export_images', { query, progress });
    return isRecord(v) && typeof v.path === 'string' && typeof v.images === 'number' ? { path: v.path, images: v.images } : null;
  }

  async revealPath(path: string): Promise<void> {
    await this.run('reveal_path', { path });
  }

  private listenTo(handlers: Record<string, (payload: unknown) => void>): () => void {
    return listenAll(this.deps.listen, handlers);
  }

  onNavigate(listener: (route: string) => void): () => void {
    const go = (route: string | null) => {
      if (route) listener(route);
    };
    return this.listenTo({
      'deep-link': (p) => go(toDeepLink(p)?.route ?? null),
      navigate: (p) => go(isRecord(p) ? routeOf(p.route) : null),
    });
  }

  takePendingDeepLink(): Promise<DeepLink | null> {
    // Taken once and shared: React's StrictMode runs mount effects twice, and the second call would
    // otherwise find the link already taken while the first caller has been unmounted.
    this.pending ??= this.run('take_pending_deep_link').then(toDeepLink, (err: unknown) => {
      console.error('take_pending_deep_link failed', err);
      return null;
    });
    return this.pending;
  }

  async serverStatus(): Promise<ServerStatus> {
    const status = toServerStatus(await this.run('server_status'));
    if (!status) throw new ApiError('bad_response', 'The app sent an unreadable server status');
    return status;
  }

  async serverSignIn(server: string): Promise<void> {
    await this.run('server_sign_in', { server });
  }

  async serverSignOut(): Promise<ServerStatus> {
    const status = toServerStatus(await this.run('server_sign_out'));
    if (!status) throw new ApiError('bad_response', 'The app sent an unreadable server status');
    return status;
  }

  async publish(imageId: string, visibility: Visibility | null): Promise<Published> {
    const published = toPublished(await this.run('server_publish', { imageId, visibility }));
    if (!published) throw new ApiError('bad_response', 'The app sent an unreadable answer to publishing');
    return published;
  }

  onServerStatus(listener: (status: ServerStatus) => void): () => void {
    return this.listenTo({
      'server-status': (p) => {
        const status = toServerStatus(p);
        if (status) listener(status);
        else console.error('server-status: unexpected payload', p);
      },
    });
  }
}

/** Operations through `invoke('op')`, events through one `Channel` given to `invoke('events')`. */
export class TauriTransport implements Transport {
  readonly desktop: DesktopBridge;
  private readonly deps: TauriDeps;
  private readonly mediaBase: string;
  private readonly minBackoff: number;
  private readonly maxBackoff: number;
  private readonly listeners = new Set<EventListener>();
  private readonly statusListeners = new Set<StatusListener>();
  private started = false;
  private attempt = 0;
  private status: ConnectionStatus = 'closed';

  constructor(info: DesktopInfo, opts: TauriTransportOptions = {}) {
    this.deps = {
      invoke: opts.invoke ?? defaultDeps.invoke,
      channel: opts.channel ?? defaultDeps.channel,
      listen: opts.listen ?? defaultDeps.listen,
    };
    this.mediaBase = info.media_base.replace(/\/+$/, '');
    this.minBackoff = opts.minBackoffMs ?? 500;
    this.maxBackoff = opts.maxBackoffMs ?? 15_000;
    this.desktop = new TauriDesktop(info, this.deps);
  }

  async call(method: string, input: unknown): Promise<unknown> {
    try {
      return await this.deps.invoke('op', { method, input: input ?? {} });
    } catch (err) {
      throw toApiError(err);
    }
  }

  /** The desktop is always its local owner: no sign-in, no session cookie, so no CSRF token. */
  async me(): Promise<Me> {
    return meFromAccount((await this.call('account.get', {})) as AccountOutput);
  }

  /** Root-relative paths (`/media/{id}/thumb`) live on the desktop's media scheme, not on the page's
   * origin (which serves the UI's own files); absolute and data: URLs are left alone. */
  mediaUrl(path: string): string {
    return path.startsWith('/') && !path.startsWith('//') ? this.mediaBase + path : path;
  }

  subscribe(listener: EventListener, onStatus?: StatusListener): () => void {
    this.listeners.add(listener);
    if (onStatus) {
      this.statusListeners.add(onStatus);
      onStatus(this.status);
    }
    // One channel for the page's lifetime: Rust cannot be told to drop it, so re-opening one per
    // subscriber would leave forwarders behind (StrictMode alone subscribes twice).
    if (!this.started) {
      this.started = true;
      void this.open();
    }
    return () => {
      this.listeners.delete(listener);
      if (onStatus) this.statusListeners.delete(onStatus);
    };
  }

  private setStatus(status: ConnectionStatus) {
    this.status = status;
    for (const l of [...this.statusListeners]) l(status);
  }

  private async open(): Promise<void> {
    this.setStatus('connecting');
    const channel = this.deps.channel((message) => {
      const event = toEvent(message);
      if (!event) return;
      for (const l of [...this.listeners]) l(event);
    });
    try {
      await this.deps.invoke('events', { channel });
    } catch (err) {
      console.error('events channel failed', err);
      this.setStatus('closed');
      const exp = Math.min(this.maxBackoff, this.minBackoff * 2 ** this.attempt);
      this.attempt += 1;
      setTimeout(() => void this.open(), exp / 2 + Math.random() * (exp / 2));
      return;
    }
    this.attempt = 0;
    this.setStatus('open');
  }
}

/** The desktop transport, after asking the shell where media is served. */
export async function connectTauri(opts: TauriTransportOptions = {}): Promise<TauriTransport> {
  const info = await loadDesktopInfo(opts.invoke ?? defaultDeps.invoke);
  return new TauriTransport(info, opts);
}
