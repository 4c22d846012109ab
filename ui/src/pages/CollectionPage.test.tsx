import { describe, expect, it } from 'vitest';
import { screen, within } from '@testing-library/react';
import { FakeTransport } from '../test/fakeTransport';
import { renderApp } from '../test/renderApp';
import { image, me } from '../test/fixtures';
import type { Collection, CollectionDetail } from '../api/types';

const PREMIUM: Collection = {
  id: 'c1',
  owner: { id: 'u2', username: 'grace' },
  title: 'Coastal evenings',
  description: 'Three studies of the shore',
  visibility: 'public',
  cover_image_id: 'img_0',
  image_count: 3,
  price: 10,
  sales: 0,
  mine: false,
  unlocked: false,
  created_at: 1,
  updated_at: 1,
};

const lock = (cover: boolean) => ({ collection_id: 'c1', title: 'Coastal evenings', price: 10, cover });

function detail(unlocked: boolean): CollectionDetail {
  return {
    collection: { ...PREMIUM, unlocked },
    images: [0, 1, 2].map((i) =>
      unlocked ? image({ id: `img_${i}` }) : image({ id: `img_${i}`, url: '', sha256: '', locked: lock(i === 0) }),
    ),
  };
}

function server(): FakeTransport {
  const t = new FakeTransport([]);
  t.me = async () => me({ id: 'u1', username: 'ada', auth_mode: 'oidc' });
  t.handlers['account.get'] = () => ({
    user: { id: 'u1', username: 'ada', email: null, role: 'user', created_at: 1 },
    balance: 40,
    charging: true,
    settings: me().settings,
  });
  t.handlers['collections.get'] = () => detail(false);
  t.handlers['collections.buy'] = () => ({ collection: { ...PREMIUM, unlocked: true, sales: 1 }, balance: 30 });
  return t;
}

describe('A premium collection', () => {
  it('shows its images locked until unlocked, then whole', async () => {
    const t = server();
    const { user } = renderApp(t, '/collections/c1');
    expect(await screen.findByRole('heading', { name: 'Coastal evenings' })).toBeInTheDocument();
    const grid = screen.getByRole('list', { name: 'Images' });
    expect(within(grid).getAllByText('Premium')).toHaveLength(3);
    expect(screen.getByText('You have 40 credits.')).toBeInTheDocument();
    t.handlers['collections.get'] = () => detail(true);
    await user.click(screen.getByRole('button', { name: 'Unlock for 10 credits' }));
    expect(t.calls).toContainEqual(['collections.buy', { collection_id: 'c1' }]);
    expect(await screen.findByText(/You unlocked this collection/)).toBeInTheDocument();
    expect(within(screen.getByRole('list', { name: 'Images' })).queryAllByText('Premium')).toHaveLength(0);
  });

  it('gives its owner the controls and no way to buy it', async () => {
    const t = server();
    t.handlers['collections.get'] = () => ({ collection: { ...PREMIUM, mine: true, unlocked: true }, images: [image({ id: 'img_0' }), image({ id: 'img_1' })] });
    t.handlers['collections.move_image'] = () => ({ ...PREMIUM, mine: true });
    const { user } = renderApp(t, '/collections/c1');
    expect(await screen.findByRole('form', { name: 'Edit collection' })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /^Unlock/ })).not.toBeInTheDocument();
    expect(screen.getByLabelText('Price in credits')).toHaveValue('10');
    const [first] = screen.getAllByRole('button', { name: 'Move later' });
    if (!first) throw new Error('no Move later button');
    await user.click(first);
    expect(t.calls).toContainEqual(['collections.move_image', { collection_id: 'c1', image_id: 'img_0', to_index: 1 }]);
  });
});
