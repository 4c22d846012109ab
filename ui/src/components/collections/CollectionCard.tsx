// A collection in a grid: its cover (as the viewer may see it), title, count, and whether it is
// private or premium.

import { Link } from 'react-router';
import { FolderHeart, Lock, EyeOff } from 'lucide-react';
import type { Collection } from '../../api/types';
import { useMediaUrl } from '../../api/context';
import { formatCredits } from '../../lib/format';

export function CollectionCard({ collection }: { collection: Collection }) {
  const media = useMediaUrl();
  const c = collection;
  return (
    <Link
      to={`/collections/${c.id}`}
      className="group card block overflow-hidden transition hover:border-accent/60"
      aria-label={`Collection ${c.title}`}
    >
      <div className="relative aspect-[4/3] bg-surface-2">
        {c.cover_image_id ? (
          <img
            src={media(`/media/${c.cover_image_id}/thumb`)}
            alt=""
            loading="lazy"
            className="h-full w-full object-cover transition group-hover:scale-[1.02]"
          />
        ) : (
          <div className="flex h-full items-center justify-center text-fg-subtle">
            <FolderHeart className="h-10 w-10" aria-hidden />
          </div>
        )}
        <div className="absolute left-2 top-2 flex gap-1">
          {c.visibility === 'private' && (
            <span className="inline-flex items-center gap-1 rounded-full bg-black/60 px-2 py-0.5 text-[11px] font-medium text-white">
              <EyeOff className="h-3 w-3" aria-hidden /> Private
            </span>
          )}
          {c.price > 0 && (
            <span className="inline-flex items-center gap-1 rounded-full bg-amber-500/90 px-2 py-0.5 text-[11px] font-semibold text-black">
              {!c.unlocked && <Lock className="h-3 w-3" aria-hidden />} {formatCredits(c.price)}
            </span>
          )}
        </div>
      </div>
      <div className="p-3">
        <p className="truncate text-sm font-medium">{c.title}</p>
        <p className="text-xs text-fg-subtle">
          {c.image_count} {c.image_count === 1 ? 'image' : 'images'}
          {!c.mine && ` · @${c.owner.username}`}
        </p>
      </div>
    </Link>
  );
}
