// Achievements and the login streak: XP and what is unlocked, each ladder with progress toward its next
// rung, and the streak with the days to its next milestone.

import { Flame, Lock, Trophy } from 'lucide-react';
import type { AchievementKind, AchievementView, StreakView, Tier } from '../api/types';
import { useAchievements, useStreak } from '../api/engagementHooks';
import { ErrorState, PageSpinner } from '../components/ui';
import { cn, formatCredits, formatDate } from '../lib/format';
import { useTitle } from '../lib/title';

const LADDERS: Array<{ kind: AchievementKind; title: string }> = [
  { kind: 'generations', title: 'Images generated' },
  { kind: 'longest_streak', title: 'Login streak' },
  { kind: 'followers', title: 'Followers' },
  { kind: 'likes_received', title: 'Likes received' },
  { kind: 'comments', title: 'Comments' },
  { kind: 'collections', title: 'Collections' },
];

const TIER_STYLE: Record<Tier, string> = {
  bronze: 'from-amber-700 to-orange-500 text-amber-50',
  silver: 'from-slate-400 to-slate-200 text-slate-900',
  gold: 'from-yellow-500 to-amber-300 text-yellow-950',
  platinum: 'from-cyan-300 to-violet-300 text-slate-900',
};

function ProgressBar({ value, max, label }: { value: number; max: number; label: string }) {
  const pct = max > 0 ? Math.min(100, Math.round((value / max) * 100)) : 0;
  return (
    <div role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={max} aria-valuenow={value} className="h-1.5 w-full overflow-hidden rounded-full bg-surface-3">
      <div className="h-full rounded-full bg-accent transition-[width]" style={{ width: `${pct}%` }} />
    </div>
  );
}

function shortDate(ms: number): string {
  return new Date(ms).toLocaleDateString('en-US', { month: 'short', day: 'numeric', year: 'numeric' });
}

function Badge({ a, creditRewards }: { a: AchievementView; creditRewards: boolean }) {
  const unlocked = a.unlocked_at !== null;
  const reward = creditRewards ? `, ${formatCredits(a.credits)}` : '';
  return (
    <li className={cn('card flex flex-col gap-2 p-3', !unlocked && 'opacity-80')} aria-label={`${a.title}${unlocked ? ', unlocked' : ''}`} title={`${a.description}${reward}`}>
      <div className="flex items-center gap-2.5">
        <span
          className={cn(
            'flex h-9 w-9 shrink-0 items-center justify-center rounded-xl bg-gradient-to-br',
            unlocked ? TIER_STYLE[a.tier] : 'from-surface-3 to-surface-2 text-fg-subtle',
          )}
          aria-hidden
        >
          {unlocked ? <Trophy className="h-4 w-4" /> : <Lock className="h-4 w-4" />}
        </span>
        <div className="min-w-0">
          <div className="truncate font-medium">{a.title}</div>
          <div className="truncate text-xs text-fg-muted">{a.description}</div>
        </div>
      </div>
      <ProgressBar value={a.progress} max={a.threshold} label={`${a.title}: ${a.progress} of ${a.threshold}`} />
      <div className="flex items-center justify-between gap-2 whitespace-nowrap text-[11px] text-fg-subtle tabular-nums">
        <span className="truncate">
          <span className="capitalize">{a.tier}</span> · {a.xp} XP{creditRewards ? ` · +${a.credits}` : ''}
        </span>
        <span className="shrink-0" title={a.unlocked_at !== null ? formatDate(a.unlocked_at) : undefined}>
          {a.unlocked_at !== null ? shortDate(a.unlocked_at) : `${a.progress} / ${a.threshold}`}
        </span>
      </div>
    </li>
  );
}

function StreakCard({ streak }: { streak: StreakView }) {
  const next = streak.next_milestone;
  return (
    <section className="card flex flex-col gap-3 p-4" aria-label="Login streak">
      <div className="flex items-center gap-3">
        <Flame className={cn('h-8 w-8', streak.current_days > 0 ? 'text-orange-400' : 'text-fg-subtle')} aria-hidden />
        <div>
          <div className="text-2xl font-semibold tabular-nums">
            {streak.current_days} {streak.current_days === 1 ? 'day' : 'days'}
          </div>
          <div className="text-xs text-fg-muted">
            Longest {streak.longest_days} · {streak.claimed_today ? 'today counted' : 'open the app today to keep it'}
          </div>
        </div>
      </div>
      {next !== null && (
        <div className="flex flex-col gap-1.5">
          <ProgressBar value={streak.current_days} max={next} label={`Streak: ${streak.current_days} of ${next} days`} />
          <div className="text-xs text-fg-muted">
            {next - streak.current_days} more {next - streak.current_days === 1 ? 'day' : 'days'} to the {next}-day milestone
            {streak.next_bonus > 0 && ` (+${formatCredits(streak.next_bonus)})`}
          </div>
        </div>
      )}
      {streak.daily_credits > 0 && <div className="text-xs text-fg-subtle">Every day counted gives {formatCredits(streak.daily_credits)}. Days are UTC days.</div>}
    </section>
  );
}

export function AchievementsPage() {
  useTitle('Achievements');
  const list = useAchievements();
  const streak = useStreak();
  if (list.isPending || streak.isPending) return <PageSpinner />;
  if (list.isError) return <ErrorState className="min-h-[50vh]" error={list.error} onRetry={() => void list.refetch()} />;
  if (streak.isError) return <ErrorState className="min-h-[50vh]" error={streak.error} onRetry={() => void streak.refetch()} />;
  const { achievements, xp, unlocked, credit_rewards } = list.data;
  return (
    <div className="mx-auto max-w-5xl px-4 py-6 sm:px-6">
      <div className="mb-5 flex flex-wrap items-baseline gap-3">
        <h1 className="text-lg font-semibold">Achievements</h1>
        <span className="chip tabular-nums">{unlocked} of {achievements.length} unlocked</span>
        <span className="chip tabular-nums">{xp.toLocaleString('en-US')} XP</span>
      </div>
      <div className="grid gap-6 lg:grid-cols-[18rem_1fr]">
        <div>
          <StreakCard streak={streak.data} />
        </div>
        <div className="flex flex-col gap-6">
          {LADDERS.map(({ kind, title }) => {
            const rungs = achievements.filter((a) => a.kind === kind);
            if (rungs.length === 0) return null;
            return (
              <section key={kind} aria-label={title}>
                <h2 className="mb-2 text-sm font-semibold text-fg-muted">{title}</h2>
                <ul className="grid gap-3 sm:grid-cols-2 xl:grid-cols-3">
                  {rungs.map((a) => (
                    <Badge key={a.id} a={a} creditRewards={credit_rewards} />
                  ))}
                </ul>
              </section>
            );
          })}
        </div>
      </div>
    </div>
  );
}
