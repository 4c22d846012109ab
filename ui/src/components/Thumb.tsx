import { useState } from 'react';
import { cn } from '../lib/format';
import type { Image } from '../api/types';

/** A thumbnail (or the original, with `full`) over its blurred placeholder until it loads. */
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
  const [loaded, setLoaded] = useState(false);
  return (
    <div className={cn('relative overflow-hidden bg-surface-2', className)}>
      {image.placeholder && !loaded && (
        <img
          src={image.placeholder}
          alt=""
          aria-hidden
          className="absolute inset-0 h-full w-full scale-110 object-cover blur-xl"
        />
      )}
      <img
        src={full ? image.url : image.thumb_url}
        alt={alt ?? image.record.params.prompt}
        loading="lazy"
        decoding="async"
        draggable={false}
        onLoad={() => setLoaded(true)}
        className={cn(
          'relative h-full w-full transition-opacity duration-300',
          full ? 'object-contain' : 'object-cover',
          loaded ? 'opacity-100' : 'opacity-0',
          imgClassName,
        )}
      />
    </div>
  );
}

/** The original at its own aspect ratio, fitted into the viewport, over its blurred placeholder. */
export function FullImage({ image, className }: { image: Image; className?: string }) {
  const [loaded, setLoaded] = useState(false);
  return (
    <div className={cn('relative inline-block max-w-full overflow-hidden rounded-lg', className)}>
      {image.placeholder && !loaded && (
        <img src={image.placeholder} alt="" aria-hidden className="absolute inset-0 h-full w-full scale-110 object-cover blur-2xl" />
      )}
      <img
        src={image.url}
        alt={image.record.params.prompt}
        width={image.width}
        height={image.height}
        onLoad={() => setLoaded(true)}
        className={cn(
          'relative block h-auto max-h-[calc(100vh-9rem)] w-auto max-w-full transition-opacity duration-300',
          loaded ? 'opacity-100' : 'opacity-0',
        )}
      />
    </div>
  );
}
