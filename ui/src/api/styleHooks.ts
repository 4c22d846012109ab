// A creator's style fingerprint: dominant colours, preferred models, styles and subjects.

import { useQuery } from '@tanstack/react-query';
import { useClient } from './context';

/** Someone's fingerprint (from their public work), or the caller's own (from all of it) with no id. */
export function useStyle(userId?: string) {
  const client = useClient();
  return useQuery({
    queryKey: ['style', userId ?? 'mine'] as const,
    queryFn: () => client.call('profiles.style', userId ? { user_id: userId } : {}),
    staleTime: 5 * 60_000,
  });
}
