// One prompt for sale in the marketplace grid: its first sample, title, seller, rating and price.
// Never the prompt itself.

import { Link } from 'react-router';
import { Star } from 'lucide-react';
import type { Listing } from '../../api/types';
import { useMediaUrl } from '../../api/context';
import { Avatar } from '../social/PublicImageCard';
import { formatCredits } from '../../lib/format';

export function Stars({ rating, reviews }: { rating?: number; reviews: number }) {
  if (rating === undefined) return <span className="text-xs text-fg-subtle">No reviews yet</span>;
  return (
    <span className="inline-flex items-center gap-1 text-xs text-fg-muted" aria-label={`Rated ${rating} of 5 by ${reviews}`}>
      <Star className="h-3.5 w-3.5 fill-amber-400 text-amber-400" aria-hidden />
      <span className="tabular-nums">{rating.toFixed(1)}</span>
      <span className="text-fg-subtle">({reviews})</span>
    </span>
  );
}

export function ListingCard({ listing }: { listing: Listing }) {
  const media = useMediaUrl();
  const cover = listing.samples[0];
  return (
    <article className="group overflow-hidden rounded-xl border border-line bg-surface-1" aria-label={listing.title}>
      <Link to={`/market/${listing.id}`} className="block">
        <div className="aspect-[4/3] overflow-hidden bg-surface-2">
          {cover && (
            <img
              src={media(`/media/${cover}/thumb`)}
              alt=""
              loading="lazy"
              className="h-full w-full object-cover transition-transform duration-300 group-hover:scale-[1.03]"
            />
          )}
        </div>
        <div className="space-y-1.5 px-3 py-2.5">
          <div className="flex items-start gap-2">
            <h3 className="min-w-0 flex-1 truncate text-sm font-semibold">{listing.title}</h3>
            <span className="chip shrink-0 tabular-nums">{formatCredits(listing.price)}</span>
          </div>
          <div className="flex items-center gap-2 text-xs text-fg-muted">
            <Avatar name={listing.seller.username} url={listing.seller.avatar_url} />
            <span className="truncate">{listing.seller.username}</span>
            <span className="ml-auto">
              <Stars rating={listing.rating} reviews={listing.reviews} />
            </span>
          </div>
          <div className="flex flex-wrap gap-1 text-[11px]">
            {listing.owned && <span className="rounded bg-emerald-500/15 px-1.5 py-0.5 text-emerald-500">Owned</span>}
            {listing.mine && <span className="rounded bg-accent/15 px-1.5 py-0.5 text-accent">Yours</span>}
            {!listing.listed && <span className="rounded bg-surface-2 px-1.5 py-0.5 text-fg-muted">Unpublished</span>}
            {listing.tags.slice(0, 3).map((t) => (
              <span key={t} className="rounded bg-surface-2 px-1.5 py-0.5 text-fg-muted">
                #{t}
              </span>
            ))}
          </div>
        </div>
      </Link>
    </article>
  );
}
