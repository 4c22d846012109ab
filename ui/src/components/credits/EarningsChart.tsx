// Earnings per day as stacked bars: sales (after the fee) and tips, one bar a day, oldest first.

import type { EarningsDay } from '../../api/types';
import { formatDate } from '../../lib/format';

const W = 640;
const H = 160;
const PAD = 8;

export function EarningsChart({ days }: { days: EarningsDay[] }) {
  const first = days[0];
  const last = days[days.length - 1];
  if (!first || !last) return null;
  const max = Math.max(1, ...days.map((d) => d.sales + d.tips));
  const slot = (W - 2 * PAD) / days.length;
  const bar = Math.max(1, slot * 0.7);
  const h = (n: number) => (n / max) * (H - 2 * PAD);
  const total = days.reduce((sum, d) => sum + d.sales + d.tips, 0);
  return (
    <figure className="mt-3">
      <svg
        viewBox={`0 0 ${W} ${H}`}
        className="h-40 w-full"
        role="img"
        aria-label={`${total} credits earned from ${formatDate(first.day)} to ${formatDate(last.day)}, at most ${max} in a day`}
        preserveAspectRatio="none"
      >
        <line x1={PAD} x2={W - PAD} y1={H - PAD} y2={H - PAD} className="stroke-line" strokeWidth="1" />
        {days.map((d, i) => {
          const x = PAD + i * slot + (slot - bar) / 2;
          const sales = h(d.sales);
          const tips = h(d.tips);
          return (
            <g key={d.day}>
              <title>{`${formatDate(d.day)}: ${d.sales} from sales, ${d.tips} in tips`}</title>
              {d.sales > 0 && <rect x={x} y={H - PAD - sales} width={bar} height={sales} className="fill-accent" rx="1" />}
              {d.tips > 0 && (
                <rect x={x} y={H - PAD - sales - tips} width={bar} height={tips} className="fill-emerald-500" rx="1" />
              )}
            </g>
          );
        })}
      </svg>
      <figcaption className="mt-1 flex items-center gap-4 text-xs text-fg-subtle">
        <span>{formatDate(first.day)}</span>
        <span className="ml-auto flex items-center gap-1.5">
          <span className="h-2 w-2 rounded-sm bg-accent" aria-hidden /> Sales
        </span>
        <span className="flex items-center gap-1.5">
          <span className="h-2 w-2 rounded-sm bg-emerald-500" aria-hidden /> Tips
        </span>
        <span className="ml-auto">today</span>
      </figcaption>
    </figure>
  );
}
