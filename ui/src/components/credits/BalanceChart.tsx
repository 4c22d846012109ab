// The balance over time as a step line: each ledger entry sets the balance until the next one.

import type { LedgerEntry } from '../../api/types';
import { formatDate } from '../../lib/format';

const W = 640;
const H = 160;
const PAD = 8;

/** `entries` newest first, as the ledger lists them. */
export function BalanceChart({ entries }: { entries: LedgerEntry[] }) {
  const points = [...entries].reverse();
  const start = points[0];
  const lastPoint = points[points.length - 1];
  if (!start || !lastPoint) return null;
  const first = start.created_at;
  // The line runs on to now: the balance holds until the next entry, so one entry is a flat line.
  const last = Math.max(Date.now(), lastPoint.created_at, first + 1);
  const max = Math.max(1, ...points.map((p) => p.balance_after));
  const x = (t: number) => PAD + ((t - first) / (last - first)) * (W - 2 * PAD);
  const y = (b: number) => H - PAD - (b / max) * (H - 2 * PAD);
  let d = `M ${x(start.created_at)} ${y(start.balance_after)}`;
  for (const p of points.slice(1)) d += ` H ${x(p.created_at)} V ${y(p.balance_after)}`;
  d += ` H ${x(last)}`;
  return (
    <figure className="mt-3">
      <svg
        viewBox={`0 0 ${W} ${H}`}
        className="h-40 w-full text-accent"
        role="img"
        aria-label={`Balance from ${start.balance_after} to ${lastPoint.balance_after} credits, ${formatDate(first)} to ${formatDate(lastPoint.created_at)}`}
        preserveAspectRatio="none"
      >
        <line x1={PAD} x2={W - PAD} y1={y(0)} y2={y(0)} className="stroke-line" strokeWidth="1" />
        <path d={`${d} V ${y(0)} H ${x(start.created_at)} Z`} className="fill-current opacity-10" />
        <path d={d} className="stroke-current" fill="none" strokeWidth="2" vectorEffect="non-scaling-stroke" />
      </svg>
      <figcaption className="mt-1 flex justify-between text-xs text-fg-subtle">
        <span>{formatDate(first)}</span>
        <span>
          max {max} · now {lastPoint.balance_after}
        </span>
        <span>now</span>
      </figcaption>
    </figure>
  );
}
