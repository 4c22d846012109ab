// The prompt marketplace: listings a page at a time in each sort, one listing (its prompt only for
// buyers, its seller and admins), buying, reviewing, publishing and unpublishing.

import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useClient } from './context';
import { keys } from './keys';
import type { ListingsOutput, MarketQuery, PublishListing, ReviewListing } from './types';

export const marketKeys = {
  all: ['market'] as const,
  list: (q: MarketQuery) => ['market', 'list', q] as const,
  one: (id: string) => ['market', 'listing', id] as const,
  reviews: (id: string) => ['market', 'reviews', id] as const,
};

const PAGE = 24;

export function useListings(q: MarketQuery) {
  const client = useClient();
  return useInfiniteQuery({
    queryKey: marketKeys.list(q),
    queryFn: ({ pageParam }) => client.call('market.list', { ...q, limit: PAGE, ...(pageParam ? { before: pageParam } : {}) }),
    initialPageParam: '',
    getNextPageParam: (last: ListingsOutput) => last.next ?? undefined,
  });
}

export function useListing(id: string | undefined) {
  const client = useClient();
  return useQuery({
    queryKey: marketKeys.one(id ?? ''),
    queryFn: () => client.call('market.get', { listing_id: id ?? '' }),
    enabled: !!id,
  });
}

export function useReviews(id: string) {
  const client = useClient();
  return useQuery({ queryKey: marketKeys.reviews(id), queryFn: () => client.call('market.reviews', { listing_id: id }) });
}

/** After a change: the listings, the listing, and (for a sale) the balance. */
function useRefresh() {
  const qc = useQueryClient();
  return () => {
    void qc.invalidateQueries({ queryKey: marketKeys.all });
    void qc.invalidateQueries({ queryKey: keys.ledger });
    void qc.invalidateQueries({ queryKey: keys.account });
  };
}

export function useBuyListing() {
  const client = useClient();
  const refresh = useRefresh();
  return useMutation({ mutationFn: (id: string) => client.call('market.buy', { listing_id: id }), onSuccess: refresh });
}

export function usePublishListing() {
  const client = useClient();
  const refresh = useRefresh();
  return useMutation({ mutationFn: (listing: PublishListing) => client.call('market.publish', listing), onSuccess: refresh });
}

export function useUnpublishListing() {
  const client = useClient();
  const refresh = useRefresh();
  return useMutation({ mutationFn: (id: string) => client.call('market.unpublish', { listing_id: id }), onSuccess: refresh });
}

export function useReviewListing() {
  const client = useClient();
  const refresh = useRefresh();
  return useMutation({ mutationFn: (review: ReviewListing) => client.call('market.review', review), onSuccess: refresh });
}
