// The admin overview: accounts (all, suspended, active today, this week and this month), images made and
// the success rate, storage, credits bought, spent, refunded and earned, charts per day, and how each
// provider and model did (success rate, refusals, time per image) over the chosen window, and, on
// demand, whether each configured provider answers and its balance.

import { useState } from 'react';
import { useAdminModels, useAdminOverview } from '../../api/adminHooks';
import { useCatalogue } from '../../api/hooks';
import type { AdminOverview, Outcomes } from '../../api/types';
import { ChartCard, DailyBars, Kpi, WindowPicker, dayLabel } from '../charts';
import { ProviderStatus } from './ProviderStatus';
import { ErrorState, PageSpinner } from '../ui';
import { cn, formatBytes, modelName, providerName } from '../../lib/format';

const WINDOWS = [7, 30, 90, 365] as const;

/** Chart colours that read on the dark and the light theme alike. */
const COLOURS = {
  signups: '#8b5cf6',
  active: '#38bdf8',
  made: '#8b5cf6',
  failed: '#f43f5e',
  bought: '#10b981',
  spent: '#f59e0b',
  refunded: '#94a3b8',
  earned: '#38bdf8',
};

const count = (n: number) => n.toLocaleString('en-US');

function percent(rate: number | null): string {
  return rate === null ? '—' : `${Math.round(rate * 1000) / 10}%`;
}

function Headline({ o }: { o: AdminOverview }) {
  const t = o.totals;
  const ended = t.images_made + t.images_failed;
  return (
    <div className="grid grid-cols-2 gap-3 lg:grid-cols-4">
      <Kpi label="Accounts" value={count(o.accounts.total)} detail={`${count(t.signups)} new in ${o.days} days · ${count(o.accounts.suspended)} suspended`} />
      <Kpi
        label="Active today"
        value={count(o.accounts.active_today)}
        detail={`${count(o.accounts.active_week)} this week · ${count(o.accounts.active_month)} this month`}
      />
      <Kpi
        label={`Images, ${o.days} days`}
        value={count(t.images_made)}
        detail={ended === 0 ? 'none ended yet' : `${percent(t.images_made / ended)} succeeded · ${count(t.images_failed)} failed`}
        trend={ended > 0 && t.images_failed * 10 > ended ? 'down' : 'flat'}
      />
      <Kpi label="Storage" value={formatBytes(o.storage.bytes)} detail={`${count(o.storage.images)} ${o.storage.images === 1 ? 'image' : 'images'}`} />
      <Kpi label="Credits bought" value={count(t.credits_bought)} />
      <Kpi label="Credits spent" value={count(t.credits_spent)} detail={`${count(t.credits_spent - t.credits_refunded)} after refunds`} />
      <Kpi label="Credits refunded" value={count(t.credits_refunded)} />
      <Kpi label="Credits earned by creators" value={count(t.credits_earned)} />
    </div>
  );
}

function Daily({ o }: { o: AdminOverview }) {
  const data = o.daily.map((d) => ({
    day: dayLabel(d.day),
    'Sign-ups': d.signups,
    Active: d.active,
    Made: d.images_made,
    Failed: d.images_failed,
    Bought: d.credits_bought,
    Spent: d.credits_spent,
    Refunded: d.credits_refunded,
    Earned: d.credits_earned,
  }));
  const t = o.totals;
  return (
    <div className="grid gap-4 lg:grid-cols-2">
      <ChartCard title="Accounts per day" summary={`${t.signups} sign-ups in ${o.days} days; at most ${t.active} accounts active in one day`}>
        <DailyBars
          data={data}
          bars={[
            { key: 'Sign-ups', colour: COLOURS.signups },
            { key: 'Active', colour: COLOURS.active },
          ]}
        />
      </ChartCard>
      <ChartCard title="Images per day" summary={`${t.images_made} images made and ${t.images_failed} failed in ${o.days} days`}>
        <DailyBars
          data={data}
          bars={[
            { key: 'Made', colour: COLOURS.made, stack: 'images' },
            { key: 'Failed', colour: COLOURS.failed, stack: 'images' },
          ]}
        />
      </ChartCard>
      <div className="lg:col-span-2">
        <ChartCard
          title="Credits per day"
          summary={`${t.credits_bought} credits bought, ${t.credits_spent} spent, ${t.credits_refunded} refunded and ${t.credits_earned} earned in ${o.days} days`}
        >
          <DailyBars
            data={data}
            bars={[
              { key: 'Bought', colour: COLOURS.bought },
              { key: 'Spent', colour: COLOURS.spent },
              { key: 'Refunded', colour: COLOURS.refunded },
              { key: 'Earned', colour: COLOURS.earned },
            ]}
          />
        </ChartCard>
      </div>
    </div>
  );
}

