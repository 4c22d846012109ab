import { Search } from 'lucide-react';
import { useCatalogue } from '../api/hooks';
import { cn } from '../lib/format';
import type { MediaKind } from '../api/types';

/** A search box with its icon and a label for screen readers (the library's and explore's). */
export function SearchField({
  id,
  label,
  value,
  onChange,
  className,
}: {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  className?: string;
}) {
  return (
    <div className={cn('relative w-full', className)}>
      <Search className="pointer-events-none absolute left-3 top-2.5 h-4 w-4 text-fg-subtle" aria-hidden />
      <label htmlFor={id} className="sr-only">
        {label}
      </label>
      <input
        id={id}
        type="search"
        className="input pl-9"
        placeholder={label}
        value={value}
        onChange={(e) => onChange(e.target.value)}
      />
    </div>
  );
}

/** "All models" or one model of the catalogue. */
export function ModelSelect({
  id,
  value,
  onChange,
  className,
}: {
  id: string;
  value: string;
  onChange: (value: string) => void;
  className?: string;
}) {
  const catalogue = useCatalogue();
  return (
    <>
      <label htmlFor={id} className="sr-only">
        Model
      </label>
      <select id={id} className={cn('input w-full', className)} value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">All models</option>
        {catalogue.data?.models.map((m) => (
          <option key={m.id} value={m.id}>
            {m.name}
          </option>
        ))}
      </select>
    </>
  );
}

/** Images and videos, or only one of them. */
export function MediaSelect({
  id,
  value,
  onChange,
  className,
}: {
  id: string;
  value: MediaKind | '';
  onChange: (value: MediaKind | '') => void;
  className?: string;
}) {
  return (
    <>
      <label htmlFor={id} className="sr-only">
        Images or videos
      </label>
      <select
        id={id}
        className={cn('input w-full', className)}
        value={value}
        onChange={(e) => onChange(e.target.value === 'image' || e.target.value === 'video' ? e.target.value : '')}
      >
        <option value="">Images and videos</option>
        <option value="image">Images only</option>
        <option value="video">Videos only</option>
      </select>
    </>
  );
}
