// Server pages on the desktop (explore, profiles, notifications, messages, shared images): rendered with the
// team server's client and query cache while signed in to one, and an invitation to sign in otherwise. On
// the web it adds nothing: the page's own client is the server.

import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { QueryClientProvider } from '@tanstack/react-query';
import { Server } from 'lucide-react';
import { ClientProvider } from '../api/context';
import { ServerScopeContext, useCommunity, type Community } from '../api/community';
import { useServerStatus } from '../api/desktopHooks';
import { useLiveEvents } from '../api/hooks';
import { PageSpinner } from './ui';
import { GateCard } from './SignIn';

/** Children see the server's client; `fallback` replaces them while the desktop is not signed in to one
 * (default: a card that says where to sign in). */
export function CommunityScope({ children, fallback }: { children: ReactNode; fallback?: ReactNode }) {
  const community = useCommunity();
  const server = useServerStatus();
  if (!community) return <>{children}</>;
  if (server.isPending) return fallback === undefined ? <PageSpinner /> : <>{fallback}</>;
  const status = server.data;
  if (!status?.signed_in || !status.server) {
    return <>{fallback === undefined ? <SignInToServer problem={status?.problem ?? null} /> : fallback}</>;
  }
  return (
    <InServer community={community} server={status.server} accountId={status.account?.id ?? null}>
      {children}
    </InServer>
  );
}

function InServer({
  community,
  server,
  accountId,
  children,
}: {
  community: Community;
  server: string;
  accountId: string | null;
  children: ReactNode;
}) {
  const queryClient = community.cacheFor(server, accountId);
  return (
    <ClientProvider client={community.client}>
      <QueryClientProvider client={queryClient}>
        <ServerScopeContext.Provider value={{ server }}>{children}</ServerScopeContext.Provider>
      </QueryClientProvider>
    </ClientProvider>
  );
}

/** Keeps the server's cache current from its live events (notifications, messages, likes...). Mounted once,
 * inside a CommunityScope, by the header. */
export function ServerLive() {
  useLiveEvents(true);
  return null;
}

function SignInToServer({ problem }: { problem: string | null }) {
  return (
    <GateCard
      icon={Server}
      title="Sign in to a team server"
      wide
      action={
        <Link to="/settings" className="btn-primary mt-6 w-full">
          Open Settings → Team server
        </Link>
      }
    >
      <p>
        Explore, profiles, notifications and messages are your team server&rsquo;s. Sign in to one and they show here,
        next to your own library.
      </p>
      {problem && (
        <p className="mt-3 text-amber-700 dark:text-amber-400" role="status">
          {problem}
        </p>
      )}
    </GateCard>
  );
}
