// One account whole for admins: balance, images, sessions, recent ledger and the admin actions on it,
// with the changes an admin makes — credits adjusted with a reason, suspend or restore, the admin role,
// signing out everywhere. Every change asks for a reason, kept in the audit log.

import { useState, type FormEvent } from 'react';
import { Ban, LogOut, RotateCcw, ShieldMinus, ShieldPlus } from 'lucide-react';
import { useAccountAction, useAdjustCredits, useAdminUser, useSetAdmin, type AccountAction } from '../../api/adminHooks';
import { describeError } from '../../api/errors';
import type { User } from '../../api/types';
import { cn, formatBalance, formatBytes, formatDate, formatRelative } from '../../lib/format';
import { ErrorState, Spinner } from '../ui';
import { ACTION_WORDS } from './AuditLog';
import { ReasonField, reasonReady } from './ReasonField';
import { WarnAccount } from './WarnAccount';

export function UserBadges({ user }: { user: User }) {
  return (
    <>
      {user.role === 'admin' && <span className="chip h-5 px-1.5 text-[10px] text-accent">admin</span>}
      {user.suspended_at !== undefined && <span className="chip h-5 border-rose-500/40 px-1.5 text-[10px] text-rose-500">suspended</span>}
    </>
  );
}

function Stat({ label, value }: { label: string; value: string }) {
  return (
    <div className="rounded-lg bg-surface-2 px-3 py-2">
      <dt className="text-[11px] text-fg-muted">{label}</dt>
      <dd className="text-base font-semibold tabular-nums">{value}</dd>
    </div>
  );
}

export function UserDetail({ userId }: { userId: string }) {
  const detail = useAdminUser(userId);
  if (detail.isPending)
    return (
      <section className="card flex min-h-[24rem] items-center justify-center">
        <Spinner />
      </section>
    );
  if (detail.isError) return <ErrorState className="card" error={detail.error} onRetry={() => void detail.refetch()} />;
  const d = detail.data;
  return (
    <section className="card space-y-5 p-5" aria-label={`Account ${d.user.username}`}>
      <header>
        <div className="flex items-center gap-2">
          <h2 className="text-base font-semibold">{d.user.username}</h2>
          <UserBadges user={d.user} />
        </div>
        <p className="text-xs text-fg-muted">
          {d.user.email ?? 'no email'} · joined {formatDate(d.user.created_at)}
          {d.user.suspended_at !== undefined && ` · suspended ${formatRelative(d.user.suspended_at)}`}
        </p>
      </header>
      <dl className="grid grid-cols-2 gap-2 sm:grid-cols-4">
        <Stat label="Balance" value={formatBalance(d.balance)} />
        <Stat label="Owed" value={formatBalance(d.owed)} />
        <Stat label="Images" value={`${d.images} · ${formatBytes(d.image_bytes)}`} />
        <Stat label="Open sessions" value={String(d.sessions.length)} />
      </dl>
      <AdjustCredits key={userId} userId={userId} />
      <AccountActions user={d.user} />
      <WarnAccount key={`warn-${userId}`} userId={userId} username={d.user.username} />
      <div className="grid gap-5 md:grid-cols-2">
        <div>
          <h3 className="text-sm font-semibold">Recent ledger</h3>
          <ul className="mt-2 space-y-1 text-xs">
            {d.ledger.map((e) => (
              <li key={e.id} className="flex gap-2">
                <span className={cn('w-14 text-right font-medium tabular-nums', e.amount < 0 ? 'text-rose-500' : 'text-emerald-600 dark:text-emerald-400')}>
                  {e.amount > 0 ? '+' : ''}
                  {e.amount}
                </span>
                <span className="min-w-0 flex-1 truncate text-fg-muted" title={e.memo}>
                  {e.kind} · {e.memo}
                </span>
                <span className="text-fg-subtle">{formatRelative(e.created_at)}</span>
              </li>
            ))}
            {d.ledger.length === 0 && <li className="text-fg-muted">No entries yet.</li>}
          </ul>
        </div>
        <div>
          <h3 className="text-sm font-semibold">Admin actions on this account</h3>
          <ul className="mt-2 space-y-1 text-xs">
            {d.actions.map((a) => (
              <li key={a.id} className="text-fg-muted">
                <span className="font-medium text-fg">{ACTION_WORDS[a.kind]}</span> by {a.admin.username} — “{a.reason}” ·{' '}
                {formatRelative(a.created_at)}
              </li>
            ))}
            {d.actions.length === 0 && <li className="text-fg-muted">None.</li>}
          </ul>
        </div>
      </div>
    </section>
  );
}

