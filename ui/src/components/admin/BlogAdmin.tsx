// The blog as admins write it: every post (drafts and published), and an editor — title, address,
// category ("whats-new" for the what's new page), tags, summary and the markdown body with a preview
// rendered by the server exactly as readers will see it — to save, publish, take back or delete (with
// a reason). Every change lands in the audit log.

import { useState } from 'react';
import { Link } from 'react-router';
import { Plus } from 'lucide-react';
import { useAdminPosts, useDeletePost, useLoadPost, usePreview, usePublishPost, useSavePost } from '../../api/blogHooks';
import type { Post, PostSummary } from '../../api/types';
import { cn, formatDate } from '../../lib/format';
import { WHATS_NEW, categoryName } from '../../pages/BlogPage';
import { ErrorBanner, ErrorState, Spinner } from '../ui';
import { ReasonField, reasonReady } from './ReasonField';

/** "New video models!" → "new-video-models". */
export function slugOf(title: string): string {
  return title
    .normalize('NFKD')
    // Accents come apart from their letters under NFKD: drop them, keep the letter.
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80)
    .replace(/-+$/, '');
}

type Draft = { id: string | null; title: string; slug: string; slugEdited: boolean; category: string; tags: string; summary: string; body: string };

type Opened = { key: string; draft: Draft; published: boolean; note: string | null };

const EMPTY: Draft = { id: null, title: '', slug: '', slugEdited: false, category: WHATS_NEW, tags: '', summary: '', body: '' };

function draftOf(post: Post): Draft {
  const p = post.post;
  return { id: p.id, title: p.title, slug: p.slug, slugEdited: true, category: p.category, tags: p.tags.join(', '), summary: p.summary, body: post.body };
}

export function BlogAdmin() {
  const posts = useAdminPosts();
  const [open, setOpen] = useState<Opened>({ key: 'new', draft: EMPTY, published: false, note: null });
  const save = useSavePost();
  return (
    <div className="grid gap-5 lg:grid-cols-[minmax(0,2fr)_minmax(0,3fr)]">
      <section className="card flex min-h-[24rem] flex-col p-4" aria-label="Posts">
        <div className="flex items-center">
          <h2 className="text-sm font-semibold">Posts</h2>
          <button type="button" className="btn-secondary ml-auto h-8" onClick={() => setOpen({ key: `new-${Date.now()}`, draft: EMPTY, published: false, note: null })}>
            <Plus className="h-4 w-4" aria-hidden /> New post
          </button>
        </div>
        {posts.isPending && (
          <div className="flex justify-center py-10">
            <Spinner />
          </div>
        )}
        {posts.isError && <ErrorState error={posts.error} onRetry={() => void posts.refetch()} />}
        {posts.data && posts.data.posts.length === 0 && <p className="mt-4 text-sm text-fg-muted">No posts yet. Write the first one.</p>}
        <ul className="mt-3 divide-y divide-line">
          {posts.data?.posts.map((p) => (
            <PostItem key={p.id} post={p} current={open.draft.id === p.id} onOpen={(post) => setOpen({ key: p.id, draft: draftOf(post), published: p.published_at !== null, note: null })} />
          ))}
        </ul>
      </section>
      <Editor
        key={open.key}
        initial={open.draft}
        published={open.published}
        save={save}
        note={open.note}
        onSaved={(post, note) =>
          setOpen({ key: `${post.post.id}-${post.post.updated_at}-${post.post.published_at ?? 'draft'}`, draft: draftOf(post), published: post.post.published_at !== null, note })
        }
        onGone={() => setOpen({ key: `new-${Date.now()}`, draft: EMPTY, published: false, note: 'Deleted' })}
      />
    </div>
  );
}

function PostItem({ post, current, onOpen }: { post: PostSummary; current: boolean; onOpen: (post: Post) => void }) {
  const load = useLoadPost();
  return (
    <li>
      <button
        type="button"
        aria-current={current}
        className={cn('flex w-full items-center gap-3 rounded-md px-2 py-2 text-left', current ? 'bg-surface-2' : 'hover:bg-surface-1')}
        disabled={load.isPending}
        onClick={() => load.mutate(post.slug, { onSuccess: onOpen })}
      >
        <span className="min-w-0 flex-1">
          <span className="block truncate text-sm font-medium">{post.title}</span>
          <span className="block text-xs text-fg-muted">
            {categoryName(post.category)} · changed {formatDate(post.updated_at)}
          </span>
        </span>
        <span className={cn('chip', post.published_at === null && 'border-amber-500/40 text-amber-400')}>{post.published_at === null ? 'Draft' : 'Published'}</span>
      </button>
      {load.error && <ErrorBanner className="mx-2 mb-2" error={load.error} />}
    </li>
  );
}

