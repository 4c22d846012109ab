// Personal analytics: generations per day (made, failed), credits spent and earned per day, the models
// and prompts used most, the success rate, and this week against the last — the caller's own.

import { useState } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { BarChart3 } from 'lucide-react';
import type { DayActivity, PersonalAnalytics, WeekTotals } from '../api/types';
import { usePersonalAnalytics } from '../api/engagementHooks';
import { EmptyState, ErrorState, PageSpinner } from '../components/ui';
import { cn, modelName } from '../lib/format';
import { useCatalogue } from '../api/hooks';
import { useTitle } from '../lib/title';

const WINDOWS = [7, 30, 90, 365] as const;

/** Chart colours that read on the dark and the light theme alike. */
const COLOURS = { succeeded: '#8b5cf6', failed: '#f43f5e', spent: '#f59e0b', earned: '#10b981', rewarded: '#38bdf8' };

function dayLabel(ms: number): string {
  return new Date(ms).toLocaleDateString('en-US', { month: 'short', day: 'numeric', timeZone: 'UTC' });
}

/** "+25%" / "−10%" / "new" for this week against the last. */
function change(now: number, before: number): string {
  if (before === 0) return now === 0 ? 'no change' : 'new';
  const pct = Math.round(((now - before) / before) * 100);
  return `${pct > 0 ? '+' : pct < 0 ? '−' : ''}${Math.abs(pct)}% on last week`;
}

function Kpi({ label, value, detail, trend }: { label: string; value: string; detail?: string; trend?: 'up' | 'down' | 'flat' }) {
  return (
    <div className="card p-4" role="group" aria-label={label}>
      <div className="text-xs text-fg-muted">{label}</div>
      <div className="mt-1 text-2xl font-semibold tabular-nums">{value}</div>
      {detail && (
        <div
          className={cn(
            'mt-0.5 text-xs tabular-nums',
            trend === 'up' ? 'text-emerald-500' : trend === 'down' ? 'text-rose-400' : 'text-fg-subtle',
          )}
        >
          {detail}
        </div>
      )}
    </div>
  );
}

function trendOf(now: number, before: number): 'up' | 'down' | 'flat' {
  return now > before ? 'up' : now < before ? 'down' : 'flat';
}

function Kpis({ a }: { a: PersonalAnalytics }) {
  const w: WeekTotals = a.this_week;
  const l: WeekTotals = a.last_week;
  const rate = a.success_rate === null ? '—' : `${Math.round(a.success_rate * 100)}%`;
  return (
    <div className="grid grid-cols-2 gap-3 lg:grid-cols-4">
      <Kpi label="Images this week" value={w.generations.toLocaleString('en-US')} detail={change(w.generations, l.generations)} trend={trendOf(w.generations, l.generations)} />
      <Kpi label={`Success rate, ${a.days} days`} value={rate} detail={`${a.totals.succeeded} made, ${a.totals.failed} failed`} />
      <Kpi label="Credits spent this week" value={w.credits_spent.toLocaleString('en-US')} detail={change(w.credits_spent, l.credits_spent)} trend="flat" />
      <Kpi label="Credits earned this week" value={w.credits_earned.toLocaleString('en-US')} detail={change(w.credits_earned, l.credits_earned)} trend={trendOf(w.credits_earned, l.credits_earned)} />
    </div>
  );
}

function ChartCard({ title, summary, children }: { title: string; summary: string; children: React.ReactNode }) {
  return (
    <section className="card p-4" aria-label={title}>
      <h2 className="text-sm font-semibold">{title}</h2>
      <p className="sr-only">{summary}</p>
      <div className="mt-3 h-56" aria-hidden>
        {children}
      </div>
    </section>
  );
}

const axis = { stroke: 'currentColor', tick: { fontSize: 11, fill: 'currentColor' }, tickLine: false } as const;

type DayRow = Record<'day' | 'Made' | 'Failed' | 'Spent' | 'Earned' | 'Rewards', string | number>;

/** Bars per day, stacked when the bars share a stack (one grid, axes, tooltip and legend for both charts). */
function DailyBars({ data, bars }: { data: DayRow[]; bars: Array<{ key: keyof DayRow; colour: string; stack?: string }> }) {
  return (
    <ResponsiveContainer width="100%" height="100%">
      <BarChart data={data} margin={{ top: 4, right: 4, bottom: 0, left: -16 }}>
        <CartesianGrid vertical={false} stroke="currentColor" strokeOpacity={0.08} />
        <XAxis dataKey="day" {...axis} minTickGap={24} className="text-fg-subtle" />
        <YAxis allowDecimals={false} {...axis} className="text-fg-subtle" />
        <Tooltip cursor={{ fillOpacity: 0.06 }} contentStyle={{ background: '#18181b', border: '1px solid #3f3f46', borderRadius: 8, fontSize: 12 }} />
        <Legend wrapperStyle={{ fontSize: 12 }} />
        {bars.map(({ key, colour, stack }, i) => (
          <Bar key={key} dataKey={key} stackId={stack} fill={colour} radius={!stack || i === bars.length - 1 ? [3, 3, 0, 0] : [0, 0, 0, 0]} />
        ))}
      </BarChart>
    </ResponsiveContainer>
  );
}

