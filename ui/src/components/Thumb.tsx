import { useLayoutEffect, useRef, useState } from 'react';
import { Lock, Play } from 'lucide-react';
import { cn } from '../lib/format';
import type { Image } from '../api/types';
import { useMediaUrl } from '../api/context';

/** Whether an <img> already holds its picture when it mounts (from the memory cache): then it is shown at
 * once, with no placeholder and no fade. Scrolling back over the library mounts many such tiles. */
function useLoaded() {
  const ref = useRef<HTMLImageElement>(null);
  const [state, setState] = useState<'loading' | 'cached' | 'loaded'>('loading');
  useLayoutEffect(() => {
    const img = ref.current;
    if (img?.complete && img.naturalWidth > 0) setState('cached');
  }, []);
  return {
    ref,
    loaded: state !== 'loading',
    // Fade in only what actually loaded after mounting.
    fade: state === 'cached' ? '' : 'transition-opacity duration-300',
    onLoad: () => setState((s) => (s === 'loading' ? 'loaded' : s)),
  };
}

/** Whether the original is a video (its thumbnail is its first frame, as an image). */
export function isVideo(image: Pick<Image, 'mime'>): boolean {
  return image.mime.startsWith('video/');
}

/** A thumbnail (or the original, with `full`) over its placeholder until it loads. The placeholder is the
 * server's already-blurred 16 px image, scaled up; no CSS blur filter, which is costly across a grid. */
export function Thumb({
  image,
  full = false,
  className,
  imgClassName,
  alt,
}: {
  image: Image;
  full?: boolean;
  className?: string;
  imgClassName?: string;
  alt?: string;
}) {
  const { ref, loaded, fade, onLoad } = useLoaded();
  const media = useMediaUrl();
  return (
    <div className={cn('relative overflow-hidden bg-surface-2', className)}>
      {image.placeholder && !loaded && (
        <img src={image.placeholder} alt="" aria-hidden className="absolute inset-0 h-full w-full object-cover" />
      )}
      <img
        ref={ref}
        src={media(full && !image.locked && !isVideo(image) ? image.url : image.thumb_url)}
        alt={alt ?? (image.locked ? `In the premium collection ${image.locked.title}` : image.record.params.prompt)}
        loading="lazy"
        decoding="async"
        draggable={false}
        onLoad={onLoad}
        className={cn(
          'relative h-full w-full',
          fade,
          full ? 'object-contain' : 'object-cover',
          loaded ? 'opacity-100' : 'opacity-0',
          imgClassName,
        )}
      />
      {image.locked && <LockBadge />}
      {isVideo(image) && <VideoBadge />}
    </div>
  );
}

/** Marks a video in a grid of pictures. */
function VideoBadge() {
  return (
    <span className="pointer-events-none absolute bottom-2 right-2 inline-flex items-center gap-1 rounded-full bg-black/60 px-2 py-0.5 text-[11px] font-medium text-white">
      <Play className="h-3 w-3 fill-current" aria-hidden /> Video
    </span>
  );
}

/** Marks an image withheld by a premium collection the viewer has not unlocked. */
function LockBadge() {
  return (
    <span className="pointer-events-none absolute left-2 top-2 inline-flex items-center gap-1 rounded-full bg-black/60 px-2 py-0.5 text-[11px] font-medium text-white">
      <Lock className="h-3 w-3" aria-hidden /> Premium
    </span>
  );
}

/** The original at its own aspect ratio, fitted into the viewport, over its blurred placeholder. */
export function FullImage({ image, className }: { image: Image; className?: string }) {
  const { ref, loaded, fade, onLoad } = useLoaded();
  const media = useMediaUrl();
  if (isVideo(image) && !image.locked) {
    return (
      <div className={cn('relative inline-block max-w-full overflow-hidden rounded-lg', className)}>
        <video
          src={media(image.url)}
          poster={media(image.thumb_url)}
          controls
          loop
          playsInline
          preload="metadata"
          width={image.width}
          height={image.height}
          aria-label={image.record.params.prompt}
          className="relative block h-auto max-h-[calc(100vh-9rem)] w-auto max-w-full bg-black"
        />
      </div>
    );
  }
  return (
    <div className={cn('relative inline-block max-w-full overflow-hidden rounded-lg', className)}>
      {image.placeholder && !loaded && (
        <img src={image.placeholder} alt="" aria-hidden className="absolute inset-0 h-full w-full scale-110 object-cover blur-2xl" />
      )}
      <img
        ref={ref}
        src={media(image.locked ? image.thumb_url : image.url)}
        alt={image.locked ? `In the premium collection ${image.locked.title}` : image.record.params.prompt}
        width={image.width}
        height={image.height}
        onLoad={onLoad}
        className={cn(
          'relative block h-auto max-h-[calc(100vh-9rem)] w-auto max-w-full',
          fade,
          loaded ? 'opacity-100' : 'opacity-0',
        )}
      />
      {image.locked && <LockBadge />}
    </div>
  );
}
