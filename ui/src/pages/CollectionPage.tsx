// One collection: its images in the owner's order. Its owner renames, describes, reorders, picks the
// cover, changes its privacy and price, and deletes it; a premium one shows others its cover and
// blurred images until they unlock it.

import { useMemo, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { ArrowLeft, ArrowRight, FolderHeart, Lock, Star, Trash2, Unlock, X } from 'lucide-react';
import {
  useBuyCollection,
  useCollection,
  useDeleteCollection,
  useMoveInCollection,
  useRemoveFromCollection,
  useSetCollectionPrice,
  useUpdateCollection,
} from '../api/collectionHooks';
import { useAccount, useMe } from '../api/hooks';
import { useImageHref } from '../api/community';
import { Thumb } from '../components/Thumb';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { PayWithCredits } from '../components/credits/PayWithCredits';
import { VisibilitySwitch } from '../components/VisibilitySwitch';
import { EmptyState, ErrorBanner, ErrorState, PageSpinner } from '../components/ui';
import { useTitle } from '../lib/title';
import { cn, formatCredits } from '../lib/format';
import type { Collection, Image } from '../api/types';

export function CollectionPage() {
  const { id } = useParams();
  const detail = useCollection(id);
  const collection = detail.data?.pages[0]?.collection;
  const images = useMemo(() => detail.data?.pages.flatMap((p) => p.images) ?? [], [detail.data]);
  useTitle(collection?.title ?? 'Collection');

  if (detail.isPending) return <PageSpinner />;
  if (detail.isError || !collection)
    return <ErrorState className="min-h-[50vh]" error={detail.error} onRetry={() => void detail.refetch()} />;

  return (
    <div className="mx-auto grid max-w-[1600px] gap-6 px-4 py-6 sm:px-6 lg:grid-cols-[1fr_340px]">
      <div className="min-w-0">
        <header className="mb-5">
          <p className="mb-1 text-xs font-medium uppercase tracking-wider text-fg-subtle">
            {collection.price > 0 ? 'Premium collection' : collection.visibility === 'private' ? 'Private collection' : 'Collection'}
          </p>
          <h1 className="text-2xl font-semibold">{collection.title}</h1>
          <p className="mt-1 text-sm text-fg-muted">
            {collection.mine ? 'Yours' : <>by <Link to={`/u/${collection.owner.username}`} className="text-accent hover:underline">@{collection.owner.username}</Link></>}
            {' · '}
            {collection.image_count} {collection.image_count === 1 ? 'image' : 'images'}
          </p>
          {collection.description && <p className="mt-3 max-w-2xl whitespace-pre-wrap text-sm">{collection.description}</p>}
        </header>
        {images.length === 0 ? (
          <EmptyState icon={<FolderHeart className="h-6 w-6" aria-hidden />} title="Nothing here yet">
            {collection.mine ? 'Open one of your images and add it to this collection.' : 'This collection has no images you can see.'}
          </EmptyState>
        ) : (
          <ImagesGrid collection={collection} images={images} />
        )}
        {detail.hasNextPage && (
          <div className="mt-6 flex justify-center">
            <button type="button" className="btn-secondary" disabled={detail.isFetchingNextPage} onClick={() => void detail.fetchNextPage()}>
              {detail.isFetchingNextPage ? 'Loading…' : 'Show more'}
            </button>
          </div>
        )}
      </div>
      <aside className="space-y-4">
        {collection.price > 0 && !collection.mine && <UnlockCard collection={collection} />}
        {collection.mine && <OwnerPanel key={collection.updated_at} collection={collection} />}
      </aside>
    </div>
  );
}

function ImagesGrid({ collection, images }: { collection: Collection; images: Image[] }) {
  const href = useImageHref();
  const move = useMoveInCollection();
  const remove = useRemoveFromCollection();
  const update = useUpdateCollection();
  const error = move.error ?? remove.error ?? update.error;
  return (
    <>
      {error && <ErrorBanner className="mb-3" error={error} />}
      <ul className="grid grid-cols-2 gap-3 sm:grid-cols-3 xl:grid-cols-4" aria-label="Images">
        {images.map((image, index) => {
          const cover = image.id === collection.cover_image_id;
          return (
            <li key={image.id} className="group relative">
              <Link to={href(image.id)} aria-label={image.locked ? 'Premium image' : image.record.params.prompt}>
                <Thumb image={image} className="aspect-square rounded-lg" />
              </Link>
              {cover && (
                <span className="pointer-events-none absolute bottom-2 left-2 inline-flex items-center gap-1 rounded-full bg-black/60 px-2 py-0.5 text-[11px] font-medium text-white">
                  <Star className="h-3 w-3" aria-hidden /> Cover
                </span>
              )}
              {collection.mine && (
                <div className="absolute right-1.5 top-1.5 flex gap-1 opacity-100 sm:opacity-0 sm:transition sm:group-focus-within:opacity-100 sm:group-hover:opacity-100">
                  <TileButton label="Move earlier" disabled={index === 0} onClick={() => move.mutate({ collection_id: collection.id, image_id: image.id, to_index: index - 1 })}>
                    <ArrowLeft className="h-3.5 w-3.5" aria-hidden />
                  </TileButton>
                  <TileButton label="Move later" disabled={index === images.length - 1} onClick={() => move.mutate({ collection_id: collection.id, image_id: image.id, to_index: index + 1 })}>
                    <ArrowRight className="h-3.5 w-3.5" aria-hidden />
                  </TileButton>
                  <TileButton label="Make cover" disabled={cover} onClick={() => update.mutate({ collection_id: collection.id, cover_image_id: image.id })}>
                    <Star className="h-3.5 w-3.5" aria-hidden />
                  </TileButton>
                  <TileButton label="Remove from collection" onClick={() => remove.mutate({ collection_id: collection.id, image_ids: [image.id] })}>
                    <X className="h-3.5 w-3.5" aria-hidden />
                  </TileButton>
                </div>
              )}
            </li>
          );
        })}
      </ul>
    </>
  );
}

function TileButton({ label, disabled, onClick, children }: { label: string; disabled?: boolean; onClick: () => void; children: React.ReactNode }) {
  return (
    <button
      type="button"
      aria-label={label}
      title={label}
      disabled={disabled}
      onClick={onClick}
      className="flex h-7 w-7 items-center justify-center rounded-full bg-black/60 text-white hover:bg-black/80 disabled:opacity-40"
    >
      {children}
    </button>
  );
}

function UnlockCard({ collection }: { collection: Collection }) {
  const buy = useBuyCollection();
  if (collection.unlocked) {
    return (
      <section className="card flex items-center gap-2 p-4 text-sm" aria-label="Unlocked">
        <Unlock className="h-4 w-4 text-emerald-500" aria-hidden /> You unlocked this collection: every image is yours to see whole.
      </section>
    );
  }
  return (
    <section className="card space-y-3 p-5" aria-label="Unlock this collection">
      <p className="flex items-center gap-2 text-sm text-fg-muted">
        <Lock className="h-4 w-4" aria-hidden /> Unlock to see every image whole, with its prompt.
      </p>
      <p className="text-2xl font-semibold tabular-nums">{formatCredits(collection.price)}</p>
      <PayWithCredits
        price={collection.price}
        label={`Unlock for ${formatCredits(collection.price)}`}
        busyLabel="Unlocking…"
        signInLabel="Sign in to unlock"
        icon={<Unlock className="h-4 w-4" aria-hidden />}
        busy={buy.isPending}
        onPay={() => buy.mutate(collection.id)}
      />
      {buy.error && <ErrorBanner error={buy.error} />}
    </section>
  );
}

function OwnerPanel({ collection }: { collection: Collection }) {
  const me = useMe();
  const account = useAccount(!!me.data);
  const update = useUpdateCollection();
  const setPrice = useSetCollectionPrice();
  const del = useDeleteCollection();
  const navigate = useNavigate();
  const [title, setTitle] = useState(collection.title);
  const [description, setDescription] = useState(collection.description);
  const [price, setPriceText] = useState(String(collection.price));
  const [confirm, setConfirm] = useState(false);
  const edited = title.trim() !== collection.title || description.trim() !== collection.description;
  const priceValue = Number(price);
  const priceOk = Number.isInteger(priceValue) && priceValue >= 0 && priceValue <= 500;
  return (
    <>
      <form
        className="card space-y-3 p-4"
        aria-label="Edit collection"
        onSubmit={(e) => {
          e.preventDefault();
          update.mutate({ collection_id: collection.id, title: title.trim(), description: description.trim() });
        }}
      >
        <h2 className="text-xs font-medium uppercase tracking-wider text-fg-subtle">Details</h2>
        <label className="block space-y-1">
          <span className="text-xs font-medium text-fg-muted">Title</span>
          <input className="input" required maxLength={100} value={title} onChange={(e) => setTitle(e.target.value)} />
        </label>
        <label className="block space-y-1">
          <span className="text-xs font-medium text-fg-muted">Description</span>
          <textarea className="input min-h-[72px]" maxLength={1000} value={description} onChange={(e) => setDescription(e.target.value)} />
        </label>
        <button type="submit" className="btn-secondary w-full" disabled={!edited || !title.trim() || update.isPending}>
          {update.isPending ? 'Saving…' : 'Save'}
        </button>
        <VisibilitySwitch
          value={collection.visibility}
          onChange={(v) => {
            if (v !== collection.visibility) update.mutate({ collection_id: collection.id, visibility: v });
          }}
        />
        {update.error && <ErrorBanner error={update.error} />}
      </form>
      {account.data?.charging && (
        <form
          className="card space-y-3 p-4"
          aria-label="Sell this collection"
          onSubmit={(e) => {
            e.preventDefault();
            if (priceOk) setPrice.mutate({ collection_id: collection.id, price: priceValue });
          }}
        >
          <h2 className="text-xs font-medium uppercase tracking-wider text-fg-subtle">Premium</h2>
          <p className="text-xs text-fg-muted">
            Sell it for 1 to 500 credits (at least 3 public images; 0 makes it free). While it is public, others see its cover and
            blurred images until they unlock it; you keep the price less a 10% fee.
          </p>
          <div className="flex gap-2">
            <input
              className={cn('input h-9 min-w-0 flex-1', !priceOk && 'border-red-500')}
              inputMode="numeric"
              aria-label="Price in credits"
              value={price}
              onChange={(e) => setPriceText(e.target.value)}
            />
            <button type="submit" className="btn-secondary h-9 shrink-0 whitespace-nowrap" disabled={!priceOk || priceValue === collection.price || setPrice.isPending}>
              {setPrice.isPending ? 'Saving…' : 'Set price'}
            </button>
          </div>
          {collection.sales > 0 && (
            <p className="text-xs text-fg-subtle">
              Unlocked by {collection.sales} {collection.sales === 1 ? 'person' : 'people'}.
            </p>
          )}
          {setPrice.error && <ErrorBanner error={setPrice.error} />}
        </form>
      )}
      <button type="button" className="btn-secondary w-full text-red-600 dark:text-red-400" onClick={() => setConfirm(true)}>
        <Trash2 className="h-4 w-4" aria-hidden /> Delete collection
      </button>
      {del.error && <ErrorBanner error={del.error} />}
      <ConfirmDialog
        open={confirm}
        onOpenChange={setConfirm}
        title="Delete this collection?"
        confirmLabel="Delete"
        busy={del.isPending}
        onConfirm={() =>
          del.mutate(collection.id, {
            onSuccess: () => void navigate('/collections'),
            onSettled: () => setConfirm(false),
          })
        }
      >
        Its images stay in your library.
      </ConfirmDialog>
    </>
  );
}
