// The one typed API client. Components never call fetch or WebSocket directly: they use hooks
// (src/api/hooks.ts) over this client, and the client talks to a Transport (HTTP + WebSocket now,
// Tauri invoke + channel on the desktop later).

import type {
  AccountOutput,
  CatalogueOutput,
  CompareOutput,
  CompareRequest,
  ComparisonDetail,
  ComparisonRef,
  DeleteImages,
  DeleteOutput,
  Empty,
  Event,
  GenerationRequest,
  Image,
  ImageRef,
  ImagesOutput,
  ImagesQuery,
  ImportOutput,
  ImportRequest,
  Job,
  JobRef,
  JobsOutput,
  JobsQuery,
  LedgerOutput,
  LedgerQuery,
  PageQuery,
  ProvidersOutput,
  SetDetail,
  SetRef,
  SetsOutput,
  SubmitOutput,
  ProvidersHealthOutput,
} from './types';

/** The input of operations that take none. */
export type NoInput = Empty;

/** Every operation: method name -> input and output types. */
export interface Methods {
  'catalogue.list': { input: NoInput; output: CatalogueOutput };
  'providers.list': { input: NoInput; output: ProvidersOutput };
  'providers.health': { input: NoInput; output: ProvidersHealthOutput };
  'account.get': { input: NoInput; output: AccountOutput };
  'generations.create': { input: GenerationRequest; output: SubmitOutput };
  'generations.get': { input: JobRef; output: Job };
  'generations.list': { input: JobsQuery; output: JobsOutput };
  'generations.cancel': { input: JobRef; output: Job };
  'generations.retry': { input: JobRef; output: SubmitOutput };
  'generations.compare': { input: CompareRequest; output: CompareOutput };
  'comparisons.get': { input: ComparisonRef; output: ComparisonDetail };
  'sets.get': { input: SetRef; output: SetDetail };
  'sets.list': { input: PageQuery; output: SetsOutput };
  'images.get': { input: ImageRef; output: Image };
  'images.list': { input: ImagesQuery; output: ImagesOutput };
  'images.delete': { input: DeleteImages; output: DeleteOutput };
  'ledger.list': { input: LedgerQuery; output: LedgerOutput };
  'records.import': { input: ImportRequest; output: ImportOutput };
}

export type Method = keyof Methods;
export type MethodInput<M extends Method> = Methods[M]['input'];
export type MethodOutput<M extends Method> = Methods[M]['output'];

/** Codes the client itself produces, next to the server's ErrorCode values. */
export type ClientErrorCode = 'network_error' | 'bad_response' | 'http_error' | 'file_too_large' | 'not_png';

/** An error from an operation, with the server's stable code and a readable message. */
export class ApiError extends globalThis.Error {
  readonly code: string;
  readonly status: number;
  constructor(code: string, message: string, status = 0) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.status = status;
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
}

export class ApiClient {
  constructor(private readonly transport: Transport) {}

  call<M extends Method>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
    return this.transport.call(method, input) as Promise<MethodOutput<M>>;
  }

  subscribe(listener: EventListener, onStatus?: StatusListener): () => void {
    return this.transport.subscribe(listener, onStatus);
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
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

  constructor(opts: HttpTransportOptions = {}) {
    this.base = (opts.baseUrl ?? '').replace(/\/$/, '');
    this.fetchFn = opts.fetch ?? ((...args) => globalThis.fetch(...args));
    this.makeSocket = opts.webSocket ?? ((url) => new WebSocket(url) as unknown as WebSocketLike);
    this.minBackoff = opts.minBackoffMs ?? 500;
    this.maxBackoff = opts.maxBackoffMs ?? 15_000;
  }

  async call(method: string, input: unknown): Promise<unknown> {
    let res: Response;
    try {
      res = await this.fetchFn(`${this.base}/api/ops/${method}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(input ?? {}),
        credentials: 'same-origin',
      });
    } catch {
      throw new ApiError('network_error', 'Could not reach the server. Check your connection.');
    }
    const text = await res.text();
    let body: unknown = undefined;
    if (text) {
      try {
        body = JSON.parse(text);
      } catch {
        body = undefined;
      }
    }
    if (!res.ok) throw errorFromBody(res.status, body, body === undefined ? text : '');
    if (body === undefined) {
      throw new ApiError('bad_response', `The server sent an unreadable answer to ${method}`, res.status);
    }
    return body;
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
