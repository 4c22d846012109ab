// The admin dashboard: the overview (the server's figures and charts), accounts (search, one account whole, credits, suspension, the admin role,
// signing out), the moderation queue (reports dismissed, images hidden or deleted), the deletion log, the
// catalogue (models on or off, prices, limits) and the audit log of every admin action. Admins only; the server refuses everyone else
// whatever this page shows.

import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { ShieldCheck } from 'lucide-react';
import { useAdminUsers } from '../api/adminHooks';
import { useAccount } from '../api/hooks';
import { AuditLog } from '../components/admin/AuditLog';
import { BlogAdmin } from '../components/admin/BlogAdmin';
import { DeletionLog } from '../components/admin/DeletionLog';
import { ModelsAdmin } from '../components/admin/ModelsAdmin';
import { Overview } from '../components/admin/Overview';
import { RefusalsList } from '../components/admin/RefusalsList';
import { ReportsQueue } from '../components/admin/ReportsQueue';
import { UserBadges, UserDetail } from '../components/admin/UserDetail';
import { SearchField } from '../components/FilterControls';
import { EmptyState, ErrorState, PageSpinner } from '../components/ui';
import { cn, formatBalance, formatDate } from '../lib/format';
import { useTitle } from '../lib/title';

type Tab = 'overview' | 'users' | 'reports' | 'deletions' | 'models' | 'blog' | 'audit';

const TAB_WORDS: Record<Tab, string> = { overview: 'Overview', users: 'Users', reports: 'Reports', deletions: 'Deletions', models: 'Models', blog: 'Blog', audit: 'Audit log' };

export function AdminPage() {
  useTitle('Admin');
  const account = useAccount();
  // The tab lives in the address, so a reload or a shared link opens the same section.
  const [params, setParams] = useSearchParams();
  const asked = params.get('tab');
  const tab: Tab = asked !== null && Object.hasOwn(TAB_WORDS, asked) ? (asked as Tab) : 'overview';
  const setTab = (t: Tab) => setParams(t === 'overview' ? {} : { tab: t }, { replace: true });
  if (account.isPending) return <PageSpinner />;
  if (account.data?.user.role !== 'admin')
    return (
      <EmptyState className="min-h-[50vh]" title="Admins only">
        This page is for the people who run this server.
      </EmptyState>
    );
  return (
    <div className="mx-auto max-w-6xl space-y-5 px-4 pb-28 pt-6 sm:px-6">
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="flex items-center gap-2 text-lg font-semibold">
          <ShieldCheck className="h-5 w-5 text-accent" aria-hidden /> Admin
        </h1>
        <div className="ml-auto flex rounded-lg border border-line p-0.5" role="tablist" aria-label="Admin sections">
          {(Object.keys(TAB_WORDS) as Tab[]).map((t) => (
            <button
              key={t}
              type="button"
              role="tab"
              aria-selected={tab === t}
              className={cn('h-7 rounded-md px-3 text-sm', tab === t ? 'bg-surface-2 font-medium text-fg' : 'text-fg-muted hover:text-fg')}
              onClick={() => setTab(t)}
            >
              {TAB_WORDS[t]}
            </button>
          ))}
        </div>
      </div>
      {tab === 'overview' && <Overview />}
      {tab === 'users' && <Users chosen={params.get('user')} setChosen={(id) => setParams({ tab: 'users', user: id }, { replace: true })} />}
      {tab === 'reports' && (
        <div className="flex flex-col gap-5">
          <ReportsQueue />
          <RefusalsList onOpenAccount={(id) => setParams({ tab: 'users', user: id })} />
        </div>
      )}
      {tab === 'deletions' && <DeletionLog />}
      {tab === 'models' && <ModelsAdmin />}
      {tab === 'blog' && <BlogAdmin />}
      {tab === 'audit' && <AuditLog />}
    </div>
  );
}

/** Accounts: the one open is in the address (`?user=`), so other sections can open one here. */
function Users({ chosen, setChosen }: { chosen: string | null; setChosen: (id: string) => void }) {
  const [query, setQuery] = useState('');
  const users = useAdminUsers(query.trim());
  return (
    <div className="grid gap-5 lg:grid-cols-[minmax(0,2fr)_minmax(0,3fr)]">
      <section className="card flex min-h-[24rem] flex-col p-4" aria-label="Accounts">
        <SearchField id="admin-search" label="Username or email" value={query} onChange={setQuery} />
        {users.isError && <ErrorState className="mt-4" error={users.error} onRetry={() => void users.refetch()} />}
        <ul className="mt-3 divide-y divide-line">
          {users.data?.users.map(({ user, balance }) => (
            <li key={user.id}>
              <button
                type="button"
                aria-current={chosen === user.id}
                className={cn(
                  'flex w-full items-center gap-3 rounded-lg px-2 py-2.5 text-left hover:bg-surface-2',
                  chosen === user.id && 'bg-surface-2',
                )}
                onClick={() => setChosen(user.id)}
              >
                <span className="min-w-0 flex-1">
                  <span className="flex items-center gap-2">
                    <span className="truncate text-sm font-medium">{user.username}</span>
                    <UserBadges user={user} />
                  </span>
                  <span className="block truncate text-xs text-fg-muted">
                    {user.email ?? 'no email'} · joined {formatDate(user.created_at)}
                  </span>
                </span>
                <span className="text-sm tabular-nums text-fg-muted">{formatBalance(balance)}</span>
              </button>
            </li>
          ))}
        </ul>
        {users.data?.users.length === 0 && <p className="mt-6 text-center text-sm text-fg-muted">No account matches.</p>}
      </section>
      {chosen ? (
        <UserDetail userId={chosen} />
      ) : (
        <section className="card flex min-h-[24rem] items-center justify-center p-6 text-sm text-fg-muted">
          Choose an account to see it whole.
        </section>
      )}
    </div>
  );
}
