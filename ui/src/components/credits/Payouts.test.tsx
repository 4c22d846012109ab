import { describe, expect, it } from 'vitest';
import { screen } from '@testing-library/react';
import { FakeTransport } from '../../test/fakeTransport';
import { renderApp } from '../../test/renderApp';
import { me } from '../../test/fixtures';
import type { PayoutsOutput } from '../../api/types';

const READY: PayoutsOutput = {
  available: true,
  connected: true,
  ready: true,
  payable_credits: 600,
  payable_amount: 1800,
  held_credits: 0,
  hold_days: 14,
  cents_per_credit: 3,
  minimum_credits: 500,
  payouts: [],
};

function server(status: PayoutsOutput): FakeTransport {
  const t = new FakeTransport([]);
  t.me = async () => me({ auth_mode: 'oidc' });
  t.handlers['earnings.summary'] = () => ({ sales: 0, gross: 0, fees: 0, net: 0, tips: 600, days: [] });
  t.handlers['payouts.status'] = () => status;
  t.handlers['payouts.request'] = () => ({
    id: 'po1',
    user_id: 'u1',
    credits: 600,
    amount: 1800,
    currency: 'usd',
    status: 'in_transit',
    created_at: 1,
    updated_at: 1,
  });
  return t;
}

describe('Payouts', () => {
  it('pays out what is payable once the account is ready', async () => {
    const t = server(READY);
    const { user } = renderApp(t, '/earnings');
    expect(await screen.findByLabelText('Payable: 600 credits')).toHaveTextContent('$18.00');
    await user.click(screen.getByRole('button', { name: 'Pay out $18.00' }));
    expect(t.calls.map(([m]) => m)).toContain('payouts.request');
  });

  it('asks to set up payouts first, and waits for the minimum', async () => {
    renderApp(server({ ...READY, connected: false, ready: false }), '/earnings');
    expect(await screen.findByRole('button', { name: 'Set up payouts' })).toBeEnabled();
  });

  it('says where payouts start when too little is payable', async () => {
    renderApp(server({ ...READY, payable_credits: 100, payable_amount: 300 }), '/earnings');
    expect(await screen.findByRole('button', { name: 'Payouts start at 500 credits' })).toBeDisabled();
  });

  it('shows why a payout has not reached the bank', async () => {
    const failure = 'your bank refused the payout (The bank account has been closed.); update your bank details on Stripe and it is sent again';
    const payouts: PayoutsOutput['payouts'] = [
      { id: 'po1', user_id: 'u1', credits: 600, amount: 1800, currency: 'usd', status: 'in_transit', failure, created_at: 1, updated_at: 2 },
    ];
    renderApp(server({ ...READY, payouts }), '/earnings');
    expect(await screen.findByText(failure)).toBeInTheDocument();
    expect(screen.getByText('On its way')).toBeInTheDocument();
  });

  it('is absent where the server pays nothing out', async () => {
    renderApp(server({ ...READY, available: false }), '/earnings');
    await screen.findByRole('heading', { name: 'Earnings' });
    await new Promise((r) => setTimeout(r, 50));
    expect(screen.queryByRole('heading', { name: 'Payouts' })).not.toBeInTheDocument();
  });
});
