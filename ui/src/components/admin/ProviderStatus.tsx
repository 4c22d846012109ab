// Provider status for admins, on demand: whether each configured provider answers, its balance where
// its API tells, and the credits under which admins are warned that it runs low.

import { useState } from 'react';
import { useProviderAlert } from '../../api/adminHooks';
import { useProvidersHealth } from '../../api/hooks';
import type { ProviderHealthStatus } from '../../api/types';
import { ErrorBanner, ErrorState } from '../ui';

/** The threshold of one provider's low-balance warning: set, changed or turned off. */
function BalanceAlert({ provider }: { provider: ProviderHealthStatus }) {
  const alert = useProviderAlert();
  const [draft, setDraft] = useState(provider.low_credits?.toString() ?? '');
  const low = draft.trim() === '' ? undefined : Number(draft);
  const valid = low === undefined || (Number.isInteger(low) && low >= 1);
  const changed = low !== provider.low_credits;
  return (
    <form
      className="flex items-center gap-2 text-xs text-fg-muted"
      onSubmit={(e) => {
        e.preventDefault();
        if (valid && changed) alert.mutate({ provider_id: provider.id, ...(low === undefined ? {} : { low_credits: low }) });
      }}
    >
      <label htmlFor={`low-${provider.id}`}>Warn under</label>
      <input
        id={`low-${provider.id}`}
        className="input h-7 w-24 tabular-nums"
        inputMode="numeric"
        placeholder="no warning"
        value={draft}
        aria-invalid={!valid}
        onChange={(e) => setDraft(e.target.value)}
      />
      <span>credits</span>
      <button type="submit" className="btn-secondary h-7 px-2" disabled={!valid || !changed || alert.isPending}>
        {alert.isPending ? 'Saving…' : 'Save'}
      </button>
      {alert.isError && <ErrorBanner error={alert.error} />}
    </form>
  );
}

export function ProviderStatus() {
  const [asked, setAsked] = useState(false);
  const health = useProvidersHealth(asked);
  const configured = health.data?.providers.filter((p) => p.configured && !p.offline) ?? [];
  return (
    <section className="card p-4" aria-label="Provider status">
      <div className="flex items-center">
        <h2 className="text-sm font-semibold">Provider status</h2>
        <button type="button" className="btn-secondary ml-auto h-8" disabled={health.isFetching} onClick={() => (asked ? void health.refetch() : setAsked(true))}>
          {health.isFetching ? 'Checking…' : asked ? 'Check again' : 'Check providers'}
        </button>
      </div>
      {!asked && (
        <p className="mt-2 text-sm text-fg-muted">
          Asks each configured provider whether it answers and, where its API tells, the balance left. Set a threshold and every admin is told when a balance
          falls under it.
        </p>
      )}
      {health.isError && <ErrorState error={health.error} onRetry={() => void health.refetch()} />}
      {health.isSuccess && configured.length === 0 && <p className="mt-2 text-sm text-fg-muted">No provider is configured: only the offline renderer runs.</p>}
      {configured.length > 0 && (
        <ul className="mt-3 divide-y divide-line text-sm">
          {configured.map((p) => (
            <li key={p.id} className="flex flex-wrap items-center gap-x-3 gap-y-1 py-2" aria-label={p.name}>
              <span className="font-medium">{p.name}</span>
              {p.health.reachable === false ? (
                <span className="text-rose-400">Unreachable{p.health.message ? `: ${p.health.message}` : ''}</span>
              ) : (
                <span className="text-emerald-500">{p.health.reachable ? 'Reachable' : 'Not checked'}</span>
              )}
              {p.low && <span className="chip border-rose-500/40 bg-rose-500/10 text-rose-400">Low balance</span>}
              {p.health.balance && <span className="ml-auto tabular-nums text-fg-muted">Balance {p.health.balance}</span>}
              {(p.health.credits !== undefined || p.low_credits !== undefined) && (
                <div className="basis-full">
                  <BalanceAlert key={p.low_credits ?? 'none'} provider={p} />
                </div>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
