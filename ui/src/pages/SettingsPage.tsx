import { useState } from 'react';
import { Link } from 'react-router';
import { CheckCircle2, ChevronRight, CircleDashed, Cpu, PlugZap, UserCog } from 'lucide-react';
import { useAccount, useLedger, useMe, useProviders, useProvidersHealth } from '../api/hooks';
import { ErrorState, Skeleton } from '../components/ui';
import { ThemePicker } from '../components/ThemePicker';
import { SignInCard } from '../components/SignIn';
import { cn, formatCredits, formatDate } from '../lib/format';
import { useTitle } from '../lib/title';
import { useDesktop } from '../api/desktopHooks';
import { ProviderKeysSection } from '../components/ProviderKeysSection';
import { TeamServerSection } from '../components/TeamServerSection';

export function SettingsPage() {
  useTitle('Settings');
  const providers = useProviders();
  const me = useMe();
  // Signed out on a server with sign-in there is no account to ask for.
  const account = useAccount(me.data !== null);
  const charging = account.data?.charging ?? false;
  const ledger = useLedger(charging);
  const [checking, setChecking] = useState(false);
  const health = useProvidersHealth(checking);
  const healthOf = (id: string) => health.data?.providers.find((p) => p.id === id)?.health;
  const desktop = useDesktop();

  return (
    <div className="mx-auto max-w-3xl space-y-6 px-4 py-6 sm:px-6">
      <h1 className="text-lg font-semibold">Settings</h1>

      <section className="card p-5" aria-labelledby="appearance">
        <h2 id="appearance" className="text-sm font-semibold">
          Appearance
        </h2>
        <ThemePicker />
      </section>

      <section className="card p-5" aria-labelledby="providers">
        <h2 id="providers" className="text-sm font-semibold">
          Providers
        </h2>
        <div className="mt-1 flex flex-wrap items-center justify-between gap-2">
          <p className="text-xs text-fg-muted">
            {desktop ? 'AI providers need an API key: add yours under API keys.' : 'AI providers need an API key in the server configuration.'}{' '}
            The offline renderer always works.
          </p>
          <button
            type="button"
            className="btn btn-ghost text-xs"
            onClick={() => (checking ? void health.refetch() : setChecking(true))}
            disabled={health.isFetching}
          >
            <PlugZap className="h-4 w-4" aria-hidden />
            {health.isFetching ? 'Checking…' : 'Check connections'}
          </button>
        </div>
        {health.isError && <ErrorState error={health.error} onRetry={() => void health.refetch()} />}
        {providers.isPending ? (
          <div className="mt-4 space-y-2">
            <Skeleton className="h-12" />
            <Skeleton className="h-12" />
          </div>
        ) : providers.isError ? (
          <ErrorState error={providers.error} onRetry={() => void providers.refetch()} />
        ) : (
          <ul className="mt-4 divide-y divide-line rounded-xl border border-line">
            {providers.data.providers.map((p) => (
              <li key={p.id} className="flex items-center gap-3 px-4 py-3">
                {p.offline ? (
                  <Cpu className="h-4 w-4 text-fg-subtle" aria-hidden />
                ) : p.configured ? (
                  <CheckCircle2 className="h-4 w-4 text-emerald-500" aria-hidden />
                ) : (
                  <CircleDashed className="h-4 w-4 text-fg-subtle" aria-hidden />
                )}
                <div className="min-w-0 flex-1">
                  <p className="font-medium">{p.name}</p>
                  {p.offline && <p className="text-xs text-fg-subtle">Offline renderer — not an AI model</p>}
                  <HealthLine health={healthOf(p.id)} />
                </div>
                <span
                  className={cn(
                    'chip',
                    (p.configured || p.offline) && 'border-emerald-500/30 bg-emerald-500/10 text-emerald-600 dark:text-emerald-400',
                  )}
                >
                  {p.offline ? 'Built in' : p.configured ? 'Configured' : 'Not configured'}
                </span>
              </li>
            ))}
          </ul>
        )}
      </section>

      <ProviderKeysSection />

      <TeamServerSection />

      {me.data === null && (
        <SignInCard title="Sign in to see your account">Your credits, username and privacy settings are here once you sign in.</SignInCard>
      )}

      {account.data && (
        <section className="card p-5" aria-labelledby="credits-title" id="credits">
          <h2 id="credits-title" className="text-sm font-semibold">
            Account
          </h2>
          <p className="mt-1 text-sm text-fg-muted">
            Signed in as <span className="text-fg">{account.data.user.username}</span>
            {account.data.user.email && <> ({account.data.user.email})</>}
          </p>
          <Link
            to="/settings/account"
            className="mt-4 flex items-center gap-3 rounded-xl border border-line px-4 py-3 transition-colors hover:bg-surface-2"
          >
            <UserCog className="h-4 w-4 text-fg-subtle" aria-hidden />
            <span className="min-w-0 flex-1">
              <span className="block font-medium">Account settings</span>
              <span className="block text-xs text-fg-subtle">Username, privacy, notifications, sessions and API tokens</span>
            </span>
            <ChevronRight className="h-4 w-4 text-fg-subtle" aria-hidden />
          </Link>
          {charging ? (
            <>
              <p className="mt-4 flex items-baseline justify-between gap-3">
                <span className="text-2xl font-semibold tabular-nums">{formatCredits(account.data.balance)}</span>
                <Link to="/credits" className="text-sm font-medium text-accent hover:underline">
                  History and buying credits
                </Link>
              </p>
              <h3 className="mt-5 text-xs font-medium uppercase tracking-wider text-fg-subtle">Recent activity</h3>
              {ledger.data && ledger.data.entries.length > 0 ? (
                <ul className="mt-2 divide-y divide-line text-sm">
                  {ledger.data.entries.map((e) => (
                    <li key={e.id} className="flex items-center gap-3 py-2">
                      <span className="w-16 text-xs capitalize text-fg-subtle">{e.kind}</span>
                      <span className="min-w-0 flex-1 truncate text-fg-muted">{e.memo}</span>
                      <span className={cn('tabular-nums', e.amount > 0 ? 'text-emerald-500' : 'text-fg')}>
                        {e.amount > 0 ? '+' : ''}
                        {e.amount}
                      </span>
                      <span className="hidden w-40 text-right text-xs text-fg-subtle sm:inline">{formatDate(e.created_at)}</span>
                    </li>
                  ))}
                </ul>
              ) : (
                <p className="mt-2 text-sm text-fg-subtle">No activity yet.</p>
              )}
            </>
          ) : (
            <p className="mt-2 text-xs text-fg-subtle">Credits are not charged on this server.</p>
          )}
        </section>
      )}
    </div>
  );
}

type Health = NonNullable<ReturnType<typeof useProvidersHealth>['data']>['providers'][number]['health'];

/** What a connection check found, in words; nothing before a check or for unconfigured providers. */
function HealthLine({ health }: { health: Health | undefined }) {
  if (!health || health.reachable === undefined) return null;
  return (
    <p className={cn('text-xs', health.reachable ? 'text-emerald-600 dark:text-emerald-400' : 'text-red-600 dark:text-red-400')}>
      {health.reachable ? 'Reachable' : `Unreachable${health.message ? `: ${health.message}` : ''}`}
      {health.balance && <span className="text-fg-muted"> · Balance {health.balance}</span>}
      {/* Reachable with a warning: models of this provider that will fail (a deleted Replicate version). */}
      {health.reachable && health.message && <span className="block text-amber-700 dark:text-amber-400">{health.message}</span>}
    </p>
  );
}
