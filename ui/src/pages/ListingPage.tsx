// One prompt for sale: its samples, description, tags, price and reviews. Its buyers, its seller and
// admins read the prompt itself here; a buyer reviews it (1-5 stars, changed at will); its seller
// unpublishes it (buyers keep it).

import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { Check, Copy, Lock, ShoppingCart, Star } from 'lucide-react';
import { useBuyListing, useListing, useReviewListing, useReviews, useUnpublishListing } from '../api/marketHooks';
import { useMediaUrl } from '../api/context';
import { useImageHref } from '../api/community';
import type { Listing } from '../api/types';
import { Avatar } from '../components/social/PublicImageCard';
import { Stars } from '../components/market/ListingCard';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { PayWithCredits } from '../components/credits/PayWithCredits';
import { ErrorBanner, ErrorState, PageSpinner } from '../components/ui';
import { cn, formatCredits, formatRelative } from '../lib/format';
import { useTitle } from '../lib/title';

export function ListingPage() {
  const { id } = useParams();
  const listing = useListing(id);
  useTitle(listing.data?.title ?? 'Prompt');
  if (listing.isPending) return <PageSpinner />;
  if (listing.isError) return <ErrorState className="min-h-[50vh]" error={listing.error} onRetry={() => void listing.refetch()} />;
  return <ListingView listing={listing.data} />;
}

function ListingView({ listing }: { listing: Listing }) {
  const media = useMediaUrl();
  const imageHref = useImageHref();
  return (
    <div className="mx-auto grid max-w-6xl gap-6 px-4 py-6 sm:px-6 lg:grid-cols-[1fr_380px]">
      <div className="space-y-4">
        <div className="grid grid-cols-2 gap-3">
          {listing.samples.map((s, i) => (
            <Link key={s} to={imageHref(s)} className={cn('overflow-hidden rounded-xl bg-surface-2', i === 0 ? 'col-span-2 aspect-[4/3]' : 'aspect-square')}>
              <img src={media(`/media/${s}/thumb`)} alt={`Sample ${i + 1}`} className="h-full w-full object-cover" />
            </Link>
          ))}
        </div>
        <Reviews listing={listing} />
      </div>
      <aside className="space-y-4">
        <section className="card space-y-3 p-5">
          <h1 className="text-xl font-semibold">{listing.title}</h1>
          <Link to={`/u/${listing.seller.username}`} className="flex items-center gap-2 text-sm hover:underline">
            <Avatar name={listing.seller.username} url={listing.seller.avatar_url} />
            {listing.seller.username}
          </Link>
          <Stars rating={listing.rating} reviews={listing.reviews} />
          {listing.description && <p className="whitespace-pre-line text-sm text-fg-muted">{listing.description}</p>}
          <div className="flex flex-wrap gap-1.5">
            {listing.tags.map((t) => (
              <Link key={t} to={`/market?tag=${encodeURIComponent(t)}`} className="chip">
                #{t}
              </Link>
            ))}
          </div>
          <p className="text-xs text-fg-subtle">
            {listing.sales} {listing.sales === 1 ? 'sale' : 'sales'}
            {listing.model ? ` · for ${listing.model}` : ''}
            {!listing.listed && ' · no longer for sale'}
          </p>
        </section>
        <PromptBox listing={listing} />
      </aside>
    </div>
  );
}