/** A success rate below this reads as trouble. */
const WORRYING_RATE = 0.9;

function OutcomeTable({ title, rows, name }: { title: string; rows: Outcomes[]; name: (row: Outcomes) => string }) {
  return (
    <section className="card overflow-hidden" aria-label={title}>
      <h2 className="px-4 pt-4 text-sm font-semibold">{title}</h2>
      {rows.length === 0 ? (
        <p className="px-4 pb-4 pt-3 text-sm text-fg-muted">Nothing generated in this window.</p>
      ) : (
        <table className="mt-2 w-full text-sm">
          <thead className="text-left text-xs text-fg-muted">
            <tr>
              <th className="px-4 py-2 font-medium">Name</th>
              <th className="px-2 py-2 text-right font-medium">Jobs</th>
              <th className="w-40 px-2 py-2 font-medium">Succeeded</th>
              <th className="px-2 py-2 text-right font-medium">Refused</th>
              <th className="whitespace-nowrap px-4 py-2 text-right font-medium">Time per image</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-line">
            {rows.map((row) => {
              const worrying = row.success_rate !== null && row.success_rate < WORRYING_RATE;
              return (
                <tr key={row.name}>
                  <td className="max-w-[14rem] truncate px-4 py-2" title={row.name}>
                    {name(row)}
                  </td>
                  <td className="px-2 py-2 text-right tabular-nums">{count(row.jobs)}</td>
                  <td className="px-2 py-2">
                    <div className="flex items-center gap-2">
                      <div className="h-1.5 flex-1 overflow-hidden rounded-full bg-surface-3">
                        <div
                          className={cn('h-full rounded-full', worrying ? 'bg-rose-400' : 'bg-emerald-500')}
                          style={{ width: `${(row.success_rate ?? 0) * 100}%` }}
                        />
                      </div>
                      <span className={cn('w-12 text-right tabular-nums', worrying && 'text-rose-400')}>{percent(row.success_rate)}</span>
                    </div>
                  </td>
                  <td className="px-2 py-2 text-right tabular-nums">{count(row.moderated)}</td>
                  <td className="px-4 py-2 text-right tabular-nums">{row.mean_seconds === null ? '—' : `${row.mean_seconds.toFixed(1)} s`}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** Each configured provider: does it answer, and its balance where its API tells it. Checked on demand:
 * it calls out to every provider. */
export function Overview() {
  const [days, setDays] = useState<number>(30);
  const overview = useAdminOverview(days);
  const catalogue = useCatalogue();
  // The admin's list names the models turned off too (the catalogue leaves them out).
  const adminModels = useAdminModels();
  const nameOfModel = (id: string) => adminModels.data?.models.find((m) => m.id === id)?.name ?? modelName(catalogue.data, id);
  if (overview.isPending) return <PageSpinner />;
  if (overview.isError) return <ErrorState className="min-h-[30vh]" error={overview.error} onRetry={() => void overview.refetch()} />;
  const o = overview.data;
  return (
    <div className="flex flex-col gap-4">
      <div className="flex items-center">
        <p className="text-sm text-fg-muted">The whole server, day by day (UTC).</p>
        <WindowPicker className="ml-auto" windows={WINDOWS} value={days} onChange={setDays} />
      </div>
      <Headline o={o} />
      <Daily o={o} />
      <div className="grid gap-4 lg:grid-cols-2">
        <OutcomeTable title="Providers" rows={o.providers} name={(row) => providerName(row.name)} />
        <OutcomeTable title="Models" rows={o.models} name={(row) => nameOfModel(row.name)} />
      </div>
      <ProviderStatus />
    </div>
  );
}
