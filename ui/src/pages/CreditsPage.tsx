// Credits: the balance (the ledger's, live), packs to buy where the server sells them, a chart of the
// balance over time, what a refunded or disputed purchase left owed, and every ledger entry with its reason and the balance after it, a page at a time.

import { useMemo } from 'react';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useClient } from '../api/context';
import { useAccount } from '../api/hooks';
import { keys } from '../api/keys';
import type { LedgerEntry, LedgerLink } from '../api/types';
import { Link } from 'react-router';
import { BuyCredits } from '../components/credits/BuyCredits';
import { BalanceChart } from '../components/credits/BalanceChart';
import { TipsReceived } from '../components/credits/TipsReceived';
import { EmptyState, ErrorState, PageSpinner } from '../components/ui';
import { cn, formatBalance, formatDate } from '../lib/format';
import { useTitle } from '../lib/title';

const PAGE = 100;

function useLedgerHistory() {
  const client = useClient();
  return useInfiniteQuery({
    queryKey: [...keys.ledger, 'history'],
    queryFn: ({ pageParam }) => client.call('ledger.list', { limit: PAGE, ...(pageParam ? { before: pageParam } : {}) }),
    initialPageParam: '',
    getNextPageParam: (last) => last.next ?? undefined,
  });
}

/** The page of what an entry paid for. */
function linkTo(link: LedgerLink): string {
  switch (link.to) {
    case 'set':
      return `/sets/${link.set_id}`;
    case 'listing':
      return `/market/${link.listing_id}`;
    case 'collection':
      return `/collections/${link.collection_id}`;
  }
}

const KIND_WORDS: Record<LedgerEntry['kind'], string> = {
  grant: 'Added',
  reserve: 'Spent',
  capture: 'Kept',
  refund: 'Refunded',
  reversal: 'Taken back',
  transfer: 'Transfer',
  payout: 'Payout',
  adjustment: 'Adjusted by an admin',
};

export function CreditsPage() {
  useTitle('Credits');
  const account = useAccount();
  const history = useLedgerHistory();
  const entries = useMemo(() => history.data?.pages.flatMap((p) => p.entries) ?? [], [history.data]);
  const owed = history.data?.pages[0]?.owed ?? 0;

  if (history.isPending || account.isPending) return <PageSpinner />;
  if (history.isError) return <ErrorState className="min-h-[50vh]" error={history.error} onRetry={() => void history.refetch()} />;

  return (
    <div className="mx-auto max-w-3xl space-y-6 px-4 pb-28 pt-6 sm:px-6">
      <div>
        <div className="flex items-center gap-3">
          <h1 className="text-lg font-semibold">Credits</h1>
          <Link to="/earnings" className="ml-auto text-sm text-accent hover:underline">
            Earnings
          </Link>
        </div>
        <p className="mt-1 text-3xl font-semibold tabular-nums" aria-label={`Balance: ${account.data?.balance ?? 0} credits`}>
          {formatBalance(account.data?.balance ?? 0)}
        </p>
      </div>

      {owed > 0 && (
        <div role="alert" className="rounded-lg border border-amber-500/40 bg-amber-500/10 p-4 text-sm">
          <p className="font-medium">{formatBalance(owed)} owed</p>
          <p className="mt-1 text-fg-muted">
            A purchase was refunded or disputed after its credits were spent. Credits you buy or receive pay this
            first; until it is paid, generations that cost credits wait.
          </p>
        </div>
      )}

      <BuyCredits />

      <TipsReceived />

      {entries.length === 0 ? (
        <EmptyState title="No credit activity yet">Credits you receive, spend and get back are listed here.</EmptyState>
      ) : (
        <>
          <section className="card p-5" aria-labelledby="balance-chart">
            <h2 id="balance-chart" className="text-sm font-semibold">
              Balance over time
            </h2>
            <BalanceChart entries={entries} />
          </section>

          <section className="card p-5" aria-labelledby="credit-history">
            <h2 id="credit-history" className="text-sm font-semibold">
              History
            </h2>
            <table className="mt-3 w-full text-sm" aria-label="Ledger entries">
              <thead>
                <tr className="text-left text-xs text-fg-subtle">
                  <th className="py-1.5 font-medium">When</th>
                  <th className="py-1.5 font-medium">What</th>
                  <th className="py-1.5 text-right font-medium">Credits</th>
                  <th className="py-1.5 text-right font-medium">Balance</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-line">
                {entries.map((e) => (
                  <tr key={e.id}>
                    <td className="whitespace-nowrap py-2 pr-3 text-xs text-fg-subtle">{formatDate(e.created_at)}</td>
                    <td className="py-2 pr-3">
                      <span className="mr-2 text-xs text-fg-subtle">{KIND_WORDS[e.kind]}</span>
                      {e.link ? (
                        <Link to={linkTo(e.link)} className="text-fg-muted hover:text-fg hover:underline">
                          {e.memo}
                        </Link>
                      ) : (
                        <span className="text-fg-muted">{e.memo}</span>
                      )}
                    </td>
                    <td className={cn('py-2 text-right tabular-nums', e.amount > 0 ? 'text-emerald-500' : 'text-fg')}>
                      {e.amount > 0 ? '+' : ''}
                      {e.amount}
                    </td>
                    <td className="py-2 text-right tabular-nums text-fg-muted">{e.balance_after}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {history.hasNextPage && (
              <button
                type="button"
                className="btn-secondary mt-4 w-full"
                disabled={history.isFetchingNextPage}
                onClick={() => void history.fetchNextPage()}
              >
                {history.isFetchingNextPage ? 'Loading…' : 'Older entries'}
              </button>
            )}
          </section>
        </>
      )}
    </div>
  );
}
