// The one typed API client. Components never call fetch or WebSocket directly: they use hooks
// (src/api/hooks.ts) over this client, and the client talks to a Transport: HTTP + WebSocket on the web,
// Tauri invoke + channel on the desktop (src/api/tauri.ts, loaded only inside the desktop app).

import type {
  AccountOutput,
  Empty,
  Event,
  Me,
  Methods,
} from './types';
import type { DesktopBridge } from './desktop';

/** The input of operations that take none. */
export type NoInput = Empty;

// The method map is generated from the core's operation registry (ui/src/api/types.ts), so an operation
// the server has cannot be missing here.
export type { Methods } from './types';
export type Method = keyof Methods;
export type MethodInput<M extends Method> = Methods[M]['input'];
export type MethodOutput<M extends Method> = Methods[M]['output'];

/** Codes the client itself produces, next to the server's ErrorCode values. */
export type ClientErrorCode = 'network_error' | 'bad_response' | 'http_error' | 'file_too_large' | 'not_png';

/** An error from an operation, with the server's stable code and a readable message. */
export class ApiError extends globalThis.Error {
  readonly code: string;
  readonly status: number;
  /** How long the server asked the client to wait before trying again (`Retry-After`), when it did. */
  retryAfterMs: number | undefined;
  constructor(code: string, message: string, status = 0, retryAfterMs?: number) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.status = status;
    this.retryAfterMs = retryAfterMs;
  }
}

export type ConnectionStatus = 'connecting' | 'open' | 'closed';
export type EventListener = (event: Event) => void;
export type StatusListener = (status: ConnectionStatus) => void;

/** How the client reaches the core. Keep it small: one call, one event stream. */
export interface Transport {
  call(method: string, input: unknown): Promise<unknown>;
  /** Receives every event; `onStatus` reports the event stream's connection state. */
  subscribe(listener: EventListener, onStatus?: StatusListener): () => void;
  /** Where the UI loads a media path the API returned (`/media/...`); the same path when absent. The
   * desktop serves media on its own scheme, not on the page's origin. */
  mediaUrl?(path: string): string;
  /** What only the desktop shell can do; absent on the web. */
  readonly desktop?: DesktopBridge;
  /** Who is signed in; null when nobody is. Absent on transports without sessions, where the caller is
   * always the local owner (ApiClient.me derives it from `account.get` then). */
  me?(): Promise<Me | null>;
  /** Ends this browser's session; absent where there is nothing to sign out of. */
  signOut?(): Promise<void>;
}

/** The `Me` of a transport that is always its local owner (the desktop): no sign-in, no CSRF token. */
export function meFromAccount(account: AccountOutput): Me {
  const { user } = account;
  return {
    id: user.id,
    username: user.username,
    email: user.email,
    role: user.role,
    credits: account.balance,
    charging: account.charging,
    settings: account.settings,
    auth_mode: 'single_owner',
    csrf_token: null,
  };
}

/** The account as `account.get` describes it, from the `Me` of the same caller (`account.update` answers
 * with an AccountOutput, and both caches must agree). */
export function withAccount(me: Me, account: AccountOutput): Me {
  return {
    ...me,
    username: account.user.username,
    email: account.user.email,
    role: account.user.role,
    credits: account.balance,
    charging: account.charging,
    settings: account.settings,
  };
}

export class ApiClient {
  constructor(private readonly transport: Transport) {}

