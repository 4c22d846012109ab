// Hooks of the Account settings page: sessions and API tokens. Kept apart from hooks.ts so they load with
// that page, not in the main chunk every visitor downloads.

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useClient } from './context';
import { forgetAccount } from './hooks';
import { keys } from './keys';
import type { SessionInfo } from './types';

export function useSessions(enabled = true) {
  const client = useClient();
  return useQuery({ queryKey: keys.sessions, queryFn: () => client.call('sessions.list', {}), enabled });
}

/** Revokes one session or token. Revoking this browser's own session signs it out. */
export function useRevokeSession() {
  const client = useClient();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (session: SessionInfo) => client.call('sessions.revoke', { session_id: session.id }),
    onSuccess: (_out, session) => {
      if (session.current) forgetAccount(qc);
      else void qc.invalidateQueries({ queryKey: keys.sessions });
    },
  });
}

/** Signs the account out everywhere, this browser included. */
export function useRevokeAllSessions() {
  const client = useClient();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => client.call('sessions.revoke_all', {}),
    onSuccess: () => forgetAccount(qc),
  });
}

/** Creates an API token. Its secret lives only in this mutation's result, which is dropped as soon as the
 * page lets go of it (gcTime 0): it is shown once and never kept in a query cache. */
export function useCreateToken() {
  const client = useClient();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (label: string) => client.call('tokens.create', { label }),
    gcTime: 0,
    onSuccess: () => void qc.invalidateQueries({ queryKey: keys.sessions }),
  });
}
