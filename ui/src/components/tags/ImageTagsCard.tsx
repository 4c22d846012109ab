// The owner's tags on one image: chips to remove, a field to add (Enter), and the tagger's proposals
// to accept or reject, shown on the image page.

import { useState } from 'react';
import { Check, Loader2, Sparkles, Tag, X } from 'lucide-react';
import { useChangeTags, useImageTags, useReviewTags, useSuggestTags } from '../../api/tagHooks';
import type { TagSuggestion } from '../../api/types';
import { ErrorBanner } from '../ui';

/** Proposed tags, each accepted or rejected with one click, all accepted with one more. */
function Proposals({ imageId, proposed }: { imageId: string; proposed: TagSuggestion[] }) {
  const review = useReviewTags();
  const bySource = proposed.some((p) => p.source === 'vision') ? 'seen in the image' : 'from the prompt';
  return (
    <div className="mt-3 rounded-lg border border-dashed border-border p-2.5" aria-label="Suggested tags" role="group">
      <div className="mb-2 flex items-center justify-between gap-2 text-xs text-fg-subtle">
        <span>
          Suggested <span className="text-fg-subtle/80">· {bySource}</span>
        </span>
        <button
          type="button"
          className="btn btn-ghost h-6 px-2 text-xs"
          disabled={review.isPending}
          onClick={() => review.mutate({ image_id: imageId, accept: proposed.map((p) => p.tag), reject: [] })}
        >
          Accept all
        </button>
      </div>
      <ul className="flex flex-wrap gap-1.5">
        {proposed.map(({ tag }) => (
          <li key={tag} className="chip gap-0.5 border-dashed py-1 pl-2.5 pr-1 text-xs text-fg-muted">
            {tag}
            <button
              type="button"
              className="rounded-full p-0.5 text-emerald-600 hover:bg-surface-3 dark:text-emerald-400"
              aria-label={`Accept tag ${tag}`}
              disabled={review.isPending}
              onClick={() => review.mutate({ image_id: imageId, accept: [tag], reject: [] })}
            >
              <Check className="h-3 w-3" aria-hidden />
            </button>
            <button
              type="button"
              className="rounded-full p-0.5 text-fg-subtle hover:bg-surface-3 hover:text-fg"
              aria-label={`Reject tag ${tag}`}
              disabled={review.isPending}
              onClick={() => review.mutate({ image_id: imageId, accept: [], reject: [tag] })}
            >
              <X className="h-3 w-3" aria-hidden />
            </button>
          </li>
        ))}
      </ul>
      {review.error && <ErrorBanner className="mt-2" error={review.error} />}
    </div>
  );
}

export function ImageTagsCard({ imageId }: { imageId: string }) {
  const tags = useImageTags(imageId);
  const add = useChangeTags('add');
  const remove = useChangeTags('remove');
  const suggest = useSuggestTags(imageId);
  const [draft, setDraft] = useState('');
  const proposed = tags.data?.proposed ?? [];
  const nothingNew = suggest.isSuccess && suggest.data.proposed.length === 0;
  const submit = () => {
    const tag = draft.trim();
    if (!tag) return;
    add.mutate({ image_ids: [imageId], tags: [tag] }, { onSuccess: () => setDraft('') });
  };
  return (
    <section className="card p-4" aria-label="Tags">
      <div className="mb-3 flex items-center justify-between gap-2">
        <h2 className="flex items-center gap-1.5 text-xs font-medium uppercase tracking-wider text-fg-subtle">
          <Tag className="h-3.5 w-3.5" aria-hidden /> Tags
        </h2>
        <button
          type="button"
          className="btn btn-ghost h-7 px-2 text-xs"
          disabled={suggest.isPending}
          onClick={() => suggest.mutate()}
          title="Propose tags for this image: a vision model when one is set up, else the words of its prompt"
        >
          {suggest.isPending ? <Loader2 className="h-3.5 w-3.5 animate-spin" aria-hidden /> : <Sparkles className="h-3.5 w-3.5" aria-hidden />}
          {suggest.isPending ? 'Looking…' : 'Suggest tags'}
        </button>
      </div>
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
      {proposed.length > 0 && <Proposals imageId={imageId} proposed={proposed} />}
      {nothingNew && proposed.length === 0 && (
        <p className="mt-2 text-xs text-fg-subtle" role="status">
          No new tags to suggest.
        </p>
      )}
      {(add.error ?? remove.error ?? suggest.error) && (
        <ErrorBanner className="mt-3" error={add.error ?? remove.error ?? suggest.error} />
      )}
    </section>
  );
}
