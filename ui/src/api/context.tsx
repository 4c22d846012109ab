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
