// What the Library does to its selected images at once: tag them, make them public or private, add
// them to a collection — each one request, all of them or none — or export them as a zip.

import { useState } from 'react';
import { Eye, EyeOff, FolderPlus, Tag } from 'lucide-react';
import { useSetVisibility } from '../../api/hooks';
import { useAddToCollection, useCollections } from '../../api/collectionHooks';
import { useChangeTags } from '../../api/tagHooks';
import { describeError } from '../../api/errors';
import type { ExportQuery } from '../../api/types';
import { ExportLink } from './ExportLink';

function Outcome({ error, done, words }: { error: unknown; done: boolean; words: string }) {
  if (error) return <span className="text-xs text-rose-400" role="alert">{describeError(error).title}</span>;
  if (done) return <span className="text-xs text-fg-muted" role="status">{words}</span>;
  return null;
}

function BulkTag({ imageIds }: { imageIds: string[] }) {
  const add = useChangeTags('add');
  const [draft, setDraft] = useState('');
  return (
    <form
      className="flex items-center gap-1.5"
      aria-label="Tag the selected images"
      onSubmit={(e) => {
        e.preventDefault();
        const tag = draft.trim();
        if (tag) add.mutate({ image_ids: imageIds, tags: [tag] }, { onSuccess: () => setDraft('') });
      }}
    >
      <input className="input h-8 w-32 text-xs" placeholder="Tag…" aria-label="Tag to add" maxLength={32} value={draft} onChange={(e) => setDraft(e.target.value)} />
      <button type="submit" className="btn-ghost h-8" disabled={!draft.trim() || add.isPending}>
        <Tag className="h-4 w-4" aria-hidden /> Add tag
      </button>
      <Outcome error={add.error} done={add.isSuccess && !draft} words="Tagged" />
    </form>
  );
}

function BulkVisibility({ imageIds }: { imageIds: string[] }) {
  const set = useSetVisibility();
  return (
    <div className="flex items-center gap-1">
      <button type="button" className="btn-ghost h-8" disabled={set.isPending} onClick={() => set.mutate({ ids: imageIds, visibility: 'public' })}>
        <Eye className="h-4 w-4" aria-hidden /> Make public
      </button>
      <button type="button" className="btn-ghost h-8" disabled={set.isPending} onClick={() => set.mutate({ ids: imageIds, visibility: 'private' })}>
        <EyeOff className="h-4 w-4" aria-hidden /> Make private
      </button>
      <Outcome error={set.error} done={set.isSuccess} words={set.variables?.visibility === 'public' ? 'Now public' : 'Now private'} />
    </div>
  );
}

function BulkCollect({ imageIds }: { imageIds: string[] }) {
  const collections = useCollections();
  const add = useAddToCollection();
  const list = collections.data?.pages.flatMap((p) => p.collections) ?? [];
  if (list.length === 0) return null;
  return (
    <div className="flex items-center gap-1.5">
      <FolderPlus className="h-4 w-4 text-fg-muted" aria-hidden />
      <select
        className="input h-8 w-44 text-xs"
        aria-label="Add the selected images to a collection"
        value=""
        disabled={add.isPending}
        onChange={(e) => {
          if (e.target.value) add.mutate({ collection_id: e.target.value, image_ids: imageIds });
        }}
      >
        <option value="">Add to collection…</option>
        {list.map((c) => (
          <option key={c.id} value={c.id}>
            {c.title}
          </option>
        ))}
      </select>
      <Outcome error={add.error} done={add.isSuccess} words={add.data ? `Added to ${add.data.title}` : 'Added'} />
    </div>
  );
}

/** `exportQuery`: when the selection is every image a filter matches, the export asks for the filter
 * (its ids could be too many for an address). */
export function SelectionActions({ imageIds, exportQuery }: { imageIds: string[]; exportQuery?: ExportQuery }) {
  return (
    <div className="flex flex-wrap items-center gap-x-3 gap-y-1.5">
      <BulkTag imageIds={imageIds} />
      <BulkVisibility imageIds={imageIds} />
      <BulkCollect imageIds={imageIds} />
      <ExportLink query={exportQuery ?? { image_ids: imageIds }} label="Export" />
    </div>
  );
}
