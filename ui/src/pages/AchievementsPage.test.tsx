import { describe, expect, it, vi } from 'vitest';
import { screen, waitFor, within } from '@testing-library/react';
import type { AchievementView, AchievementsOutput, StreakClaimOutput, StreakView } from '../api/types';
import { FakeTransport } from '../test/fakeTransport';
import { me } from '../test/fixtures';
import { renderApp } from '../test/renderApp';

const streak: StreakView = {
  current_days: 6,
  longest_days: 9,
  claimed_today: true,
  next_milestone: 7,
  next_bonus: 2,
  daily_credits: 1,
  next_day_at: Date.UTC(2026, 11, 8),
};

function achievement(over: Partial<AchievementView>): AchievementView {
  return {
    id: 'generations_10',
    kind: 'generations',
    title: 'Getting going',
    description: 'Generate 10 images',
    tier: 'silver',
    xp: 50,
    credits: 2,
    threshold: 10,
    progress: 4,
    unlocked_at: null,
    ...over,
  };
}

const list: AchievementsOutput = {
  achievements: [
    achievement({ id: 'generations_1', title: 'First light', tier: 'bronze', xp: 10, credits: 1, threshold: 1, progress: 1, unlocked_at: Date.UTC(2026, 11, 1) }),
    achievement({}),
    achievement({ id: 'followers_1', kind: 'followers', title: 'First follower', description: 'Have 1 follower', tier: 'bronze', threshold: 1, progress: 0 }),
  ],
  xp: 10,
  unlocked: 1,
  credit_rewards: true,
};

function server(claim: StreakClaimOutput) {
  const transport = new FakeTransport([]);
  transport.me = vi.fn(async () => me());
  transport.handlers['streaks.claim'] = () => claim;
  transport.handlers['streaks.get'] = () => claim.streak;
  transport.handlers['achievements.list'] = () => list;
  transport.handlers['notifications.list'] = () => ({ notifications: [], unread: 0 });
  transport.handlers['messages.conversations'] = () => ({ conversations: [], unread: 0 });
  return transport;
}

describe('Achievements and the login streak', () => {
  it('counts today once on opening the app and shows what the day gave', async () => {
    const transport = server({ streak, claimed: true, credits: 1, milestone: null });
    const { user } = renderApp(transport, '/credits');
    const chip = await screen.findByRole('link', { name: 'Login streak: 6 days, +1 today' });
    expect(chip).toHaveTextContent('6+1');
    await user.click(chip);
    await screen.findByRole('heading', { name: 'Achievements' });
    expect(transport.calls.filter(([m]) => m === 'streaks.claim')).toHaveLength(1);
  });

  it('lists each ladder with progress, XP and what is unlocked', async () => {
    const transport = server({ streak, claimed: false, credits: 0, milestone: null });
    renderApp(transport, '/achievements');
    await screen.findByRole('heading', { name: 'Achievements' });
    expect(screen.getByText('1 of 3 unlocked')).toBeInTheDocument();
    expect(screen.getByText('10 XP')).toBeInTheDocument();
    const generated = screen.getByRole('region', { name: 'Images generated' });
    expect(within(generated).getByRole('listitem', { name: 'First light, unlocked' })).toBeInTheDocument();
    const next = within(generated).getByRole('progressbar', { name: 'Getting going: 4 of 10' });
    expect(next).toHaveAttribute('aria-valuenow', '4');
    expect(within(generated).getByText('4 / 10')).toBeInTheDocument();
    const streakCard = screen.getByRole('region', { name: 'Login streak' });
    expect(within(streakCard).getByText('1 more day to the 7-day milestone (+2 credits)')).toBeInTheDocument();
    // Not claimed fresh this time: no celebration in the header.
    await waitFor(() => expect(screen.getByRole('link', { name: 'Login streak: 6 days' })).toBeInTheDocument());
  });
});
