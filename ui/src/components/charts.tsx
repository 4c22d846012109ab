// The pieces every page of figures is made of: a window picker, headline numbers with their trend, a
// titled chart card (with a text summary for screen readers), bars per day, and a ranked list.

import type { ReactNode } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { cn } from '../lib/format';

/** "Dec 7" for a UTC day's start. */
export function dayLabel(ms: number): string {
  return new Date(ms).toLocaleDateString('en-US', { month: 'short', day: 'numeric', timeZone: 'UTC' });
}

export function WindowPicker({
  windows,
  value,
  onChange,
  className,
}: {
  windows: readonly number[];
  value: number;
  onChange: (days: number) => void;
  className?: string;
}) {
  return (
    <div className={cn('flex rounded-lg border border-line bg-surface-1 p-0.5', className)} role="radiogroup" aria-label="Window">
      {windows.map((w) => (
        <button
          key={w}
          type="button"
          role="radio"
          aria-checked={value === w}
          className={cn('h-7 rounded-md px-2.5 text-xs font-medium', value === w ? 'bg-surface-3 text-fg' : 'text-fg-muted hover:text-fg')}
          onClick={() => onChange(w)}
        >
          {w === 365 ? '1 year' : `${w} days`}
        </button>
      ))}
    </div>
  );
}

export type Trend = 'up' | 'down' | 'flat';

export function trendOf(now: number, before: number): Trend {
  return now > before ? 'up' : now < before ? 'down' : 'flat';
}

export function Kpi({ label, value, detail, trend }: { label: string; value: string; detail?: string; trend?: Trend }) {
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

export function ChartCard({ title, summary, children }: { title: string; summary: string; children: ReactNode }) {
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

/** One bar per day for each series; bars that share a `stack` are stacked. */
export function DailyBars({
  data,
  bars,
}: {
  /** One row per day: `day` the axis label, each bar's key its value. */
  data: Array<Record<string, string | number>>;
  bars: Array<{ key: string; colour: string; stack?: string }>;
}) {
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

/** A ranked list with a bar for each count (models, prompts). */
export function Ranked({ title, items, label }: { title: string; items: Array<{ name: string; count: number }>; label: (name: string) => string }) {
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