  call<M extends Method>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
    return this.transport.call(method, input) as Promise<MethodOutput<M>>;
  }

  subscribe(listener: EventListener, onStatus?: StatusListener): () => void {
    return this.transport.subscribe(listener, onStatus);
  }

  /** The URL to load an image's `url` or `thumb_url` from. */
  mediaUrl(path: string): string {
    return this.transport.mediaUrl ? this.transport.mediaUrl(path) : path;
  }

  /** Desktop-only features; undefined on the web, so components render them only when present. */
  get desktop(): DesktopBridge | undefined {
    return this.transport.desktop;
  }

  /** The signed-in account, or null when signed out. */
  async me(): Promise<Me | null> {
    if (this.transport.me) return this.transport.me();
    return meFromAccount(await this.call('account.get', {}));
  }

  /** Ends this session. Transports without sessions have nothing to end. */
  async signOut(): Promise<void> {
    await this.transport.signOut?.();
  }
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Turns a non-2xx response body into an ApiError. */
export function errorFromBody(status: number, body: unknown, fallbackText = ''): ApiError {
  if (isRecord(body) && isRecord(body.error)) {
    const { code, message } = body.error;
    if (typeof code === 'string') {
      return new ApiError(code, typeof message === 'string' && message ? message : code, status);
    }
  }
  const text = fallbackText.trim().slice(0, 200);
  return new ApiError('http_error', text || `The server answered ${status}`, status);
}

/** A 403 for the CSRF token (`csrf_failed`) rather than for the caller's rights. */
function isCsrfRefusal(err: unknown): boolean {
  return err instanceof ApiError && (err.code === 'csrf_failed' || (err.status === 403 && /csrf/i.test(err.message)));
}

/** A response's JSON body (undefined when empty or not JSON); a non-2xx status throws its ApiError. */
async function readBody(res: Response): Promise<unknown> {
  const text = await res.text();
  let body: unknown = undefined;
  if (text) {
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
  }
  if (!res.ok) {
    const err = errorFromBody(res.status, body, body === undefined ? text : '');
    const wait = Number(res.headers.get('retry-after'));
    if (Number.isFinite(wait) && wait > 0) err.retryAfterMs = wait * 1000;
    throw err;
  }
  return body;
}

/** Parses one WebSocket message into an Event, or null when it is not one. */
export function parseEvent(data: unknown): Event | null {
  if (typeof data !== 'string') return null;
  try {
    const v: unknown = JSON.parse(data);
    if (isRecord(v) && typeof v.type === 'string') return v as Event;
  } catch {
    // ignore malformed frames
  }
  return null;
}

export interface WebSocketLike {
  onopen: ((ev: unknown) => void) | null;
  onclose: ((ev: unknown) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  close(): void;
}

export interface HttpTransportOptions {
  /** Origin of the server; same origin when empty. */
  baseUrl?: string;
  fetch?: typeof fetch;
  webSocket?: (url: string) => WebSocketLike;
  /** Backoff bounds for reconnecting the event stream, in ms. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
}

/** POST /api/ops/{method} for calls, one shared WebSocket on /api/events for events. */
export class HttpTransport implements Transport {
  private readonly base: string;
  private readonly fetchFn: typeof fetch;
  private readonly makeSocket: (url: string) => WebSocketLike;
  private readonly minBackoff: number;
  private readonly maxBackoff: number;
  private readonly listeners = new Set<EventListener>();
  private readonly statusListeners = new Set<StatusListener>();
  private socket: WebSocketLike | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private attempt = 0;
  private status: ConnectionStatus = 'closed';
  /** The session's CSRF token from /api/me; null before it is known, when signed out, and in
   * single-owner mode (where the server needs none). */
  private csrfToken: string | null = null;
  private refreshing: Promise<Me | null> | null = null;

  constructor(opts: HttpTransportOptions = {}) {
    this.base = (opts.baseUrl ?? '').replace(/\/$/, '');
    this.fetchFn = opts.fetch ?? ((...args) => globalThis.fetch(...args));
    this.makeSocket = opts.webSocket ?? ((url) => new WebSocket(url) as unknown as WebSocketLike);
    this.minBackoff = opts.minBackoffMs ?? 500;
    this.maxBackoff = opts.maxBackoffMs ?? 15_000;
  }

  async call(method: string, input: unknown): Promise<unknown> {
    return this.withCsrfRetry(async () => {
      const res = await this.send(`/api/ops/${method}`, 'POST', JSON.stringify(input ?? {}));
      const body = await readBody(res);
      if (body === undefined) {
        throw new ApiError('bad_response', `The server sent an unreadable answer to ${method}`, res.status);
      }
      return body;
    });
  }