function DailyCharts({ daily, totals }: { daily: DayActivity[]; totals: DayActivity }) {
  const data: DayRow[] = daily.map((d) => ({
    day: dayLabel(d.day),
    Made: d.succeeded,
    Failed: d.failed,
    Spent: d.credits_spent,
    Earned: d.credits_earned,
    Rewards: d.credits_rewarded,
  }));
  return (
    <div className="grid gap-4 lg:grid-cols-2">
      <ChartCard title="Generations per day" summary={`${totals.succeeded} images made and ${totals.failed} failed in ${daily.length} days`}>
        <DailyBars
          data={data}
          bars={[
            { key: 'Made', colour: COLOURS.succeeded, stack: 'g' },
            { key: 'Failed', colour: COLOURS.failed, stack: 'g' },
          ]}
        />
      </ChartCard>
      <ChartCard
        title="Credits per day"
        summary={`${totals.credits_spent} credits spent, ${totals.credits_earned} earned and ${totals.credits_rewarded} rewarded in ${daily.length} days`}
      >
        <DailyBars
          data={data}
          bars={[
            { key: 'Spent', colour: COLOURS.spent },
            { key: 'Earned', colour: COLOURS.earned },
            { key: 'Rewards', colour: COLOURS.rewarded },
          ]}
        />
      </ChartCard>
    </div>
  );
}

/** A ranked list with a bar for each count (models, prompts). */
function Ranked({ title, items, label }: { title: string; items: Array<{ name: string; count: number }>; label: (name: string) => string }) {
  const most = Math.max(1, ...items.map((i) => i.count));
  return (
    <section className="card p-4" aria-label={title}>
      <h2 className="text-sm font-semibold">{title}</h2>
      {items.length === 0 ? (
        <p className="mt-3 text-sm text-fg-muted">Nothing in this window yet.</p>
      ) : (
        <ol className="mt-3 space-y-2.5">
          {items.map((item) => (
            <li key={item.name} className="text-sm">
              <div className="flex items-baseline justify-between gap-3">
                <span className="truncate" title={item.name}>
                  {label(item.name)}
                </span>
                <span className="shrink-0 tabular-nums text-fg-muted">{item.count.toLocaleString('en-US')}</span>
              </div>
              <div className="mt-1 h-1.5 overflow-hidden rounded-full bg-surface-3">
                <div className="h-full rounded-full bg-accent/80" style={{ width: `${(item.count / most) * 100}%` }} />
              </div>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

export function AnalyticsPage() {
  useTitle('Analytics');
  const [days, setDays] = useState<number>(30);
  const analytics = usePersonalAnalytics(days);
  const catalogue = useCatalogue();
  if (analytics.isPending) return <PageSpinner />;
  if (analytics.isError) return <ErrorState className="min-h-[50vh]" error={analytics.error} onRetry={() => void analytics.refetch()} />;
  const a = analytics.data;
  return (
    <div className="mx-auto max-w-6xl px-4 py-6 sm:px-6">
      <div className="mb-5 flex flex-wrap items-center gap-3">
        <h1 className="text-lg font-semibold">Analytics</h1>
        <div className="ml-auto flex rounded-lg border border-line bg-surface-1 p-0.5" role="radiogroup" aria-label="Window">
          {WINDOWS.map((w) => (
            <button
              key={w}
              type="button"
              role="radio"
              aria-checked={days === w}
              className={cn('h-7 rounded-md px-2.5 text-xs font-medium', days === w ? 'bg-surface-3 text-fg' : 'text-fg-muted hover:text-fg')}
              onClick={() => setDays(w)}
            >
              {w === 365 ? '1 year' : `${w} days`}
            </button>
          ))}
        </div>
      </div>
      {a.totals.generations === 0 && a.totals.credits_earned === 0 && a.totals.credits_spent === 0 ? (
        <EmptyState icon={<BarChart3 className="h-5 w-5" aria-hidden />} title="Nothing to count yet">
          Generate a few images and your activity shows here, day by day.
        </EmptyState>
      ) : (
        <div className="flex flex-col gap-4">
          <Kpis a={a} />
          <DailyCharts daily={a.daily} totals={a.totals} />
          <div className="grid gap-4 lg:grid-cols-2">
            <Ranked title="Models used" items={a.models} label={(id) => modelName(catalogue.data, id)} />
            <Ranked title="Top prompts" items={a.top_prompts} label={(p) => p} />
          </div>
        </div>
      )}
    </div>
  );
}
