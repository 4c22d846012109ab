// The reason every admin action asks for: 3–500 characters, kept in the audit log.

import { cn } from '../../lib/format';

/** Whether a typed reason is long enough to send. */
export function reasonReady(reason: string): boolean {
  return reason.trim().length >= 3;
}

export function ReasonField({
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
    <>
      <label className="sr-only" htmlFor={id}>
        {label}
      </label>
      <input
        id={id}
        className={cn('input h-8', className)}
        placeholder={`${label} (kept in the audit log)`}
        maxLength={500}
        value={value}
        onChange={(e) => onChange(e.target.value)}
      />
    </>
  );
}