  /** GET /api/me. Keeps the session's CSRF token for the calls that follow; null when signed out. */
  async me(): Promise<Me | null> {
    const res = await this.send('/api/me', 'GET');
    if (res.status === 401) {
      this.csrfToken = null;
      return null;
    }
    const body = await readBody(res);
    if (!isRecord(body) || typeof body.id !== 'string' || typeof body.username !== 'string') {
      throw new ApiError('bad_response', 'The server sent an unreadable account', res.status);
    }
    const me = body as Me;
    this.csrfToken = me.csrf_token ?? null;
    return me;
  }

  /** POST /auth/logout (204). The server clears the cookie; the token dies with the session. */
  async signOut(): Promise<void> {
    await this.withCsrfRetry(async () => {
      const res = await this.send('/auth/logout', 'POST');
      await readBody(res);
    });
    this.csrfToken = null;
  }

  /** One request with the session's CSRF token, once known (reads ignore it, so every call carries it). */
  private async send(path: string, method: 'GET' | 'POST', body?: string): Promise<Response> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.csrfToken) headers['x-csrf-token'] = this.csrfToken;
    try {
      return await this.fetchFn(`${this.base}${path}`, { method, headers, body, credentials: 'same-origin' });
    } catch {
      throw new ApiError('network_error', 'Could not reach the server. Check your connection.');
    }
  }

  /**
   * Runs a request; when the server refuses it for a missing or stale CSRF token (a call made before
   * /api/me answered, or after the session changed in another tab), fetches /api/me once and retries once.
   */
  private async withCsrfRetry<T>(request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (err) {
      if (!isCsrfRefusal(err)) throw err;
      try {
        // Concurrent refusals share one refresh.
        this.refreshing ??= this.me().finally(() => {
          this.refreshing = null;
        });
        await this.refreshing;
      } catch {
        throw err;
      }
      return request();
    }
  }

  subscribe(listener: EventListener, onStatus?: StatusListener): () => void {
    this.listeners.add(listener);
    if (onStatus) {
      this.statusListeners.add(onStatus);
      onStatus(this.status);
    }
    if (!this.socket && !this.retryTimer) this.connect();
    return () => {
      this.listeners.delete(listener);
      if (onStatus) this.statusListeners.delete(onStatus);
      if (this.listeners.size === 0) this.disconnect();
    };
  }

  private eventsUrl(): string {
    if (this.base) return this.base.replace(/^http/, 'ws') + '/api/events';
    const loc = globalThis.location;
    const scheme = loc.protocol === 'https:' ? 'wss:' : 'ws:';
    return `${scheme}//${loc.host}/api/events`;
  }

  private setStatus(status: ConnectionStatus) {
    this.status = status;
    for (const l of this.statusListeners) l(status);
  }

  private connect() {
    this.retryTimer = null;
    this.setStatus('connecting');
    let ws: WebSocketLike;
    try {
      ws = this.makeSocket(this.eventsUrl());
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.socket = ws;
    ws.onopen = () => {
      this.attempt = 0;
      this.setStatus('open');
    };
    ws.onmessage = (ev) => {
      const event = parseEvent(ev.data);
      if (!event) return;
      for (const l of [...this.listeners]) l(event);
    };
    ws.onerror = () => {
      // onclose follows and schedules the reconnect.
    };
    ws.onclose = () => {
      if (this.socket !== ws) return;
      this.socket = null;
      this.setStatus('closed');
      if (this.listeners.size > 0) this.scheduleReconnect();
    };
  }

  private scheduleReconnect() {
    const exp = Math.min(this.maxBackoff, this.minBackoff * 2 ** this.attempt);
    const delay = exp / 2 + Math.random() * (exp / 2);
    this.attempt += 1;
    this.retryTimer = setTimeout(() => this.connect(), delay);
  }

  private disconnect() {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    const ws = this.socket;
    this.socket = null;
    if (ws) {
      ws.onclose = null;
      ws.close();
    }
    this.attempt = 0;
    this.setStatus('closed');
  }
}
