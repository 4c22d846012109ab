import { useRef, type KeyboardEvent, type ReactNode } from 'react';
import { cn } from '../lib/format';

export type RadioOption = { value: string; label: ReactNode; title?: string };

/**
 * A row of buttons that behaves as one radio group: one tab stop, arrow keys move and select
 * (the WAI-ARIA radio group pattern).
 */
export function RadioCards({
  label,
  options,
  value,
  onChange,
  className,
  itemClassName,
}: {
  label: string;
  options: RadioOption[];
  value: string | null;
  onChange: (value: string) => void;
  className?: string;
  itemClassName?: (checked: boolean) => string;
}) {
  const refs = useRef<Array<HTMLButtonElement | null>>([]);
  const current = options.findIndex((o) => o.value === value);
  const focusable = current === -1 ? 0 : current;

  const onKeyDown = (e: KeyboardEvent, i: number) => {
    const step = e.key === 'ArrowRight' || e.key === 'ArrowDown' ? 1 : e.key === 'ArrowLeft' || e.key === 'ArrowUp' ? -1 : 0;
    if (!step) return;
    e.preventDefault();
    const next = (i + step + options.length) % options.length;
    const opt = options[next];
    if (!opt) return;
    onChange(opt.value);
    refs.current[next]?.focus();
  };

  return (
    <div role="radiogroup" aria-label={label} className={className}>
      {options.map((o, i) => {
        const checked = i === current;
        return (
          <button
            key={o.value}
            ref={(el) => {
              refs.current[i] = el;
            }}
            type="button"
            role="radio"
            aria-checked={checked}
            tabIndex={i === focusable ? 0 : -1}
            title={o.title}
            onClick={() => onChange(o.value)}
            onKeyDown={(e) => onKeyDown(e, i)}
            className={cn(itemClassName?.(checked))}
          >
            {o.label}
          </button>
        );
      })}
    </div>
  );
}
