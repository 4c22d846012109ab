// A creator's earnings: what prompt sales brought in after the platform's 10% fee, tips received, and
// both per day on a chart over the chosen period; payouts of what was earned.

import { useState } from 'react';
import { Link } from 'react-router';
import { useQuery } from '@tanstack/react-query';
import { useClient } from '../api/context';
import { EarningsChart } from '../components/credits/EarningsChart';
import { Payouts } from '../components/credits/Payouts';
import { ErrorState, PageSpinner } from '../components/ui';
import { formatBalance } from '../lib/format';
import { useTitle } from '../lib/title';

const PERIODS = [7, 30, 90, 365];

function Stat({ label, value, hint }: { label: string; value: string; hint?: string }) {
  return (
    <div className="card p-4">
      <dt className="text-xs text-fg-muted">{label}</dt>
      <dd className="mt-1 text-2xl font-semibold tabular-nums">{value}</dd>
      {hint && <dd className="mt-0.5 text-[11px] text-fg-subtle">{hint}</dd>}
    </div>
  );
}

export function EarningsPage() {
  useTitle('Earnings');
  const client = useClient();
  const [days, setDays] = useState(30);
  const earnings = useQuery({
    queryKey: ['earnings', days],
    queryFn: () => client.call('earnings.summary', { days }),
  });
  if (earnings.isPending) return <PageSpinner />;
  if (earnings.isError) return <ErrorState className="min-h-[50vh]" error={earnings.error} onRetry={() => void earnings.refetch()} />;
  const e = earnings.data;
  return (
    <div className="mx-auto max-w-3xl space-y-6 px-4 pb-28 pt-6 sm:px-6">
      <div className="flex items-center gap-3">
        <h1 className="text-lg font-semibold">Earnings</h1>
        <Link to="/market/new" className="btn-secondary ml-auto h-8">
          Sell a prompt
        </Link>
      </div>
      <dl className="grid gap-3 sm:grid-cols-4">
        <Stat label="Earned from sales" value={formatBalance(e.net)} hint={`${e.gross} paid, ${e.fees} in fees`} />
        <Stat label="Prompts sold" value={String(e.sales)} />
        <Stat label="Tips received" value={formatBalance(e.tips)} hint="no fee" />
        <Stat label="All earnings" value={formatBalance(e.net + e.tips)} />
      </dl>
      <section className="card p-5" aria-labelledby="earnings-chart">
        <div className="flex items-center gap-3">
          <h2 id="earnings-chart" className="text-sm font-semibold">
            Per day
          </h2>
          <select
            className="input ml-auto h-8 w-auto"
            aria-label="Period"
            value={days}
            onChange={(ev) => setDays(Number(ev.target.value))}
          >
            {PERIODS.map((p) => (
              <option key={p} value={p}>
                Last {p} days
              </option>
            ))}
          </select>
        </div>
        <EarningsChart days={e.days} />
      </section>
      <Payouts />
    </div>
  );
}
