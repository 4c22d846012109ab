import { Link } from 'react-router';
import { Heart, MessageCircle } from 'lucide-react';
import type { PublicImage } from '../../api/types';
import { useLikeImage } from '../../api/socialHooks';
import { Thumb } from '../Thumb';
import { useMediaUrl } from '../../api/context';
import { cn } from '../../lib/format';
import { useImageHref } from '../../api/community';

/** One public image in explore, the feed or a profile: the picture, who made it, likes and comments. */
export function PublicImageCard({ item, signedIn }: { item: PublicImage; signedIn: boolean }) {
  const like = useLikeImage();
  const href = useImageHref();
  const { image, creator } = item;
  return (
    <article className="group overflow-hidden rounded-xl border border-line bg-surface-1">
      <Link to={href(image.id)} className="block" aria-label={image.record.params.prompt}>
        <Thumb image={image} className="aspect-square" imgClassName="transition-transform duration-300 group-hover:scale-[1.03]" />
      </Link>
      <div className="flex items-center gap-2 px-3 py-2">
        <Link to={`/u/${creator.username}`} className="flex min-w-0 items-center gap-2 text-sm font-medium hover:underline">
          <Avatar name={creator.username} url={creator.avatar_url} />
          <span className="truncate">{creator.username}</span>
        </Link>
        <span className="ml-auto flex items-center gap-3 text-xs tabular-nums text-fg-muted">
          <button
            type="button"
            className={cn('flex items-center gap-1 rounded-md px-1 py-0.5 hover:text-fg disabled:cursor-default', item.liked && 'text-rose-500')}
            aria-pressed={item.liked}
            aria-label={item.liked ? `Unlike (${item.likes} likes)` : `Like (${item.likes} likes)`}
            title={signedIn ? undefined : 'Sign in to like'}
            disabled={!signedIn || like.isPending}
            onClick={() => like.mutate({ imageId: image.id, like: !item.liked })}
          >
            <Heart className={cn('h-4 w-4', item.liked && 'fill-current')} aria-hidden /> {item.likes}
          </button>
          <span className="flex items-center gap-1" aria-label={`${item.comments} comments`}>
            <MessageCircle className="h-4 w-4" aria-hidden /> {item.comments}
          </span>
        </span>
      </div>
    </article>
  );
}

/** A person's initial on a colour drawn from their name, so the same person looks the same everywhere. */
export function Avatar({ name, size = 'sm', url }: { name: string; size?: 'sm' | 'lg'; url?: string }) {
  const media = useMediaUrl();
  if (url)
    return (
      <img
        src={media(url)}
        alt=""
        className={cn('shrink-0 rounded-full bg-surface-2 object-cover', size === 'sm' ? 'h-6 w-6' : 'h-16 w-16')}
      />
    );
  let hash = 0;
  for (const ch of name) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
  const hue = hash % 360;
  return (
    <span
      aria-hidden
      className={cn(
        'inline-flex shrink-0 items-center justify-center rounded-full font-semibold uppercase text-white',
        size === 'sm' ? 'h-6 w-6 text-[11px]' : 'h-16 w-16 text-2xl',
      )}
      style={{ background: `hsl(${hue} 55% 45%)` }}
    >
      {name.slice(0, 1)}
    </span>
  );
}

/** A grid of public images with "Load more" while there are more pages. */
export function PublicImageGrid({
  items,
  signedIn,
  hasMore,
  loadingMore,
  onMore,
}: {
  items: PublicImage[];
  signedIn: boolean;
  hasMore: boolean;
  loadingMore: boolean;
  onMore: () => void;
}) {
  return (
    <>
      <div className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-4 xl:grid-cols-5">
        {items.map((item) => (
          <PublicImageCard key={item.image.id} item={item} signedIn={signedIn} />
        ))}
      </div>
      {hasMore && (
        <div className="mt-6 flex justify-center">
          <button type="button" className="btn-secondary" disabled={loadingMore} onClick={onMore}>
            {loadingMore ? 'Loading…' : 'Load more'}
          </button>
        </div>
      )}
    </>
  );
}
