// Engagement: the daily login streak (claimed once a UTC day on opening the app) and achievements.

import { useEffect, useRef } from 'react';
import { useMutation, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { useClient } from './context';
import { keys } from './keys';
import type { StreakClaimOutput } from './types';

export const engagementKeys = {
  streak: ['engagement', 'streak'] as const,
  achievements: ['engagement', 'achievements'] as const,
};

export function useStreak(enabled = true) {
  const client = useClient();
  return useQuery({ queryKey: engagementKeys.streak, queryFn: () => client.call('streaks.get', {}), enabled });
}

export function useAchievements() {
  const client = useClient();
  return useQuery({ queryKey: engagementKeys.achievements, queryFn: () => client.call('achievements.list', {}) });
}

/** What a claim changed: the streak as it now is, and (for the day's first) achievements and credits. */
export function applyClaim(qc: QueryClient, claim: StreakClaimOutput): void {
  qc.setQueryData(engagementKeys.streak, claim.streak);
  if (claim.claimed) {
    void qc.invalidateQueries({ queryKey: engagementKeys.achievements });
    if (claim.credits > 0) {
      void qc.invalidateQueries({ queryKey: keys.account });
      void qc.invalidateQueries({ queryKey: keys.ledger });
    }
  }
}

/**
 * Counts today in the signed-in person's streak once per window and per UTC day (the server counts
 * it once whatever the number of windows); returns the claim, so the day's first can be celebrated.
 */
export function useDailyClaim(userId: string | undefined) {
  const client = useClient();
  const qc = useQueryClient();
  const claimed = useRef<string | null>(null);
  const claim = useMutation({
    mutationFn: () => client.call('streaks.claim', {}),
    onSuccess: (out) => applyClaim(qc, out),
  });
  const day = Math.floor(Date.now() / 86_400_000);
  const mark = userId ? `${userId}:${day}` : null;
  const { mutate } = claim;
  useEffect(() => {
    if (!mark || claimed.current === mark) return;
    claimed.current = mark;
    mutate();
  }, [mark, mutate]);
  return claim;
}

/** The caller's own analytics over the last `days` days. */
export function usePersonalAnalytics(days: number) {
  const client = useClient();
  return useQuery({
    queryKey: ['engagement', 'analytics', days] as const,
    queryFn: () => client.call('analytics.personal', { days }),
  });
}
