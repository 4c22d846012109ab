// Your collections: each with its cover and count, and a new one started here.

import { useMemo, useState } from 'react';
import { useNavigate } from 'react-router';
import { FolderHeart, Plus } from 'lucide-react';
import { useCollections, useCreateCollection, useUnlockedCollections } from '../api/collectionHooks';
import { CollectionGrid } from '../components/collections/CollectionGrid';
import { VisibilitySwitch } from '../components/VisibilitySwitch';
import { EmptyState, ErrorBanner, ErrorState, PageSpinner } from '../components/ui';
import { useTitle } from '../lib/title';
import type { Visibility } from '../api/types';

export function CollectionsPage() {
  useTitle('Collections');
  const list = useCollections();
  const items = useMemo(() => list.data?.pages.flatMap((p) => p.collections) ?? [], [list.data]);
  const [making, setMaking] = useState(false);

  return (
    <div className="mx-auto max-w-[1600px] px-4 py-6 sm:px-6">
      <div className="mb-5 flex flex-wrap items-center gap-3">
        <h1 className="mr-auto text-lg font-semibold">Collections</h1>
        {!making && (
          <button type="button" className="btn-primary h-9" onClick={() => setMaking(true)}>
            <Plus className="h-4 w-4" aria-hidden /> New collection
          </button>
        )}
      </div>
      {making && <NewCollectionForm onClose={() => setMaking(false)} />}
      {list.isPending ? (
        <PageSpinner />
      ) : list.isError ? (
        <ErrorState error={list.error} onRetry={() => void list.refetch()} />
      ) : items.length === 0 ? (
        <EmptyState icon={<FolderHeart className="h-6 w-6" aria-hidden />} title="No collections yet">
          Gather images under a title: make a collection here, or add an image to one from its page.
        </EmptyState>
      ) : (
        <CollectionGrid
          items={items}
          label="Your collections"
          hasMore={!!list.hasNextPage}
          loadingMore={list.isFetchingNextPage}
          onMore={() => void list.fetchNextPage()}
        />
      )}
      <UnlockedCollections />
    </div>
  );
}

/** The premium collections the person bought, when there are any. */
function UnlockedCollections() {
  const list = useUnlockedCollections();
  const items = useMemo(() => list.data?.pages.flatMap((p) => p.collections) ?? [], [list.data]);
  if (items.length === 0) return null;
  return (
    <section className="mt-10" aria-labelledby="unlocked-title">
      <h2 id="unlocked-title" className="mb-3 text-sm font-medium text-fg-muted">
        Unlocked by you
      </h2>
      <CollectionGrid
        items={items}
        label="Unlocked collections"
        hasMore={!!list.hasNextPage}
        loadingMore={list.isFetchingNextPage}
        onMore={() => void list.fetchNextPage()}
      />
    </section>
  );
}

function NewCollectionForm({ onClose }: { onClose: () => void }) {
  const create = useCreateCollection();
  const navigate = useNavigate();
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [visibility, setVisibility] = useState<Visibility>('private');
  return (
    <form
      className="card mb-6 max-w-xl space-y-3 p-5"
      aria-label="New collection"
      onSubmit={(e) => {
        e.preventDefault();
        create.mutate(
          { title: title.trim(), description: description.trim(), visibility },
          { onSuccess: (c) => void navigate(`/collections/${c.id}`) },
        );
      }}
    >
      <label className="block space-y-1">
        <span className="text-xs font-medium text-fg-muted">Title</span>
        <input className="input" required maxLength={100} value={title} onChange={(e) => setTitle(e.target.value)} />
      </label>
      <label className="block space-y-1">
        <span className="text-xs font-medium text-fg-muted">Description</span>
        <textarea className="input min-h-[72px]" maxLength={1000} value={description} onChange={(e) => setDescription(e.target.value)} />
      </label>
      <VisibilitySwitch value={visibility} onChange={setVisibility} />
      {create.error && <ErrorBanner error={create.error} />}
      <div className="flex justify-end gap-2">
        <button type="button" className="btn-ghost" onClick={onClose}>
          Cancel
        </button>
        <button type="submit" className="btn-primary" disabled={!title.trim() || create.isPending}>
          {create.isPending ? 'Creating…' : 'Create'}
        </button>
      </div>
    </form>
  );
}
