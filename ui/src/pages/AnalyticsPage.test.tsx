import { describe, expect, it, vi } from 'vitest';
import { screen, waitFor, within } from '@testing-library/react';
import type { DayActivity, PersonalAnalytics } from '../api/types';
import { FakeTransport } from '../test/fakeTransport';
import { me } from '../test/fixtures';
import { renderApp } from '../test/renderApp';

const DAY = 86_400_000;

function day(i: number, over: Partial<DayActivity> = {}): DayActivity {
  return { day: Date.UTC(2026, 11, 1) + i * DAY, generations: 0, succeeded: 0, failed: 0, credits_spent: 0, credits_earned: 0, credits_rewarded: 0, ...over };
}

function analytics(days: number): PersonalAnalytics {
  const daily = Array.from({ length: days }, (_, i) => day(i, i === days - 1 ? { generations: 5, succeeded: 4, failed: 1, credits_spent: 12 } : {}));
  return {
    days,
    daily,
    totals: { ...day(0), generations: 5, succeeded: 4, failed: 1, credits_spent: 12, credits_earned: 3 },
    success_rate: 0.8,
    models: [
      { name: 'local-sketch', count: 4 },
      { name: 'gpt-image-2', count: 1 },
    ],
    top_prompts: [{ name: 'a harbour at dawn', count: 3 }],
    this_week: { generations: 5, succeeded: 4, credits_spent: 12, credits_earned: 3 },
    last_week: { generations: 4, succeeded: 4, credits_spent: 12, credits_earned: 0 },
  };
}

describe('Analytics', () => {
  it('shows the week against the last, the rate, models and prompts, and changes the window', async () => {
    const transport = new FakeTransport([]);
    transport.me = vi.fn(async () => me());
    transport.handlers['analytics.personal'] = (input) => analytics((input as { days: number }).days);
    const { user } = renderApp(transport, '/analytics');
    await screen.findByRole('heading', { name: 'Analytics' });
    const week = screen.getByRole('group', { name: 'Images this week' });
    expect(week).toHaveTextContent('5');
    expect(week).toHaveTextContent('+25% on last week');
    expect(screen.getByRole('group', { name: 'Success rate, 30 days' })).toHaveTextContent('80%');
    expect(screen.getByRole('group', { name: 'Credits earned this week' })).toHaveTextContent('new');
    const models = screen.getByRole('region', { name: 'Models used' });
    expect(within(models).getAllByRole('listitem')[0]).toHaveTextContent('Offline sketch');
    expect(screen.getByRole('region', { name: 'Top prompts' })).toHaveTextContent('a harbour at dawn');
    expect(screen.getByRole('region', { name: 'Generations per day' })).toHaveTextContent('4 images made and 1 failed in 30 days');

    await user.click(screen.getByRole('radio', { name: '7 days' }));
    await waitFor(() => expect(transport.calls.some(([m, i]) => m === 'analytics.personal' && (i as { days: number }).days === 7)).toBe(true));
    expect(await screen.findByRole('group', { name: 'Success rate, 7 days' })).toBeInTheDocument();
  });

  it('says there is nothing yet for a new account', async () => {
    const transport = new FakeTransport([]);
    transport.me = vi.fn(async () => me());
    const empty = analytics(30);
    transport.handlers['analytics.personal'] = () => ({
      ...empty,
      daily: empty.daily.map((d) => ({ ...d, generations: 0, succeeded: 0, failed: 0, credits_spent: 0 })),
      totals: day(0),
      success_rate: null,
      models: [],
      top_prompts: [],
    });
    renderApp(transport, '/analytics');
    expect(await screen.findByText('Nothing to count yet')).toBeInTheDocument();
  });
});
