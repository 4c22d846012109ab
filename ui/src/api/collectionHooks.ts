// Collections: a person's own images under a title, in their order; premium ones unlocked by buying.

import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { useClient } from './context';
import { keys } from './keys';
import type {
  CollectionDetail,
  CollectionImages,
  CollectionPrice,
  CollectionsOutput,
  CreateCollection,
  MoveCollectionImage,
  UpdateCollection,
} from './types';

export const collectionKeys = {
  all: ['collections'] as const,
  list: (userId: string | undefined) => ['collections', 'list', userId ?? 'mine'] as const,
  one: (id: string) => ['collections', 'one', id] as const,
  explore: (premium: boolean) => ['collections', 'explore', premium] as const,
  unlocked: ['collections', 'unlocked'] as const,
};

const PAGE = 60;

/** Someone's collections (the caller's own when `userId` is absent), newest first. */
export function useCollections(userId?: string, enabled = true) {
  const client = useClient();
  return useInfiniteQuery({
    queryKey: collectionKeys.list(userId),
    queryFn: ({ pageParam }) =>
      client.call('collections.list', { ...(userId ? { user_id: userId } : {}), limit: 48, ...(pageParam ? { before: pageParam } : {}) }),
    initialPageParam: '',
    getNextPageParam: (last: CollectionsOutput) => last.next ?? undefined,
    enabled,
  });
}

/** The premium collections the caller bought, the latest first. */
export function useUnlockedCollections() {
  const client = useClient();
  return useInfiniteQuery({
    queryKey: collectionKeys.unlocked,
    queryFn: ({ pageParam }) => client.call('collections.unlocked', { limit: 48, ...(pageParam ? { before: pageParam } : {}) }),
    initialPageParam: '',
    getNextPageParam: (last: CollectionsOutput) => last.next ?? undefined,
  });
}

/** Everyone's public collections (premium ones only with `premium`), newest first. */
export function useExploreCollections(premium: boolean) {
  const client = useClient();
  return useInfiniteQuery({
    queryKey: collectionKeys.explore(premium),
    queryFn: ({ pageParam }) =>
      client.call('collections.explore', { premium, limit: 48, ...(pageParam ? { before: pageParam } : {}) }),
    initialPageParam: '',
    getNextPageParam: (last: CollectionsOutput) => last.next ?? undefined,
  });
}

/** One collection and its images in order, a page at a time. */
export function useCollection(id: string | undefined) {
  const client = useClient();
  return useInfiniteQuery({
    queryKey: collectionKeys.one(id ?? ''),
    queryFn: ({ pageParam }) =>
      client.call('collections.get', { collection_id: id ?? '', limit: PAGE, ...(pageParam ? { after: pageParam } : {}) }),
    initialPageParam: '',
    getNextPageParam: (last: CollectionDetail) => last.next ?? undefined,
    enabled: !!id,
  });
}

/** After a change: every collection query, the images (a purchase unlocks them) and the balance. */
function useRefresh() {
  const qc = useQueryClient();
  return () => {
    void qc.invalidateQueries({ queryKey: collectionKeys.all });
    void qc.invalidateQueries({ queryKey: keys.imagesAll });
    void qc.invalidateQueries({ queryKey: ['image'] });
    void qc.invalidateQueries({ queryKey: keys.ledger });
    void qc.invalidateQueries({ queryKey: keys.account });
  };
}

export function useCreateCollection() {
  const client = useClient();
  const refresh = useRefresh();
  return useMutation({ mutationFn: (input: CreateCollection) => client.call('collections.create', input), onSuccess: refresh });
}

export function useUpdateCollection() {
  const client = useClient();
  const refresh = useRefresh();
  return useMutation({ mutationFn: (input: UpdateCollection) => client.call('collections.update', input), onSuccess: refresh });
}

export function useDeleteCollection() {
  const client = useClient();
  const refresh = useRefresh();
  return useMutation({ mutationFn: (id: string) => client.call('collections.delete', { collection_id: id }), onSuccess: refresh });
}

export function useAddToCollection() {
  const client = useClient();
  const refresh = useRefresh();
  return useMutation({ mutationFn: (input: CollectionImages) => client.call('collections.add_images', input), onSuccess: refresh });
}

export function useRemoveFromCollection() {
  const client = useClient();
  const refresh = useRefresh();
  return useMutation({ mutationFn: (input: CollectionImages) => client.call('collections.remove_images', input), onSuccess: refresh });
}

export function useMoveInCollection() {
  const client = useClient();
  const refresh = useRefresh();
  return useMutation({ mutationFn: (input: MoveCollectionImage) => client.call('collections.move_image', input), onSuccess: refresh });
}

export function useSetCollectionPrice() {
  const client = useClient();
  const refresh = useRefresh();
  return useMutation({ mutationFn: (input: CollectionPrice) => client.call('collections.set_price', input), onSuccess: refresh });
}

export function useBuyCollection() {
  const client = useClient();
  const refresh = useRefresh();
  return useMutation({ mutationFn: (id: string) => client.call('collections.buy', { collection_id: id }), onSuccess: refresh });
}
