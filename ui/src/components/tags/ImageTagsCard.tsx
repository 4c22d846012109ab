// The owner's tags on one image: chips to remove, a field to add (Enter), shown on the image page.

import { useState } from 'react';
import { Tag, X } from 'lucide-react';
import { useChangeTags, useImageTags } from '../../api/tagHooks';
import { ErrorBanner } from '../ui';

export function ImageTagsCard({ imageId }: { imageId: string }) {
  const tags = useImageTags(imageId);
  const add = useChangeTags('add');
  const remove = useChangeTags('remove');
  const [draft, setDraft] = useState('');
  const submit = () => {
    const tag = draft.trim();
    if (!tag) return;
    add.mutate({ image_ids: [imageId], tags: [tag] }, { onSuccess: () => setDraft('') });
  };
  return (
    <section className="card p-4" aria-label="Tags">
      <h2 className="mb-3 flex items-center gap-1.5 text-xs font-medium uppercase tracking-wider text-fg-subtle">
        <Tag className="h-3.5 w-3.5" aria-hidden /> Tags
      </h2>
      <ul className="flex flex-wrap gap-1.5" aria-label="This image's tags">
        {(tags.data?.tags ?? []).map((tag) => (
          <li key={tag} className="chip gap-1 py-1 pl-2.5 pr-1 text-xs text-fg">
            {tag}
            <button
              type="button"
              className="rounded-full p-0.5 text-fg-subtle hover:bg-surface-3 hover:text-fg"
              aria-label={`Remove tag ${tag}`}
              disabled={remove.isPending}
              onClick={() => remove.mutate({ image_ids: [imageId], tags: [tag] })}
            >
              <X className="h-3 w-3" aria-hidden />
            </button>
          </li>
        ))}
        <li>
          <input
            className="input h-7 w-40 text-xs"
            placeholder="Add a tag…"
            aria-label="Add a tag"
            maxLength={32}
            value={draft}
            onChange={(e) => setDraft(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter') {
                e.preventDefault();
                submit();
              }
            }}
          />
        </li>
      </ul>
      {(add.error ?? remove.error) && <ErrorBanner className="mt-3" error={add.error ?? remove.error} />}
    </section>
  );
}
