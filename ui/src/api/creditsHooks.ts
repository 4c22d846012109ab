// Buying credits: the packs a server sells, and beginning a purchase (the browser then leaves for the
// payment page). The credits arrive with the payment's webhook; the balance updates from `balance.changed`.

import { useMutation, useQuery } from '@tanstack/react-query';
import { useClient } from './context';

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
