import { createContext, useContext, type ReactNode } from 'react';
import type { ApiClient } from './client';

const ClientContext = createContext<ApiClient | null>(null);

export function ClientProvider({ client, children }: { client: ApiClient; children: ReactNode }) {
  return <ClientContext.Provider value={client}>{children}</ClientContext.Provider>;
}

export function useClient(): ApiClient {
  const c = useContext(ClientContext);
  if (!c) throw new globalThis.Error('useClient must be used inside <ClientProvider>');
  return c;
}

const identity = (path: string) => path;

/** Turns an image's `url`/`thumb_url` into the URL to load for the current transport (the desktop serves
 * media on its own scheme). Identity outside a provider, so presentational components render in isolation. */
export function useMediaUrl(): (path: string) => string {
  const c = useContext(ClientContext);
  return c ? (path) => c.mediaUrl(path) : identity;
}
