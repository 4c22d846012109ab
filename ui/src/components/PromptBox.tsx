// The prompt textarea with its character count and submit shortcut hint, shared by Create and Compare.

import { MAX_PROMPT_CHARS } from './createState';
import { cn } from '../lib/format';

const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent);

type Props = {
  id: string;
  value: string;
  onChange: (value: string) => void;
  placeholder: string;
  rows: number;
  /** The verb the keyboard shortcut performs ("generate", "compare"). */
  action: string;
  className?: string;
};

export function PromptBox({ id, value, onChange, placeholder, rows, action, className }: Props) {
  const chars = [...value].length;
  const tooLong = chars > MAX_PROMPT_CHARS;
  return (
    <div className={cn('p-4 pb-3', className)}>
      <label htmlFor={`${id}-prompt`} className="sr-only">
        Prompt
      </label>
      <textarea
        id={`${id}-prompt`}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        placeholder={placeholder}
        rows={rows}
        autoFocus
        aria-describedby={`${id}-count`}
        aria-invalid={tooLong}
        className="block w-full resize-none bg-transparent text-[15px] leading-relaxed text-fg placeholder:text-fg-subtle focus:outline-none focus-visible:ring-0 focus-visible:ring-offset-0"
      />
      <div className="mt-2 flex items-center justify-between text-xs text-fg-subtle">
        <span className="hidden sm:inline">
          <kbd className="rounded border border-line bg-surface-2 px-1 font-sans">{isMac ? '⌘' : 'Ctrl'}</kbd> +{' '}
          <kbd className="rounded border border-line bg-surface-2 px-1 font-sans">Enter</kbd> to {action}
        </span>
        <span id={`${id}-count`} className={cn('tabular-nums', tooLong && 'font-medium text-red-500')} aria-live="polite">
          {chars.toLocaleString('en-US')} / {MAX_PROMPT_CHARS.toLocaleString('en-US')}
        </span>
      </div>
    </div>
  );
}
