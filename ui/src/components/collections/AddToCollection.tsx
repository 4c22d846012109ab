// On one of your images: the collections it can go into, and a new one made with it.

import { useMemo, useState } from 'react';
import { Link } from 'react-router';
import { FolderPlus, Plus } from 'lucide-react';
import { useAddToCollection, useCollections, useCreateCollection } from '../../api/collectionHooks';
import { ErrorBanner } from '../ui';

export function AddToCollection({ imageId }: { imageId: string }) {
  const collections = useCollections();
  const add = useAddToCollection();
  const create = useCreateCollection();
  const [chosen, setChosen] = useState('');
  const [title, setTitle] = useState('');
  const [done, setDone] = useState<{ id: string; title: string } | null>(null);
  const items = useMemo(() => collections.data?.pages.flatMap((p) => p.collections) ?? [], [collections.data]);
  const busy = add.isPending || create.isPending;

  return (
    <section className="card p-4" aria-labelledby="add-to-collection-title">
      <h2 id="add-to-collection-title" className="mb-3 text-xs font-medium uppercase tracking-wider text-fg-subtle">
        Collections
      </h2>
      <form
        className="flex gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          if (chosen === 'new') {
            const t = title.trim();
            if (!t) return;
            create.mutate({ title: t, image_ids: [imageId] }, { onSuccess: (c) => setDone({ id: c.id, title: c.title }) });
          } else if (chosen) {
            add.mutate(
              { collection_id: chosen, image_ids: [imageId] },
              { onSuccess: (c) => setDone({ id: c.id, title: c.title }) },
            );
          }
        }}
      >
        <select
          className="input h-9 min-w-0 flex-1"
          aria-label="Collection"
          value={chosen}
          onChange={(e) => {
            setChosen(e.target.value);
            setDone(null);
          }}
        >
          <option value="">Add to a collection…</option>
          {items.map((c) => (
            <option key={c.id} value={c.id}>
              {c.title}
            </option>
          ))}
          <option value="new">New collection…</option>
        </select>
        <button type="submit" className="btn-secondary h-9" disabled={!chosen || busy || (chosen === 'new' && !title.trim())}>
          <FolderPlus className="h-4 w-4" aria-hidden /> {busy ? 'Adding…' : 'Add'}
        </button>
      </form>
      {chosen === 'new' && (
        <label className="mt-2 flex items-center gap-2">
          <Plus className="h-4 w-4 text-fg-subtle" aria-hidden />
          <input
            className="input h-9"
            placeholder="Title of the new collection"
            aria-label="New collection title"
            maxLength={100}
            value={title}
            onChange={(e) => setTitle(e.target.value)}
          />
        </label>
      )}
      {done && (
        <p className="mt-2 text-xs text-fg-muted" role="status">
          Added to{' '}
          <Link to={`/collections/${done.id}`} className="font-medium text-accent hover:underline">
            {done.title}
          </Link>
          .
        </p>
      )}
      {(add.error || create.error) && <ErrorBanner className="mt-3" error={add.error ?? create.error} />}
    </section>
  );
}
