// The header's streak: today counted on opening the app, the days in a row, and the day's reward.

import { useEffect, useState } from 'react';
import { NavLink } from 'react-router';
import { Flame } from 'lucide-react';
import { useDailyClaim, useStreak } from '../../api/engagementHooks';
import { cn } from '../../lib/format';

/** How long the day's first claim shows what it gave. */
const CELEBRATE_MS = 6000;

export function StreakChip({ userId }: { userId: string }) {
  const claim = useDailyClaim(userId);
  const streak = useStreak(claim.isSuccess || claim.isError);
  const days = claim.data?.streak.current_days ?? streak.data?.current_days;
  const gift = claim.data?.claimed && claim.data.credits > 0 ? claim.data.credits : 0;
  const [celebrating, setCelebrating] = useState(false);
  useEffect(() => {
    if (!gift) return;
    setCelebrating(true);
    const done = setTimeout(() => setCelebrating(false), CELEBRATE_MS);
    return () => clearTimeout(done);
  }, [gift]);
  if (days === undefined) return null;
  const label = `Login streak: ${days} ${days === 1 ? 'day' : 'days'}${celebrating ? `, +${gift} today` : ''}`;
  return (
    <NavLink
      to="/achievements"
      aria-label={label}
      title={label}
      className={({ isActive }) =>
        cn(
          'flex h-8 items-center gap-1 rounded-full border border-line bg-surface-1 px-2.5 text-sm font-medium tabular-nums',
          isActive && 'bg-surface-2',
          celebrating && 'border-orange-400/60 shadow-[0_0_12px_rgba(251,146,60,0.35)]',
        )
      }
    >
      <Flame className={cn('h-4 w-4', days > 0 ? 'text-orange-400' : 'text-fg-subtle')} aria-hidden />
      {days}
      {celebrating && <span className="text-xs font-semibold text-orange-400">+{gift}</span>}
    </NavLink>
  );
}
