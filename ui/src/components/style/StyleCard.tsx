// A creator's style fingerprint as a card: the palette of their work as one bar of its dominant colours,
// the models they use most as share bars, and their styles and subjects as chips.

import { Palette } from 'lucide-react';
import { useStyle } from '../../api/styleHooks';
import type { Share } from '../../api/types';
import { Skeleton } from '../ui';

const percent = (share: number) => `${Math.round(share * 100)}%`;

function Chips({ label, items }: { label: string; items: Share[] }) {
  if (items.length === 0) return null;
  return (
    <div>
      <h3 className="mb-1.5 text-xs font-medium text-fg-subtle">{label}</h3>
      <ul className="flex flex-wrap gap-1.5" aria-label={label}>
        {items.map((s) => (
          <li key={s.id} className="chip py-1 text-xs text-fg" title={`${s.images} ${s.images === 1 ? 'image' : 'images'}`}>
            {s.name}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** `userId`: whose (their public work); none: the caller's own, from all their images. */
export function StyleCard({ userId, title, className }: { userId?: string; title: string; className?: string }) {
  const style = useStyle(userId);
  if (style.isPending) return <Skeleton className={`h-36 ${className ?? ''}`} />;
  if (style.isError || style.data.images === 0) return null;
  const s = style.data;
  return (
    <section className={`card p-5 ${className ?? ''}`} aria-label={title}>
      <div className="mb-4 flex items-baseline gap-2">
        <h2 className="flex items-center gap-1.5 text-sm font-semibold">
          <Palette className="h-4 w-4 text-fg-muted" aria-hidden /> {title}
        </h2>
        <span className="text-xs text-fg-subtle">
          from {s.images.toLocaleString('en-US')} {s.images === 1 ? 'image' : 'images'}
        </span>
      </div>
      <div className="grid gap-6 md:grid-cols-3">
        <div>
          <h3 className="mb-1.5 text-xs font-medium text-fg-subtle">Colours</h3>
          <div className="flex h-10 overflow-hidden rounded-lg ring-1 ring-line" role="img" aria-label={`Palette: ${s.colours.map((c) => `${c.hex} ${percent(c.share)}`).join(', ')}`}>
            {s.colours.map((c) => (
              <div key={c.hex} style={{ backgroundColor: c.hex, flexGrow: c.share }} title={`${c.hex} · ${percent(c.share)}`} />
            ))}
          </div>
          <ul className="mt-2 flex flex-wrap gap-x-3 gap-y-1 font-mono text-[11px] text-fg-muted">
            {s.colours.map((c) => (
              <li key={c.hex} className="flex items-center gap-1">
                <span className="h-2.5 w-2.5 rounded-sm" style={{ backgroundColor: c.hex }} aria-hidden />
                {c.hex} <span className="text-fg-subtle">{percent(c.share)}</span>
              </li>
            ))}
          </ul>
        </div>
        <div>
          <h3 className="mb-1.5 text-xs font-medium text-fg-subtle">Models</h3>
          <ul className="space-y-1.5" aria-label="Models">
            {s.models.map((m) => (
              <li key={m.id} className="text-xs">
                <div className="mb-0.5 flex justify-between gap-2">
                  <span className="truncate text-fg">{m.name}</span>
                  <span className="tabular-nums text-fg-muted">{percent(m.share)}</span>
                </div>
                <div className="h-1.5 rounded-full bg-surface-3">
                  <div className="h-1.5 rounded-full bg-accent" style={{ width: percent(m.share) }} />
                </div>
              </li>
            ))}
          </ul>
        </div>
        <div className="space-y-3">
          <Chips label="Subjects" items={s.subjects} />
          <Chips label="Styles" items={s.styles} />
        </div>
      </div>
    </section>
  );
}