function Editor({
  initial,
  published,
  note: initialNote,
  save,
  onSaved,
  onGone,
}: {
  initial: Draft;
  published: boolean;
  /** What the last action did (the editor opens anew after each). */
  note: string | null;
  save: ReturnType<typeof useSavePost>;
  onSaved: (post: Post, note: string) => void;
  onGone: () => void;
}) {
  const [d, setD] = useState<Draft>(initial);
  const [tab, setTab] = useState<'write' | 'preview'>('write');
  const [reason, setReason] = useState('');
  const [note, setNote] = useState<string | null>(initialNote);
  const preview = usePreview();
  const publish = usePublishPost();
  const remove = useDeletePost();
  const set = (patch: Partial<Draft>) => {
    setNote(null);
    setD((old) => {
      const next = { ...old, ...patch };
      if (patch.title !== undefined && !old.slugEdited) next.slug = slugOf(patch.title);
      return next;
    });
  };
  const ready = d.title.trim().length > 0 && d.slug.length > 0 && d.category.trim().length > 0;
  const tags = d.tags
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
  const doSave = () =>
    save.mutate(
      { ...(d.id ? { id: d.id } : {}), slug: d.slug, title: d.title, summary: d.summary, body: d.body, category: d.category.trim(), tags },
      {
        onSuccess: (post) => onSaved(post, 'Saved'),
      },
    );
  const error = save.error ?? publish.error ?? remove.error;
  return (
    <section className="card flex flex-col gap-3 p-4" aria-label="Post editor">
      <div className="flex items-center gap-2">
        <h2 className="text-sm font-semibold">{d.id ? 'Edit post' : 'New post'}</h2>
        {d.id && <span className={cn('chip', !published && 'border-amber-500/40 text-amber-400')}>{published ? 'Published' : 'Draft'}</span>}
        {d.id && published && (
          <Link to={`/blog/${d.slug}`} className="ml-auto text-xs text-accent hover:underline">
            View post
          </Link>
        )}
      </div>
      <label className="flex flex-col gap-1 text-xs text-fg-muted">
        Title
        <input className="input" value={d.title} maxLength={200} onChange={(e) => set({ title: e.target.value })} />
      </label>
      <div className="grid gap-3 sm:grid-cols-2">
        <label className="flex flex-col gap-1 text-xs text-fg-muted">
          Address
          <span className="flex items-center gap-1">
            <span className="text-fg-subtle">/blog/</span>
            <input className="input" aria-label="Address" value={d.slug} maxLength={80} onChange={(e) => set({ slug: e.target.value, slugEdited: true })} />
          </span>
        </label>
        <label className="flex flex-col gap-1 text-xs text-fg-muted">
          Category
          <input className="input" list="blog-categories" value={d.category} maxLength={30} onChange={(e) => set({ category: e.target.value })} />
          <datalist id="blog-categories">
            <option value={WHATS_NEW}>What’s new</option>
            <option value="news">News</option>
            <option value="guides">Guides</option>
          </datalist>
        </label>
      </div>
      <label className="flex flex-col gap-1 text-xs text-fg-muted">
        Tags, separated by commas
        <input className="input" value={d.tags} onChange={(e) => set({ tags: e.target.value })} />
      </label>
      <label className="flex flex-col gap-1 text-xs text-fg-muted">
        Summary (the first words of the post when empty)
        <input className="input" value={d.summary} maxLength={300} onChange={(e) => set({ summary: e.target.value })} />
      </label>
      <div className="flex rounded-lg border border-line p-0.5 self-start" role="tablist" aria-label="Body">
        {(['write', 'preview'] as const).map((t) => (
          <button
            key={t}
            type="button"
            role="tab"
            aria-selected={tab === t}
            className={cn('h-7 rounded-md px-3 text-xs', tab === t ? 'bg-surface-2 font-medium text-fg' : 'text-fg-muted hover:text-fg')}
            onClick={() => {
              setTab(t);
              if (t === 'preview') preview.mutate(d.body);
            }}
          >
            {t === 'write' ? 'Write' : 'Preview'}
          </button>
        ))}
      </div>
      {tab === 'write' ? (
        <label className="flex flex-col gap-1 text-xs text-fg-muted">
          <span className="sr-only">Body (markdown)</span>
          <textarea
            className="input min-h-[16rem] py-2 font-mono text-[13px] leading-6"
            placeholder="Write in markdown: # headings, **bold**, [links](https://…), - lists"
            value={d.body}
            onChange={(e) => set({ body: e.target.value })}
          />
        </label>
      ) : (
        <div className="min-h-[16rem] rounded-lg border border-line p-4" aria-label="Preview" role="region">
          {preview.isPending && <Spinner />}
          {preview.error && <ErrorBanner error={preview.error} />}
          {/* The server's rendering: inert, as readers get it. */}
          {preview.data && <div className="post-body" dangerouslySetInnerHTML={{ __html: preview.data.html }} />}
        </div>
      )}
      {error && <ErrorBanner error={error} />}
      {note && (
        <p role="status" className="text-sm text-emerald-500">
          {note}
        </p>
      )}
      <div className="flex flex-wrap items-center gap-2">
        <button type="button" className="btn-secondary h-8" disabled={!ready || save.isPending} onClick={doSave}>
          {d.id ? 'Save' : 'Save draft'}
        </button>
        {d.id && (
          <button
            type="button"
            className="btn-primary h-8"
            disabled={publish.isPending}
            onClick={() =>
              publish.mutate(
                { id: d.id ?? '', published: !published },
                { onSuccess: (post) => onSaved(post, post.post.published_at === null ? 'Back to draft: readers no longer see it' : 'Published') },
              )
            }
          >
            {published ? 'Back to draft' : 'Publish'}
          </button>
        )}
        {d.id && (
          <span className="ml-auto flex items-center gap-2">
            <ReasonField id="post-delete-reason" label="Reason to delete" value={reason} onChange={setReason} className="w-56" />
            <button
              type="button"
              className="btn-ghost h-8 text-rose-400"
              disabled={!reasonReady(reason) || remove.isPending}
              onClick={() => remove.mutate({ id: d.id ?? '', reason: reason.trim() }, { onSuccess: onGone })}
            >
              Delete
            </button>
          </span>
        )}
      </div>
    </section>
  );
}
