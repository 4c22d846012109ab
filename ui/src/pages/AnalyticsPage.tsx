// Personal analytics: generations per day (made, failed), credits spent and earned per day, the models
// and prompts used most, the success rate, and this week against the last — the caller's own.

import { useState } from 'react';
import { BarChart3 } from 'lucide-react';
import type { DayActivity, PersonalAnalytics, WeekTotals } from '../api/types';
import { usePersonalAnalytics } from '../api/engagementHooks';
import { ChartCard, DailyBars, Kpi, Ranked, WindowPicker, dayLabel, trendOf } from '../components/charts';
import { EmptyState, ErrorState, PageSpinner } from '../components/ui';
import { modelName } from '../lib/format';
import { useCatalogue } from '../api/hooks';
import { useTitle } from '../lib/title';

const WINDOWS = [7, 30, 90, 365] as const;

/** Chart colours that read on the dark and the light theme alike. */
const COLOURS = { succeeded: '#8b5cf6', failed: '#f43f5e', spent: '#f59e0b', earned: '#10b981', rewarded: '#38bdf8' };

/** "+25%" / "−10%" / "new" for this week against the last. */
function change(now: number, before: number): string {
  if (before === 0) return now === 0 ? 'no change' : 'new';
  const pct = Math.round(((now - before) / before) * 100);
  return `${pct > 0 ? '+' : pct < 0 ? '−' : ''}${Math.abs(pct)}% on last week`;
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

function DailyCharts({ daily, totals }: { daily: DayActivity[]; totals: DayActivity }) {
  const data = daily.map((d) => ({
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
        <WindowPicker className="ml-auto" windows={WINDOWS} value={days} onChange={setDays} />
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
