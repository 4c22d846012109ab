// The team server's social side as the desktop shows it: a second ApiClient that reaches the server the
// desktop signed in to (through the shell, which keeps the token), with a query cache of its own so nothing
// of the local library and the server's account is ever mixed. On the web there is none: the page's own
// client is the server.

import { createContext, useContext } from 'react';
import type { QueryClient } from '@tanstack/react-query';
import type { ApiClient } from './client';

export class Community {
  private cache: { who: string; queryClient: QueryClient } | null = null;

  constructor(
    readonly client: ApiClient,
    private readonly makeQueryClient: () => QueryClient,
  ) {}

  /** The query cache of one account on one server: every server page shares it (the header's live events
   * update what the page shows), and another account, or another server, starts from an empty one. */
  cacheFor(server: string, accountId: string | null): QueryClient {
    const who = `${server} ${accountId ?? ''}`;
    if (this.cache?.who !== who) {
      this.cache?.queryClient.clear();
      this.cache = { who, queryClient: this.makeQueryClient() };
    }
    return this.cache.queryClient;
  }
}

/** Set by the desktop's entry point; null on the web. */
export const CommunityContext = createContext<Community | null>(null);

/** Inside a server page on the desktop: the server's address (for share links) and where its image pages
 * are (`/p/<id>`: `/images/<id>` is the local library's). Null on the web and for the local library. */
export interface ServerScope {
  server: string;
}

export const ServerScopeContext = createContext<ServerScope | null>(null);

export function useCommunity(): Community | null {
  return useContext(CommunityContext);
}

export function useServerScope(): ServerScope | null {
  return useContext(ServerScopeContext);
}

/** The in-app link to an image page: the server's images open as `/p/<id>` on the desktop, so they stay in
 * the server's scope; elsewhere `/images/<id>`. */
export function useImageHref(): (imageId: string) => string {
  const scope = useServerScope();
  return scope ? (id) => `/p/${id}` : (id) => `/images/${id}`;
}
