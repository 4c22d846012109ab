// The team server the desktop signed in to, as a Transport: its operations through the shell's `server_call`,
// its live events from the shell's relay (`server-event`, `server-events-open`), its media through the `pixel`
// scheme's `/server/media` proxy. The server token stays in Rust: the webview never holds it. Loaded only
// inside the desktop app, beside tauri.ts.

import { parseEvent, type EventListener, type StatusListener, type Transport } from './client';
import { defaultDeps, listenAll, toApiError, toServerStatus, type TauriDeps } from './tauri';
import type { DesktopInfo } from './desktop-types';
import type { Me } from './types';

export class ServerTransport implements Transport {
  private readonly deps: TauriDeps;
  private readonly mediaBase: string;

  constructor(info: DesktopInfo, deps: Partial<TauriDeps> = {}) {
    this.deps = { ...defaultDeps, ...deps };
    this.mediaBase = info.media_base.replace(/\/+$/, '');
  }

  async call(method: string, input: unknown): Promise<unknown> {
    try {
      return await this.deps.invoke('server_call', { method, input: input ?? {} });
    } catch (err) {
      throw toApiError(err);
    }
  }

  /** The server account, as the shell last read it from the server's /api/me. */
  async me(): Promise<Me | null> {
    try {
      return toServerStatus(await this.deps.invoke('server_status'))?.account ?? null;
    } catch (err) {
      throw toApiError(err);
    }
  }

  /** The server's `/media/...` paths, through the shell (which adds the token); others left alone. */
  mediaUrl(path: string): string {
    return path.startsWith('/') && !path.startsWith('//') ? `${this.mediaBase}/server${path}` : path;
  }

  /** The relay runs in the shell for as long as the desktop is signed in: listening is all it takes. It is
   * reported open from the start (the shell may have opened it before this page loaded); a lost and
   * re-opened stream is reported as it happens, so the caller catches up on what it missed. */
  subscribe(listener: EventListener, onStatus?: StatusListener): () => void {
    const stop = listenAll(this.deps.listen, {
      'server-event': (payload) => {
        const event = parseEvent(payload);
        if (event) listener(event);
      },
      ...(onStatus && {
        'server-events-open': (payload: unknown) => onStatus(payload === true ? 'open' : 'closed'),
      }),
    });
    onStatus?.('open');
    return stop;
  }
}
