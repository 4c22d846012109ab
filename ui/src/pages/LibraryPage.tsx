import { memo, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Link } from 'react-router';
import { Check, ImageOff, Palette, Trash2, X } from 'lucide-react';
import { useDeleteImages, useImages, useStorageUsage } from '../api/hooks';
import { useTags } from '../api/tagHooks';
import { useMatchingIds } from '../api/bulkHooks';
import { describeError } from '../api/errors';
import { SelectionActions } from '../components/library/SelectionActions';
import { ExportLink } from '../components/library/ExportLink';
import { StyleCard } from '../components/style/StyleCard';
import type { Image, ImagesQuery, MediaKind } from '../api/types';
import { VirtualGrid } from '../components/VirtualGrid';
import { MediaSelect, ModelSelect, SearchField } from '../components/FilterControls';
import { Thumb } from '../components/Thumb';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { EmptyState, ErrorBanner, ErrorState, Skeleton, Spinner } from '../components/ui';
import { cn, formatBytes } from '../lib/format';
import { useTitle } from '../lib/title';
import { useDebounced } from '../lib/useDebounced';

function dayStart(date: string): number | undefined {
  if (!date) return undefined;
  const t = new Date(`${date}T00:00:00`).getTime();
  return Number.isNaN(t) ? undefined : t;
}

/** "1,204 images · 812 MB": what the library keeps (deleted images' files are freed). */
function SpaceUsed() {
  const usage = useStorageUsage();
  if (!usage.data) return null;
  const { images, bytes } = usage.data;
  return (
    <span className="text-xs text-fg-muted tabular-nums" aria-label="Space used">
      {images.toLocaleString('en-US')} {images === 1 ? 'image' : 'images'} · {formatBytes(bytes)}
    </span>
  );
}

/** Filters the library by one of the caller's tags (most used first); absent until there are tags. */
function TagSelect({ value, onChange }: { value: string; onChange: (tag: string) => void }) {
  const tags = useTags();
  const list = tags.data?.tags ?? [];
  if (list.length === 0 && !value) return null;
  return (
    <div className="w-full sm:w-auto">
      <label htmlFor="lib-tag" className="sr-only">
        Tag
      </label>
      <select id="lib-tag" className="input sm:w-40" value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">All tags</option>
        {list.map((t) => (
          <option key={t.tag} value={t.tag}>
            {t.tag} ({t.images})
          </option>
        ))}
      </select>
    </div>
  );
}

