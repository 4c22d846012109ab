import type { ReactNode } from 'react';
import { AlertTriangle, Loader2, RotateCw } from 'lucide-react';
import { describeError } from '../api/errors';
import { ApiError } from '../api/client';
import { cn } from '../lib/format';
import { SignInCard } from './SignIn';

export function Spinner({ className, label = 'Loading' }: { className?: string; label?: string }) {
  return (
    <span role="status" aria-label={label} className={cn('inline-flex', className)}>
      <Loader2 className="h-5 w-5 animate-spin text-fg-subtle" aria-hidden />
    </span>
  );
}

export function PageSpinner() {
  return (
    <div className="flex min-h-[40vh] items-center justify-center">
      <Spinner />
    </div>
  );
}

export function Skeleton({ className }: { className?: string }) {
  return (
    <div className={cn('relative overflow-hidden rounded-xl bg-surface-2', className)} aria-hidden>
      <div className="absolute inset-0 -translate-x-full animate-shimmer bg-gradient-to-r from-transparent via-white/5 to-transparent" />
    </div>
  );
}

export function EmptyState({
  icon,
  title,
  children,
  action,
  className,
}: {
  icon?: ReactNode;
  title: string;
  children?: ReactNode;
  action?: ReactNode;
  className?: string;
}) {
  return (
    <div className={cn('flex flex-col items-center justify-center px-6 py-16 text-center', className)}>
      {icon && (
        <div className="mb-4 flex h-12 w-12 items-center justify-center rounded-2xl bg-surface-2 text-fg-subtle">
          {icon}
        </div>
      )}
      <h2 className="text-base font-semibold text-fg">{title}</h2>
      {children && <div className="mt-1.5 max-w-sm text-sm text-fg-muted">{children}</div>}
      {action && <div className="mt-5">{action}</div>}
    </div>
  );
}

export function ErrorState({ error, onRetry, className }: { error: unknown; onRetry?: () => void; className?: string }) {
  // Signed out (on a server with sign-in): the way forward is signing in, not an error message.
  if (error instanceof ApiError && error.code === 'unauthenticated') return <SignInCard />;
  const { title, detail } = describeError(error);
  // Retrying cannot fix a missing or forbidden thing.
  const final = error instanceof ApiError && ['not_found', 'forbidden', 'unauthenticated'].includes(error.code);
  return (
    <EmptyState
      className={className}
      icon={<AlertTriangle className="h-5 w-5 text-amber-500" aria-hidden />}
      title={title}
      action={
        onRetry &&
        !final && (
          <button type="button" className="btn-secondary" onClick={onRetry}>
            <RotateCw className="h-4 w-4" aria-hidden /> Try again
          </button>
        )
      }
    >
      {detail}
    </EmptyState>
  );
}

export function ErrorBanner({ error, className }: { error: unknown; className?: string }) {
  const { title, detail } = describeError(error);
  return (
    <div
      role="alert"
      className={cn(
        'flex gap-3 rounded-xl border border-red-500/30 bg-red-500/10 px-3.5 py-3 text-sm text-red-700 dark:text-red-300',
        className,
      )}
    >
      <AlertTriangle className="mt-0.5 h-4 w-4 shrink-0" aria-hidden />
      <div>
        <p className="font-medium">{title}</p>
        {detail && <p className="mt-0.5 opacity-90">{detail}</p>}
      </div>
    </div>
  );
}
