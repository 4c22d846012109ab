import { describe, expect, it } from 'vitest';
import { screen } from '@testing-library/react';
import { FakeTransport } from '../test/fakeTransport';
import { renderApp } from '../test/renderApp';
import { me } from '../test/fixtures';
import type { Listing } from '../api/types';

const LOCKED: Listing = {
  id: 'l1',
  seller: { id: 'u2', username: 'grace' },
  title: 'Copper lighthouse',
  description: 'Moody light',
  price: 15,
  tags: ['fog'],
  samples: ['img_1'],
  sales: 3,
  rating: 4.5,
  reviews: 2,
  listed: true,
  owned: false,
  mine: false,
  created_at: 1,
};

function server(): FakeTransport {
  const t = new FakeTransport([]);
  t.me = async () => me({ id: 'u1', username: 'ada', auth_mode: 'oidc' });
  t.handlers['market.get'] = () => LOCKED;
  t.handlers['market.reviews'] = () => ({ reviews: [] });
  t.handlers['account.get'] = () => ({
    user: { id: 'u1', username: 'ada', email: null, role: 'user', created_at: 1 },
    balance: 40,
    charging: true,
    settings: me().settings,
  });
  t.handlers['market.buy'] = () => ({
    listing: { ...LOCKED, owned: true, sales: 4, prompt: 'a copper lighthouse in fog' },
    balance: 25,
  });
  return t;
}

describe('A prompt for sale', () => {
  it('is locked until bought, then shows its prompt and a review form', async () => {
    const t = server();
    const { user } = renderApp(t, '/market/l1');
    expect(await screen.findByRole('heading', { name: 'Copper lighthouse' })).toBeInTheDocument();
    expect(screen.getByText('The prompt is shown once you buy it.')).toBeInTheDocument();
    expect(screen.getByLabelText('Rated 4.5 of 5 by 2')).toBeInTheDocument();
    t.handlers['market.get'] = () => ({ ...LOCKED, owned: true, sales: 4, prompt: 'a copper lighthouse in fog' });
    await user.click(screen.getByRole('button', { name: 'Buy for 15 credits' }));
    expect(t.calls).toContainEqual(['market.buy', { listing_id: 'l1' }]);
    expect(await screen.findByLabelText('Prompt text')).toHaveTextContent('a copper lighthouse in fog');
    expect(screen.getByRole('radiogroup', { name: 'Your rating' })).toBeInTheDocument();
  });

  it('cannot be bought with too few credits', async () => {
    const t = server();
    t.handlers['market.get'] = () => ({ ...LOCKED, price: 400 });
    renderApp(t, '/market/l1');
    expect(await screen.findByRole('button', { name: 'Buy for 400 credits' })).toBeDisabled();
    expect(screen.getByRole('link', { name: 'Buy credits' })).toBeInTheDocument();
  });
});