function PromptBox({ listing }: { listing: Listing }) {
  const buy = useBuyListing();
  const unpublish = useUnpublishListing();
  const [confirm, setConfirm] = useState(false);
  const [copied, setCopied] = useState(false);
  if (listing.prompt !== undefined) {
    return (
      <section className="card space-y-3 p-5" aria-label="The prompt">
        <div className="flex items-center gap-2">
          <h2 className="text-sm font-semibold">{listing.mine ? 'Your prompt' : 'Your purchase'}</h2>
          <button
            type="button"
            className="btn-ghost ml-auto h-7 px-2 text-xs"
            onClick={() => {
              void navigator.clipboard?.writeText(listing.prompt ?? '');
              setCopied(true);
            }}
          >
            {copied ? <Check className="h-3.5 w-3.5" aria-hidden /> : <Copy className="h-3.5 w-3.5" aria-hidden />}
            {copied ? 'Copied' : 'Copy'}
          </button>
        </div>
        <p className="whitespace-pre-wrap rounded-lg bg-surface-2 p-3 font-mono text-sm" aria-label="Prompt text">
          {listing.prompt}
        </p>
        {listing.negative_prompt && (
          <p className="text-xs text-fg-muted">
            <span className="font-medium">Negative:</span> {listing.negative_prompt}
          </p>
        )}
        {listing.mine && listing.listed && (
          <>
            <button type="button" className="btn-secondary w-full" onClick={() => setConfirm(true)}>
              Unpublish
            </button>
            <ConfirmDialog
              open={confirm}
              onOpenChange={setConfirm}
              title="Stop selling this prompt?"
              confirmLabel="Unpublish"
              busy={unpublish.isPending}
              onConfirm={() => unpublish.mutate(listing.id, { onSuccess: () => setConfirm(false) })}
            >
              It leaves the market; everyone who bought it keeps it.
            </ConfirmDialog>
          </>
        )}
        {unpublish.error && <ErrorBanner error={unpublish.error} />}
      </section>
    );
  }
  return (
    <section className="card space-y-3 p-5" aria-label="Buy this prompt">
      <p className="flex items-center gap-2 text-sm text-fg-muted">
        <Lock className="h-4 w-4" aria-hidden /> The prompt is shown once you buy it.
      </p>
      <p className="text-2xl font-semibold tabular-nums">{formatCredits(listing.price)}</p>
      <PayWithCredits
        price={listing.price}
        label={`Buy for ${formatCredits(listing.price)}`}
        busyLabel="Buying…"
        signInLabel="Sign in to buy"
        icon={<ShoppingCart className="h-4 w-4" aria-hidden />}
        busy={buy.isPending}
        disabled={!listing.listed}
        onPay={() => buy.mutate(listing.id)}
      />
      {buy.error && <ErrorBanner error={buy.error} />}
    </section>
  );
}

function Reviews({ listing }: { listing: Listing }) {
  const reviews = useReviews(listing.id);
  const review = useReviewListing();
  const [stars, setStars] = useState(0);
  const [body, setBody] = useState('');
  const list = reviews.data?.reviews ?? [];
  return (
    <section className="card p-5" aria-labelledby="reviews">
      <h2 id="reviews" className="text-sm font-semibold">
        Reviews
      </h2>
      {listing.owned && (
        <form
          className="mt-3 space-y-2 rounded-lg border border-line p-3"
          onSubmit={(e) => {
            e.preventDefault();
            if (stars < 1) return;
            review.mutate({ listing_id: listing.id, stars, ...(body.trim() ? { body } : {}) });
          }}
        >
          <div className="flex items-center gap-1" role="radiogroup" aria-label="Your rating">
            {[1, 2, 3, 4, 5].map((n) => (
              <button
                key={n}
                type="button"
                role="radio"
                aria-checked={stars === n}
                aria-label={`${n} ${n === 1 ? 'star' : 'stars'}`}
                className="rounded p-0.5 hover:bg-surface-2"
                onClick={() => setStars(n)}
              >
                <Star className={cn('h-5 w-5', n <= stars ? 'fill-amber-400 text-amber-400' : 'text-fg-subtle')} aria-hidden />
              </button>
            ))}
          </div>
          <textarea
            className="input h-16 w-full resize-none py-2"
            maxLength={1000}
            placeholder="What did it do for you? (optional)"
            aria-label="Your review"
            value={body}
            onChange={(e) => setBody(e.target.value)}
          />
          <button type="submit" className="btn-primary h-8" disabled={stars < 1 || review.isPending}>
            {review.isSuccess ? 'Saved' : 'Save review'}
          </button>
          {review.error && <ErrorBanner error={review.error} />}
        </form>
      )}
      {list.length === 0 ? (
        <p className="mt-3 text-sm text-fg-subtle">No reviews yet.</p>
      ) : (
        <ul className="mt-3 divide-y divide-line" aria-label="Reviews">
          {list.map((r) => (
            <li key={r.buyer.id} className="py-2.5 text-sm">
              <div className="flex items-center gap-2">
                <Avatar name={r.buyer.username} url={r.buyer.avatar_url} />
                <span className="font-medium">{r.buyer.username}</span>
                <span className="text-amber-400" aria-label={`${r.stars} of 5 stars`}>
                  {'★'.repeat(r.stars)}
                  <span className="text-fg-subtle">{'★'.repeat(5 - r.stars)}</span>
                </span>
                <span className="ml-auto text-xs text-fg-subtle">{formatRelative(r.updated_at)}</span>
              </div>
              {r.body && <p className="mt-1 whitespace-pre-line text-fg-muted">{r.body}</p>}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
