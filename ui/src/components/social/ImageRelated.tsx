import type { ReactNode } from 'react';
import { Link } from 'react-router';
import type { PublicImage } from '../../api/types';
import { useMoreFrom, usePublicImage, useRemixes } from '../../api/socialHooks';
import { Thumb } from '../Thumb';
import { useImageHref } from '../../api/community';

/** Under an image's record: its public remixes and more public work from its creator. */
export function ImageRelated({ imageId }: { imageId: string }) {
  const image = usePublicImage(imageId);
  const creator = image.data?.creator;
  const remixes = useRemixes(imageId);
  const more = useMoreFrom(creator?.id);
  const others = (more.data?.images ?? []).filter((p) => p.image.id !== imageId).slice(0, 8);
  return (
    <>
      {(remixes.data?.images.length ?? 0) > 0 && (
        <Strip title="Remixes" items={remixes.data?.images ?? []} />
      )}
      {creator && others.length > 0 && (
        <Strip
          title={
            <>
              More from{' '}
              <Link to={`/u/${creator.username}`} className="text-accent hover:underline">
                @{creator.username}
              </Link>
            </>
          }
          items={others}
        />
      )}
    </>
  );
}

function Strip({ title, items }: { title: ReactNode; items: PublicImage[] }) {
  const href = useImageHref();
  return (
    <section className="card p-4">
      <h2 className="mb-3 text-xs font-medium uppercase tracking-wider text-fg-subtle">{title}</h2>
      <ul className="grid grid-cols-4 gap-2">
        {items.map(({ image }) => (
          <li key={image.id}>
            <Link to={href(image.id)} aria-label={image.record.params.prompt} className="block overflow-hidden rounded-lg">
              <Thumb image={image} className="aspect-square" />
            </Link>
          </li>
        ))}
      </ul>
    </section>
  );
}