function AdjustCredits({ userId }: { userId: string }) {
  const adjust = useAdjustCredits();
  const [amount, setAmount] = useState('');
  const [reason, setReason] = useState('');
  // One key per adjustment typed: a retry after a lost answer adjusts once.
  const [key, setKey] = useState(() => crypto.randomUUID());
  const value = Number(amount);
  const valid = Number.isInteger(value) && value !== 0 && reasonReady(reason);
  const submit = (ev: FormEvent) => {
    ev.preventDefault();
    adjust.mutate(
      { user_id: userId, amount: value, reason: reason.trim(), idempotency_key: key },
      {
        onSuccess: () => {
          setAmount('');
          setReason('');
          setKey(crypto.randomUUID());
        },
      },
    );
  };
  return (
    <form className="rounded-xl border border-line p-3" aria-label="Adjust credits" onSubmit={submit}>
      <h3 className="text-sm font-semibold">Adjust credits</h3>
      <p className="text-xs text-fg-muted">Added or taken away through the ledger; never below zero.</p>
      <div className="mt-2 flex flex-wrap gap-2">
        <label className="sr-only" htmlFor="adjust-amount">
          Credits (negative to take away)
        </label>
        <input
          id="adjust-amount"
          className="input h-8 w-32 tabular-nums"
          inputMode="numeric"
          placeholder="+50 or -20"
          value={amount}
          onChange={(e) => setAmount(e.target.value.replace(/[^0-9-]/g, ''))}
        />
        <ReasonField id="adjust-reason" label="Reason" value={reason} onChange={setReason} className="min-w-0 flex-1" />
        <button type="submit" className="btn-primary h-8" disabled={!valid || adjust.isPending}>
          {adjust.isPending ? 'Applying…' : 'Apply'}
        </button>
      </div>
      {adjust.data && !adjust.isPending && (
        <p className="mt-2 text-xs text-fg-muted" role="status">
          {adjust.data.entry.amount > 0 ? 'Added' : 'Took away'} {Math.abs(adjust.data.entry.amount)} · balance now{' '}
          {formatBalance(adjust.data.balance)}
        </p>
      )}
      {adjust.error && (
        <p className="mt-2 text-xs text-rose-500" role="alert">
          {describeError(adjust.error).title}: {describeError(adjust.error).detail}
        </p>
      )}
    </form>
  );
}

function AccountActions({ user }: { user: User }) {
  const action = useAccountAction();
  const setAdmin = useSetAdmin();
  const [reason, setReason] = useState('');
  const ready = reasonReady(reason);
  const busy = action.isPending || setAdmin.isPending;
  const run = (what: AccountAction) => action.mutate({ action: what, user_id: user.id, reason: reason.trim() }, { onSuccess: () => setReason('') });
  const error = action.error ?? setAdmin.error;
  return (
    <div className="rounded-xl border border-line p-3" aria-label="Account actions" role="group">
      <h3 className="text-sm font-semibold">Account</h3>
      <ReasonField id="action-reason" label="Reason for the action" value={reason} onChange={setReason} className="mt-2" />
      <div className="mt-2 flex flex-wrap gap-2">
        {user.suspended_at === undefined ? (
          <button type="button" className="btn-ghost h-8 text-rose-500" disabled={!ready || busy} onClick={() => run('suspend')}>
            <Ban className="h-4 w-4" aria-hidden /> Suspend
          </button>
        ) : (
          <button type="button" className="btn-ghost h-8" disabled={!ready || busy} onClick={() => run('restore')}>
            <RotateCcw className="h-4 w-4" aria-hidden /> Restore
          </button>
        )}
        <button
          type="button"
          className="btn-ghost h-8"
          disabled={!ready || busy}
          onClick={() => setAdmin.mutate({ user_id: user.id, admin: !user.admin_granted, reason: reason.trim() }, { onSuccess: () => setReason('') })}
        >
          {user.admin_granted ? <ShieldMinus className="h-4 w-4" aria-hidden /> : <ShieldPlus className="h-4 w-4" aria-hidden />}
          {user.admin_granted ? 'Remove admin' : 'Make admin'}
        </button>
        <button type="button" className="btn-ghost h-8" disabled={!ready || busy} onClick={() => run('sign_out')}>
          <LogOut className="h-4 w-4" aria-hidden /> Sign out everywhere
        </button>
      </div>
      {error && (
        <p className="mt-2 text-xs text-rose-500" role="alert">
          {describeError(error).title}: {describeError(error).detail}
        </p>
      )}
    </div>
  );
}
