import { describe, expect, it } from 'vitest';
import { screen, within } from '@testing-library/react';
import { FakeTransport } from '../../test/fakeTransport';
import { renderApp } from '../../test/renderApp';
import { me } from '../../test/fixtures';
import type { Profile, SendTip } from '../../api/types';

const GRACE: Profile = {
  user: { id: 'u2', username: 'grace' },
  followers: 0,
  following: 0,
  followed: false,
  own: false,
  blocked: false,
  joined_at: 1000,
  bio: '',
};

function server(charging: boolean): FakeTransport {
  const t = new FakeTransport([]);
  t.me = async () => me({ id: 'u1', username: 'ada', auth_mode: 'oidc' });
  t.handlers['profiles.get'] = () => GRACE;
  t.handlers['explore.list'] = () => ({ images: [] });
  t.handlers['account.get'] = () => ({
    user: { id: 'u1', username: 'ada', email: null, role: 'user', created_at: 1 },
    balance: 40,
    charging,
    settings: me().settings,
  });
  t.handlers['tips.send'] = (input) => ({ tip_id: 't1', balance: 40 - (input as SendTip).amount });
  return t;
}

describe('Tipping a creator', () => {
  it('sends the chosen credits and message once, under one request key', async () => {
    const t = server(true);
    const { user } = renderApp(t, '/u/grace');
    await user.click(await screen.findByRole('button', { name: 'Tip' }));
    const dialog = await screen.findByRole('dialog', { name: 'Tip @grace' });
    expect(within(dialog).getByText(/You have 40 credits/)).toBeInTheDocument();
    await user.click(within(dialog).getByRole('button', { name: '25' }));
    await user.type(within(dialog).getByLabelText('Message (optional)'), 'lovely');
    await user.click(within(dialog).getByRole('button', { name: 'Send 25 credits' }));
    expect(await within(dialog).findByText('You sent 25 credits to @grace. They have been told.')).toBeInTheDocument();
    const sent = t.calls.filter(([m]) => m === 'tips.send').map(([, input]) => input as SendTip);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ user_id: 'u2', amount: 25, message: 'lovely' });
    expect(sent[0]?.request_key).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('refuses more than the balance or the limits before asking the server', async () => {
    const t = server(true);
    const { user } = renderApp(t, '/u/grace');
    await user.click(await screen.findByRole('button', { name: 'Tip' }));
    const dialog = await screen.findByRole('dialog', { name: 'Tip @grace' });
    const amount = within(dialog).getByLabelText('Credits to tip');
    await user.clear(amount);
    await user.type(amount, '41');
    expect(within(dialog).getByRole('button', { name: 'Send 41 credits' })).toBeDisabled();
    await user.clear(amount);
    await user.type(amount, '0');
    expect(within(dialog).getByRole('button', { name: 'Send 0 credits' })).toBeDisabled();
  });

  it('is absent where credits are not in use', async () => {
    const t = server(false);
    renderApp(t, '/u/grace');
    await screen.findByRole('heading', { name: '@grace' });
    await new Promise((r) => setTimeout(r, 50));
    expect(screen.queryByRole('button', { name: 'Tip' })).not.toBeInTheDocument();
  });
});
