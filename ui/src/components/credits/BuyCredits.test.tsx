import { afterEach, describe, expect, it, vi } from 'vitest';
import { screen } from '@testing-library/react';
import { FakeTransport } from '../../test/fakeTransport';
import { renderApp } from '../../test/renderApp';
import { me } from '../../test/fixtures';
import type { PacksOutput } from '../../api/types';

const PACKS: PacksOutput = {
  for_sale: true,
  packs: [
    { id: 'pack_50', credits: 50, amount: 299, currency: 'usd' },
    { id: 'pack_150', credits: 150, amount: 699, currency: 'usd' },
  ],
};

function server(packs: PacksOutput): FakeTransport {
  const t = new FakeTransport([]);
  t.me = async () => me({ auth_mode: 'oidc' });
  t.handlers['credits.packs'] = () => packs;
  t.handlers['sessions.list'] = () => ({ sessions: [] });
  t.handlers['ledger.list'] = () => ({ entries: [], balance: 50 });
  t.handlers['credits.buy'] = () => ({ purchase_id: 'p1', checkout_url: 'https://checkout.stripe.com/c/pay/cs_1' });
  return t;
}

afterEach(() => vi.unstubAllGlobals());

describe('Buying credits', () => {
  it('lists the packs with their prices and sends the buyer to the payment page with only the pack', async () => {
    const assign = vi.fn();
    vi.stubGlobal('location', { ...window.location, assign });
    const t = server(PACKS);
    const { user } = renderApp(t, '/credits');
    const buy = await screen.findByRole('button', { name: 'Buy 150 credits for $6.99' });
    expect(screen.getByText('Best value')).toBeInTheDocument();
    await user.click(buy);
    expect(t.calls).toContainEqual(['credits.buy', { pack_id: 'pack_150' }]);
    await vi.waitFor(() => expect(assign).toHaveBeenCalledWith('https://checkout.stripe.com/c/pay/cs_1'));
  });

  it('is absent where the server sells no credits', async () => {
    const t = server({ ...PACKS, for_sale: false });
    renderApp(t, '/credits');
    await screen.findByRole('heading', { name: 'Credits' });
    await vi.waitFor(() => expect(t.calls.map(([m]) => m)).toContain('credits.packs'));
    await new Promise((r) => setTimeout(r, 50));
    expect(screen.queryByRole('list', { name: 'Credit packs' })).not.toBeInTheDocument();
  });
});
