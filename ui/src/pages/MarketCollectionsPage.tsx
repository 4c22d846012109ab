// The market's premium collections: everyone's collections for sale, newest first, each with its
// cover and price; opening one shows its blurred images until it is unlocked.

import { useMemo } from 'react';
import { FolderHeart } from 'lucide-react';
import { useExploreCollections } from '../api/collectionHooks';
import { CollectionGrid } from '../components/collections/CollectionGrid';
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
        <CollectionGrid
          items={items}
          label="Premium collections"
          hasMore={!!list.hasNextPage}
          loadingMore={list.isFetchingNextPage}
          onMore={() => void list.fetchNextPage()}
        />
      )}
    </div>
  );
}
