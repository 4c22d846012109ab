// The owner's Private / Public switch, for an image or a whole set.

import { Globe, Lock } from 'lucide-react';
import { RadioCards } from './RadioCards';
import { cn } from '../lib/format';
import type { Visibility } from '../api/types';

const LABELS: Record<Visibility, { label: string; icon: typeof Lock }> = {
  private: { label: 'Private', icon: Lock },
  public: { label: 'Public', icon: Globe },
};

export function VisibilitySwitch({
  value,
  onChange,
  label = 'Visibility',
  className,
}: {
  value: Visibility;
  onChange: (v: Visibility) => void;
  label?: string;
  className?: string;
}) {
  return (
    <RadioCards
      label={label}
      className={cn('grid grid-cols-2 gap-1 rounded-xl bg-surface-2 p-1', className)}
      value={value}
      onChange={(v) => onChange(v as Visibility)}
      options={(['private', 'public'] as const).map((v) => {
        const { label: text, icon: Icon } = LABELS[v];
        return {
          value: v,
          label: (
            <>
              <Icon className="h-4 w-4" aria-hidden /> {text}
            </>
          ),
        };
      })}
      itemClassName={(checked) =>
        cn(
          'flex h-8 items-center justify-center gap-1.5 rounded-lg text-sm font-medium transition-colors',
          checked ? 'bg-surface-1 text-fg shadow-sm ring-1 ring-accent/50' : 'text-fg-muted hover:text-fg',
        )
      }
    />
  );
}
