// The market's premium collections: everyone's collections for sale, newest first, each with its
// cover and price; opening one shows its blurred images until it is unlocked.

import { useMemo } from 'react';
import { FolderHeart } from 'lucide-react';
import { useExploreCollections } from '../api/collectionHooks';
import { CollectionCard } from '../components/collections/CollectionCard';
import { MarketTabs } from '../components/market/MarketTabs';
import { EmptyState, ErrorState, PageSpinner } from '../components/ui';
import { useTitle } from '../lib/title';

export function MarketCollectionsPage() {
  useTitle('Premium collections');
  const list = useExploreCollections(true);
  const items = useMemo(() => list.data?.pages.flatMap((p) => p.collections) ?? [], [list.data]);
  return (
    <div className="mx-auto max-w-[1600px] px-4 py-6 sm:px-6">
      <h1 className="mb-3 text-lg font-semibold">Market</h1>
      <MarketTabs />
      {list.isPending ? (
        <PageSpinner />
      ) : list.isError ? (
        <ErrorState error={list.error} onRetry={() => void list.refetch()} />
      ) : items.length === 0 ? (
        <EmptyState icon={<FolderHeart className="h-6 w-6" aria-hidden />} title="No premium collections yet">
          Creators sell a collection by giving it a price on its page.
        </EmptyState>
      ) : (
        <>
          <div className="grid grid-cols-2 gap-4 sm:grid-cols-3 lg:grid-cols-4 xl:grid-cols-5" role="list" aria-label="Premium collections">
            {items.map((c) => (
              <div role="listitem" key={c.id}>
                <CollectionCard collection={c} />
              </div>
            ))}
          </div>
          {list.hasNextPage && (
            <div className="mt-6 flex justify-center">
              <button type="button" className="btn-secondary" disabled={list.isFetchingNextPage} onClick={() => void list.fetchNextPage()}>
                {list.isFetchingNextPage ? 'Loading…' : 'Show more'}
              </button>
            </div>
          )}
        </>
      )}
    </div>
  );
}