export function LibraryPage() {
  useTitle('Library');
  const [text, setText] = useState('');
  const [model, setModel] = useState('');
  const [media, setMedia] = useState<MediaKind | ''>('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [tag, setTag] = useState('');
  const [showStyle, setShowStyle] = useState(false);
  const debouncedText = useDebounced(text.trim(), 300);
  const filters = useMemo<Omit<ImagesQuery, 'before' | 'limit'>>(() => {
    const f: Omit<ImagesQuery, 'before' | 'limit'> = {};
    if (debouncedText) f.text = debouncedText;
    if (model) f.model = model;
    if (media) f.media = media;
    if (tag) f.tag = tag;
    const fromMs = dayStart(from);
    const toStart = dayStart(to);
    if (fromMs !== undefined) f.from = fromMs;
    if (toStart !== undefined) f.to = toStart + 24 * 3600 * 1000 - 1;
    return f;
  }, [debouncedText, model, media, tag, from, to]);
  const filtered = Object.keys(filters).length > 0;

  const images = useImages(filters);
  const all = useMemo(() => images.data?.pages.flatMap((p) => p.images) ?? [], [images.data]);

  const [selected, setSelected] = useState<Set<string>>(new Set());
  // Set when the selection is every image the filter matches (it may reach past the pages loaded).
  const [allMatching, setAllMatching] = useState<{ count: number; truncated: boolean } | null>(null);
  const [confirm, setConfirm] = useState(false);
  const del = useDeleteImages();
  const matching = useMatchingIds();
  const selecting = selected.size > 0;
  const lastToggled = useRef<string | null>(null);
  const loadedIds = useRef<string[]>([]);
  loadedIds.current = useMemo(() => all.map((i) => i.id), [all]);

  const select = useCallback((next: Set<string>) => {
    setAllMatching(null);
    setSelected(next);
  }, []);

  // A click toggles one image; a shift-click selects every loaded image from the one clicked before.
  const toggle = useCallback((id: string, range: boolean) => {
    const anchor = lastToggled.current;
    lastToggled.current = id;
    setAllMatching(null);
    setSelected((s) => {
      const n = new Set(s);
      const ids = loadedIds.current;
      const [from, to] = [ids.indexOf(anchor ?? ''), ids.indexOf(id)];
      if (range && from >= 0 && to >= 0) {
        for (const between of ids.slice(Math.min(from, to), Math.max(from, to) + 1)) n.add(between);
      } else if (n.has(id)) n.delete(id);
      else n.add(id);
      return n;
    });
  }, []);

  const selectAllMatching = () =>
    matching.mutate(filters, {
      onSuccess: (out) => {
        setSelected(new Set(out.ids));
        setAllMatching({ count: out.ids.length, truncated: out.truncated });
      },
    });

  // Another filter matches other images: a selection of "all matching" no longer says which.
  useEffect(() => setAllMatching(null), [filters]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape' && !confirm) select(new Set());
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [confirm, select]);

  const { hasNextPage, isFetchingNextPage, fetchNextPage } = images;
  const onNearEnd = useCallback(() => {
    if (hasNextPage && !isFetchingNextPage) void fetchNextPage();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage]);

  const renderCell = useCallback(
    (image: Image) => (
      <LibraryTile image={image} selected={selected.has(image.id)} selecting={selecting} onToggle={toggle} />
    ),
    [selected, selecting, toggle],
  );

  const clearFilters = () => {
    setText('');
    setModel('');
    setMedia('');
    setFrom('');
    setTo('');
    setTag('');
  };

  return (
    <div className="mx-auto max-w-[1600px] px-4 py-6 sm:px-6">
      <div className="mb-5 flex flex-wrap items-end gap-3">
        <div className="mr-auto flex items-baseline gap-3">
          <h1 className="text-lg font-semibold">Library</h1>
          <SpaceUsed />
          {all.length > 0 && <ExportLink query={filters} label={filtered ? 'Export matching' : 'Export all'} />}
          {all.length > 0 && (
            <button
              type="button"
              className="btn-ghost h-8 px-2"
              aria-label="Your style"
              title="Your style: colours, models and subjects"
              aria-expanded={showStyle}
              onClick={() => setShowStyle((v) => !v)}
            >
              <Palette className="h-4 w-4" aria-hidden />
            </button>
          )}
        </div>
        <SearchField id="lib-search" label="Search prompts and tags" value={text} onChange={setText} className="sm:w-60" />
        <div className="w-full sm:w-auto">
          <ModelSelect id="lib-model" value={model} onChange={setModel} className="sm:w-44" />
        </div>
        <div className="w-full sm:w-auto">
          <MediaSelect id="lib-media" value={media} onChange={setMedia} className="sm:w-44" />
        </div>
        <TagSelect value={tag} onChange={setTag} />
        <div className="flex w-full items-center gap-1.5 sm:w-auto">
          <label htmlFor="lib-from" className="sr-only">
            From date
          </label>
          <input id="lib-from" type="date" className="input min-w-0 flex-1 sm:w-[8.5rem] sm:flex-none" value={from} max={to || undefined} onChange={(e) => setFrom(e.target.value)} />
          <span className="text-fg-subtle" aria-hidden>
            –
          </span>
          <label htmlFor="lib-to" className="sr-only">
            To date
          </label>
          <input id="lib-to" type="date" className="input min-w-0 flex-1 sm:w-[8.5rem] sm:flex-none" value={to} min={from || undefined} onChange={(e) => setTo(e.target.value)} />
        </div>
        {(filtered || text) && (
          <button type="button" className="btn-ghost" onClick={clearFilters}>
            <X className="h-4 w-4" aria-hidden /> Clear
          </button>
        )}
      </div>

      {showStyle && <StyleCard className="mb-5" title="Your style" />}

      {selecting && (
        <div
          className="sticky top-16 z-20 mb-4 flex flex-wrap items-center gap-3 rounded-xl border border-line bg-surface-1/90 px-4 py-2 shadow-lg backdrop-blur"
          role="toolbar"
          aria-label="Selection"
        >
          <span className="text-sm font-medium tabular-nums" aria-live="polite">
            {allMatching
              ? `All ${allMatching.count.toLocaleString('en-US')} matching selected${allMatching.truncated ? ' (the newest 10,000)' : ''}`
              : `${selected.size.toLocaleString('en-US')} selected`}
          </span>
          {!allMatching && (
            <button type="button" className="btn-ghost h-8" disabled={matching.isPending} onClick={selectAllMatching}>
              {matching.isPending ? 'Selecting…' : filtered ? 'Select all matching' : 'Select all'}
            </button>
          )}
          <button type="button" className="btn-ghost h-8" onClick={() => select(new Set())}>
            Clear
          </button>
          {matching.error && (
            <span className="text-xs text-rose-400" role="alert">
              {describeError(matching.error).title}
            </span>
          )}
          <SelectionActions
            imageIds={[...selected]}
            exportQuery={allMatching && !allMatching.truncated ? filters : undefined}
          />
          <button type="button" className="btn-danger ml-auto h-8" onClick={() => setConfirm(true)}>
            <Trash2 className="h-4 w-4" aria-hidden /> Delete
          </button>
        </div>
      )}
      {del.error && <ErrorBanner className="mb-4" error={del.error} />}

      {images.isPending ? (
        <div className="grid grid-cols-2 gap-2 sm:grid-cols-4 lg:grid-cols-6">
          {Array.from({ length: 12 }, (_, i) => (
            <Skeleton key={i} className="aspect-square" />
          ))}
        </div>
      ) : images.isError ? (
        <ErrorState error={images.error} onRetry={() => void images.refetch()} />
      ) : all.length === 0 ? (
        <EmptyState
          icon={<ImageOff className="h-5 w-5" aria-hidden />}
          title={filtered ? 'No images match these filters' : 'Your library is empty'}
          action={
            filtered ? (
              <button type="button" className="btn-secondary" onClick={clearFilters}>
                Clear filters
              </button>
            ) : (
              <Link to="/" className="btn-primary">
                Create your first image
              </Link>
            )
          }
        >
          {filtered ? 'Try a different search or date range.' : 'Everything you generate is kept here.'}
        </EmptyState>
      ) : (
        <>
          <VirtualGrid
            items={all}
            getKey={imageKey}
            onNearEnd={onNearEnd}
            renderCell={renderCell}
            renderLite={renderLiteTile}
          />
          <div className="flex h-16 items-center justify-center text-xs text-fg-subtle">
            {isFetchingNextPage ? <Spinner label="Loading more" /> : !hasNextPage && `${all.length.toLocaleString('en-US')} ${all.length === 1 ? 'image' : 'images'}`}
          </div>
        </>
      )}

      <ConfirmDialog
        open={confirm}
        onOpenChange={setConfirm}
        title={`Delete ${selected.size} ${selected.size === 1 ? 'image' : 'images'}?`}
        confirmLabel={del.isPending ? 'Deleting…' : 'Delete'}
        busy={del.isPending}
        onConfirm={() =>
          del.mutate([...selected], {
            onSuccess: () => {
              select(new Set());
              setConfirm(false);
            },
            onError: () => setConfirm(false),
          })
        }
      >
        The originals, thumbnails and generation records are removed. This cannot be undone.
      </ConfirmDialog>
    </div>
  );
}

const imageKey = (image: Image) => image.id;
const renderLiteTile = () => <div className="h-full rounded-xl bg-surface-2" />;

/** Memoised so that loading another page or selecting one tile re-renders only the tiles that changed. */
const LibraryTile = memo(function LibraryTile({
  image,
  selected,
  selecting,
  onToggle,
}: {
  image: Image;
  selected: boolean;
  selecting: boolean;
  onToggle: (id: string, range: boolean) => void;
}) {
  return (
    <div
      className={cn(
        'group relative h-full overflow-hidden rounded-xl bg-surface-2 ring-offset-2 ring-offset-surface-0 transition-shadow',
        selected && 'ring-2 ring-accent',
      )}
    >
      <Link
        to={`/images/${image.id}`}
        className="block h-full"
        onClick={(e) => {
          if (selecting) {
            e.preventDefault();
            onToggle(image.id, e.shiftKey);
          }
        }}
        aria-label={image.record.params.prompt}
      >
        <Thumb image={image} className="h-full w-full" imgClassName="transition-transform duration-300 group-hover:scale-[1.03]" />
        <div className="pointer-events-none absolute inset-x-0 bottom-0 bg-gradient-to-t from-black/70 to-transparent p-2.5 pt-8 opacity-0 transition-opacity group-hover:opacity-100">
          <p className="line-clamp-2 text-xs text-white">{image.record.params.prompt}</p>
        </div>
      </Link>
      <button
        type="button"
        aria-pressed={selected}
        aria-label={selected ? 'Deselect image' : 'Select image'}
        onClick={(e) => onToggle(image.id, e.shiftKey)}
        className={cn(
          'absolute left-2 top-2 flex h-6 w-6 items-center justify-center rounded-md border transition-opacity',
          selected
            ? 'border-accent bg-accent text-white opacity-100'
            : 'border-white/70 bg-black/40 text-transparent opacity-0 group-hover:opacity-100 focus-visible:opacity-100',
          selecting && 'opacity-100',
        )}
      >
        <Check className="h-4 w-4" aria-hidden />
      </button>
    </div>
  );
});
