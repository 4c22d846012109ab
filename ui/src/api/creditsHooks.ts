// Buying credits: the packs a server sells, and beginning a purchase (the browser then leaves for the
// payment page). The credits arrive with the payment's webhook; the balance updates from `balance.changed`.
// Tips: credits given to another account, and each side's list of them.

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useClient } from './context';
import { keys } from './keys';
import type { SendTip, TipDirection } from './types';

export const creditKeys = {
  packs: ['credits', 'packs'] as const,
};

export function useCreditPacks() {
  const client = useClient();
  return useQuery({ queryKey: creditKeys.packs, queryFn: () => client.call('credits.packs', {}), staleTime: 5 * 60_000 });
}

/** Begins a purchase and sends the browser to the payment page. */
export function useBuyCredits() {
  const client = useClient();
  return useMutation({
    mutationFn: (packId: string) => client.call('credits.buy', { pack_id: packId }),
    onSuccess: (out) => window.location.assign(out.checkout_url),
  });
}

export const tipKeys = {
  list: (direction: TipDirection) => ['tips', direction] as const,
};

/** Sends a tip. The request key is made once per tip by the caller, so a retry never tips twice. */
export function useSendTip() {
  const client = useClient();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (tip: SendTip) => client.call('tips.send', tip),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: keys.ledger });
      void qc.invalidateQueries({ queryKey: keys.account });
      void qc.invalidateQueries({ queryKey: ['tips'] });
    },
  });
}

export function useTips(direction: TipDirection) {
  const client = useClient();
  return useQuery({ queryKey: tipKeys.list(direction), queryFn: () => client.call('tips.list', { direction, limit: 20 }) });
}
