// Collections as a grid of cards, with the way to the next page.

import type { Collection } from '../../api/types';
import { CollectionCard } from './CollectionCard';

export function CollectionGrid({
  items,
  label,
  hasMore,
  loadingMore,
  onMore,
}: {
  items: Collection[];
  label: string;
  hasMore: boolean;
  loadingMore: boolean;
  onMore: () => void;
}) {
  return (
    <>
      <div className="grid grid-cols-2 gap-4 sm:grid-cols-3 lg:grid-cols-4 xl:grid-cols-5" role="list" aria-label={label}>
        {items.map((c) => (
          <div role="listitem" key={c.id}>
            <CollectionCard collection={c} />
          </div>
        ))}
      </div>
      {hasMore && (
        <div className="mt-6 flex justify-center">
          <button type="button" className="btn-secondary" disabled={loadingMore} onClick={onMore}>
            {loadingMore ? 'Loading…' : 'Show more'}
          </button>
        </div>
      )}
    </>
  );
}
