// A stand-in for Tauri's invoke, channels and events, for the desktop transports' tests.

import type { ChannelFactory, InvokeFn, ListenFn } from '../api/tauri';

export type Handler = (args: Record<string, unknown> | undefined) => unknown;

/** Stands in for Tauri: commands answer from `handlers` (a thrown value is the command's rejection),
 * channels are kept so tests can send on them, and `emit` fires Tauri events. */
export function fakeTauri(handlers: Record<string, Handler> = {}) {
  const calls: Array<[string, Record<string, unknown> | undefined]> = [];
  const invoke: InvokeFn = async (cmd, args) => {
    calls.push([cmd, args]);
    const h = handlers[cmd];
    if (!h) throw `command ${cmd} not found`;
    return h(args);
  };
  const channels: Array<(message: unknown) => void> = [];
  const channel: ChannelFactory = (onMessage) => {
    channels.push(onMessage);
    return { id: channels.length };
  };
  const tauriListeners = new Map<string, Set<(e: { payload: unknown }) => void>>();
  const listen: ListenFn = async (event, handler) => {
    const set = tauriListeners.get(event) ?? new Set();
    tauriListeners.set(event, set);
    set.add(handler);
    return () => set.delete(handler);
  };
  const emit = (event: string, payload: unknown) => {
    for (const h of tauriListeners.get(event) ?? []) h({ payload });
  };
  const listening = (event: string) => tauriListeners.get(event)?.size ?? 0;
  return { calls, invoke, channel, listen, channels, emit, listening, handlers };
}
