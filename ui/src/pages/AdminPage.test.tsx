import { describe, expect, it, vi } from 'vitest';
import { screen, waitFor, within } from '@testing-library/react';
import type { AdminOverview, AdminUserDetail, CreditAdjustment, OverviewDay, User } from '../api/types';
import { FakeTransport } from '../test/fakeTransport';
import { account, me } from '../test/fixtures';
import { renderApp } from '../test/renderApp';

const grace: User = { id: 'u2', username: 'grace', email: 'grace@example.com', role: 'user', created_at: 0, admin_granted: false };

function detail(balance: number): AdminUserDetail {
  return { user: grace, balance, owed: 0, images: 3, image_bytes: 2048, sessions: [], ledger: [], actions: [] };
}

function adminTransport() {
  const transport = new FakeTransport([]);
  transport.me = vi.fn(async () => me({ role: 'admin' }));
  const admin = account();
  transport.handlers['account.get'] = () => ({ ...admin, user: { ...admin.user, role: 'admin' } });
  transport.handlers['admin.users.search'] = () => ({ users: [{ user: grace, balance: 20 }] });
  transport.handlers['admin.users.get'] = () => detail(20);
  return transport;
}

describe('Admin', () => {
  it('is for admins only', async () => {
    const transport = new FakeTransport([]);
    transport.me = vi.fn(async () => me());
    renderApp(transport, '/admin');
    expect(await screen.findByRole('heading', { name: 'Admins only' })).toBeInTheDocument();
    expect(transport.calls.some(([m]) => m.startsWith('admin.'))).toBe(false);
  });

  it('opens on the overview: accounts, images, storage, credits and each provider’s success', async () => {
    const transport = adminTransport();
    const day = (n: number, over: Partial<OverviewDay> = {}): OverviewDay => ({
      day: n * 86_400_000,
      signups: 0,
      active: 0,
      images_made: 0,
      images_failed: 0,
      credits_bought: 0,
      credits_spent: 0,
      credits_refunded: 0,
      credits_earned: 0,
      ...over,
    });
    const overview = (days: number): AdminOverview => ({
      days,
      daily: Array.from({ length: days }, (_, i) => day(20_000 + i, i === days - 1 ? { signups: 2, active: 3, images_made: 9, images_failed: 1 } : {})),
      totals: day(20_000, { signups: 2, active: 3, images_made: 9, images_failed: 1, credits_bought: 500, credits_spent: 40, credits_refunded: 6, credits_earned: 5 }),
      accounts: { total: 12, suspended: 1, active_today: 3, active_week: 5, active_month: 8 },
      storage: { images: 9, bytes: 3 * 1024 * 1024 * 1024 },
      providers: [
        { name: 'openai', provider: 'openai', jobs: 4, succeeded: 2, failed: 2, moderated: 1, success_rate: 0.5, mean_seconds: 12.25 },
        { name: 'local', provider: 'local', jobs: 6, succeeded: 6, failed: 0, moderated: 0, success_rate: 1, mean_seconds: 0.4 },
      ],
      models: [{ name: 'local-sketch', provider: 'local', jobs: 6, succeeded: 6, failed: 0, moderated: 0, success_rate: 1, mean_seconds: 0.4 }],
    });
    transport.handlers['admin.overview'] = (input) => overview((input as { days: number }).days);
    const { user } = renderApp(transport, '/admin');
    expect(await screen.findByRole('group', { name: 'Accounts' })).toHaveTextContent('12');
    expect(screen.getByRole('group', { name: 'Accounts' })).toHaveTextContent('1 suspended');
    expect(screen.getByRole('group', { name: 'Active today' })).toHaveTextContent('5 this week · 8 this month');
    expect(screen.getByRole('group', { name: 'Images, 30 days' })).toHaveTextContent('90% succeeded');
    expect(screen.getByRole('group', { name: 'Storage' })).toHaveTextContent('3.0 GB');
    expect(screen.getByRole('group', { name: 'Credits spent' })).toHaveTextContent('34 after refunds');
    const providers = screen.getByRole('region', { name: 'Providers' });
    const openai = within(providers).getByRole('row', { name: /OpenAI/ });
    expect(openai).toHaveTextContent('50%');
    expect(openai).toHaveTextContent('12.3 s');
    expect(within(openai).getByText('50%')).toHaveClass('text-rose-400');
    transport.handlers['providers.health'] = () => ({
      providers: [
        { id: 'openai', name: 'OpenAI', configured: true, offline: false, health: { reachable: true, balance: '$12.50' }, low: false },
        { id: 'stability', name: 'Stability AI', configured: true, offline: false, health: { reachable: false, message: 'HTTP 401' }, low: false },
        { id: 'bfl', name: 'Black Forest Labs', configured: true, offline: false, health: { reachable: true, balance: '40.50 credits', credits: 40.5 }, low_credits: 100, low: true },
        { id: 'ideogram', name: 'Ideogram', configured: false, offline: false, health: {}, low: false },
      ],
    });
    const status = screen.getByRole('region', { name: 'Provider status' });
    expect(transport.calls.some(([m]) => m === 'providers.health')).toBe(false);
    await user.click(within(status).getByRole('button', { name: 'Check providers' }));
    expect(await within(status).findByRole('listitem', { name: 'OpenAI' })).toHaveTextContent('ReachableBalance $12.50');
    expect(within(status).getByRole('listitem', { name: 'Stability AI' })).toHaveTextContent('Unreachable: HTTP 401');
    expect(within(status).queryByRole('listitem', { name: 'Ideogram' })).toBeNull();
    const bfl = within(status).getByRole('listitem', { name: 'Black Forest Labs' });
    expect(bfl).toHaveTextContent('Low balance');
    transport.handlers['admin.providers.alert'] = (input) => input;
    const threshold = within(bfl).getByLabelText('Warn under');
    expect(threshold).toHaveValue('100');
    await user.clear(threshold);
    await user.type(threshold, '30');
    await user.click(within(bfl).getByRole('button', { name: 'Save' }));
    await user.clear(within(status).getByLabelText('Warn under'));
    await user.click(within(status).getByRole('button', { name: 'Save' }));
    await waitFor(() =>
      expect(transport.calls.filter(([m]) => m === 'admin.providers.alert').map(([, i]) => i)).toEqual([
        { provider_id: 'bfl', low_credits: 30 },
        { provider_id: 'bfl' },
      ]),
    );
    await user.click(screen.getByRole('radio', { name: '90 days' }));
    expect(await screen.findByRole('group', { name: 'Images, 90 days' })).toBeInTheDocument();
    expect(transport.calls.filter(([m]) => m === 'admin.overview').map(([, i]) => i)).toEqual([{ days: 30 }, { days: 90 }]);
  });

  it('warns an account in the admin’s words', async () => {
    const transport = adminTransport();
    transport.handlers['admin.users.warn'] = () => ({ notification_id: 'n1' });
    const { user } = renderApp(transport, '/admin?tab=users');
    await user.click(await screen.findByRole('button', { name: /^grace/ }));
    const region = await screen.findByRole('region', { name: 'Account grace' });
    const form = within(region).getByRole('form', { name: 'Warn grace' });
    const send = within(form).getByRole('button', { name: 'Send warning' });
    expect(send).toBeDisabled();
    await user.type(within(form).getByLabelText('Warn grace'), '  Keep comments about the work. ');
    await user.click(send);
    expect(await within(form).findByRole('status')).toHaveTextContent('Warning sent');
    const sent = transport.calls.filter(([m]) => m === 'admin.users.warn').map(([, i]) => i);
    expect(sent).toEqual([{ user_id: expect.any(String), message: 'Keep comments about the work.' }]);
  });

  it('adjusts an account’s credits with a reason, one key per adjustment', async () => {
    const transport = adminTransport();
    transport.handlers['admin.credits.adjust'] = (input) => {
      const i = input as CreditAdjustment;
      return {
        entry: { id: 'e1', user_id: i.user_id, kind: 'adjustment', amount: i.amount, balance_after: 35, idempotency_key: 'k', memo: i.reason, created_at: 1 },
        balance: 35,
      };
    };
    const { user } = renderApp(transport, '/admin?tab=users');
    await user.click(await screen.findByRole('button', { name: /^grace/ }));
    const region = await screen.findByRole('region', { name: 'Account grace' });
    const form = within(region).getByRole('form', { name: 'Adjust credits' });
    const apply = within(form).getByRole('button', { name: 'Apply' });
    await user.type(within(form).getByLabelText('Credits (negative to take away)'), '15');
    expect(apply).toBeDisabled();
    await user.type(within(form).getByLabelText('Reason'), 'Contest prize');
    await user.click(apply);
    expect(await within(form).findByRole('status')).toHaveTextContent('Added 15 · balance now 35');
    const sent = transport.calls.filter(([m]) => m === 'admin.credits.adjust').map(([, i]) => i as CreditAdjustment);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ user_id: 'u2', amount: 15, reason: 'Contest prize' });
    expect(sent[0]?.idempotency_key).toMatch(/.{8,}/);

    // The next adjustment gets a key of its own.
    await user.type(within(form).getByLabelText('Credits (negative to take away)'), '-5');
    await user.type(within(form).getByLabelText('Reason'), 'Correction');
    await user.click(apply);
    await waitFor(() => expect(transport.calls.filter(([m]) => m === 'admin.credits.adjust')).toHaveLength(2));
    const keys = transport.calls.filter(([m]) => m === 'admin.credits.adjust').map(([, i]) => (i as CreditAdjustment).idempotency_key);
    expect(keys[0]).not.toEqual(keys[1]);
  });

  it('suspends with a reason and shows the audit log', async () => {
    const transport = adminTransport();
    transport.handlers['admin.users.suspend'] = () => ({ user: { ...grace, suspended_at: 5 }, sessions_ended: 2 });
    transport.handlers['admin.audit.list'] = () => ({
      entries: [
        { id: 'a1', admin: { id: 'u1', username: 'ada' }, kind: 'user_suspend', target: { id: 'u2', username: 'grace' }, reason: 'Spam run', change: { sessions_ended: 2 }, created_at: 5 },
      ],
    });
    const { user } = renderApp(transport, '/admin?tab=users');
    await user.click(await screen.findByRole('button', { name: /^grace/ }));
    const region = await screen.findByRole('region', { name: 'Account grace' });
    const suspend = within(region).getByRole('button', { name: 'Suspend' });
    expect(suspend).toBeDisabled();
    await user.type(within(region).getByLabelText('Reason for the action'), 'Spam run');
    await user.click(suspend);
    await waitFor(() => expect(transport.calls.some(([m, i]) => m === 'admin.users.suspend' && (i as { reason: string }).reason === 'Spam run')).toBe(true));

    await user.click(screen.getByRole('tab', { name: 'Audit log' }));
    const log = await screen.findByRole('region', { name: 'Audit log' });
    expect(await within(log).findByText('Spam run')).toBeInTheDocument();
    expect(within(log).getByRole('row', { name: /ada Suspended grace Spam run 2 sessions ended/ })).toBeInTheDocument();
  });

  it('resolves a report with a reason: the reported image hidden', async () => {
    const transport = adminTransport();
    transport.handlers['reports.list'] = () => ({
      reports: [{ id: 'r1', reporter_id: 'u3', target: 'user', target_id: 'u2', reason: 'Spam profile', created_at: 1, resolved_at: null }],
      comments: [],
    });
    transport.handlers['admin.reports.resolve'] = () => ({ reports_closed: 1 });
    const { user } = renderApp(transport, '/admin');
    await user.click(await screen.findByRole('tab', { name: 'Reports' }));
    const item = await screen.findByRole('listitem', { name: 'Report of account u2' });
    expect(item).toHaveTextContent('Spam profile');
    // An account's report is dismissed here; only images are hidden or deleted.
    expect(within(item).queryByRole('button', { name: 'Hide image' })).toBeNull();
    const dismiss = within(item).getByRole('button', { name: 'Dismiss' });
    expect(dismiss).toBeDisabled();
    await user.type(within(item).getByLabelText('Reason for the decision'), 'No violation');
    await user.click(dismiss);
    await waitFor(() =>
      expect(transport.calls.find(([m]) => m === 'admin.reports.resolve')?.[1]).toEqual({ report_id: 'r1', outcome: 'dismiss', reason: 'No violation' }),
    );
  });

  it('lists what providers refused and opens the account behind a refusal', async () => {
    const transport = adminTransport();
    transport.handlers['reports.list'] = () => ({ reports: [], comments: [] });
    transport.handlers['admin.refusals.list'] = () => ({
      refusals: [
        { job_id: 'j1', owner: { id: 'u2', username: 'grace' }, provider: 'openai', model: 'gpt-image-2', prompt: 'something not allowed', message: 'Your request was rejected by the safety system', at: 5 },
      ],
      next: null,
    });
    const { user } = renderApp(transport, '/admin?tab=reports');
    const refusals = await screen.findByRole('region', { name: 'Refused by providers' });
    const item = await within(refusals).findByRole('listitem', { name: 'Refusal for grace' });
    expect(item).toHaveTextContent('something not allowed');
    expect(item).toHaveTextContent('rejected by the safety system');
    await user.click(within(item).getByRole('button', { name: 'grace' }));
    expect(await screen.findByRole('region', { name: 'Account grace' })).toBeInTheDocument();
    expect(screen.getByRole('tab', { name: 'Users' })).toHaveAttribute('aria-selected', 'true');
  });

  it('shows a reported comment and removes it with a reason', async () => {
    const transport = adminTransport();
    transport.handlers['reports.list'] = () => ({
      reports: [{ id: 'r2', reporter_id: 'u3', target: 'comment', target_id: 'c1', reason: 'Insults', created_at: 1, resolved_at: null }],
      comments: [{ id: 'c1', image_id: 'i1', author: { id: 'u2', username: 'grace' }, body: 'you are all idiots' }],
    });
    transport.handlers['admin.refusals.list'] = () => ({ refusals: [], next: null });
    transport.handlers['admin.reports.resolve'] = () => ({ reports_closed: 1 });
    const { user } = renderApp(transport, '/admin?tab=reports');
    const item = await screen.findByRole('listitem', { name: 'Report of comment c1' });
    expect(item).toHaveTextContent('by grace');
    expect(item).toHaveTextContent('you are all idiots');
    await user.type(within(item).getByLabelText('Reason for the decision'), 'Insults');
    await user.click(within(item).getByRole('button', { name: 'Remove comment' }));
    await waitFor(() =>
      expect(transport.calls.find(([m]) => m === 'admin.reports.resolve')?.[1]).toEqual({ report_id: 'r2', outcome: 'delete', reason: 'Insults' }),
    );
  });

  it('turns a model off with a reason', async () => {
    const transport = adminTransport();
    const sketch = { id: 'local-sketch', name: 'Offline sketch renderer', provider: 'local', offline: true, enabled: true, credits: 0, max_images: 4, default_credits: 0, default_max_images: 4 };
    transport.handlers['admin.models.list'] = () => ({ models: [sketch] });
    transport.handlers['admin.models.update'] = (input) => ({ ...sketch, enabled: (input as { enabled: boolean }).enabled });
    const { user } = renderApp(transport, '/admin');
    await user.click(await screen.findByRole('tab', { name: 'Models' }));
    const row = await screen.findByRole('row', { name: 'Offline sketch renderer' });
    await user.click(within(row).getByRole('switch', { name: 'Offline sketch renderer on' }));
    const save = within(row).getByRole('button', { name: 'Save' });
    expect(save).toBeDisabled();
    await user.type(screen.getByLabelText('Reason for a change'), 'Maintenance');
    await user.click(save);
    await waitFor(() =>
      expect(transport.calls.find(([m]) => m === 'admin.models.update')?.[1]).toEqual({
        model_id: 'local-sketch',
        enabled: false,
        credits: 0,
        max_images: 4,
        reason: 'Maintenance',
      }),
    );
  });
});
