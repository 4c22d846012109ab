import { describe, expect, it } from 'vitest';
import { screen, within } from '@testing-library/react';
import { FakeTransport } from '../../test/fakeTransport';
import { renderApp } from '../../test/renderApp';
import { image, me } from '../../test/fixtures';
import type { PrintChoice, PrintOffer } from '../../api/types';

const OFFERS: PrintOffer[] = [
  { product: 'poster', name: 'Poster', shipping: 499, extra_item_shipping: 200, sizes: [{ size: '12x18', price: 1499 }] },
  { product: 'canvas', name: 'Canvas', shipping: 799, extra_item_shipping: 200, sizes: [{ size: '12x16', price: 2999 }] },
];

function server(available: boolean): FakeTransport {
  const t = new FakeTransport([]);
  t.me = async () => me({ id: 'u1', username: 'ada', auth_mode: 'oidc' });
  t.handlers['images.get'] = () => image({ id: 'img_1', owner_id: 'u2', visibility: 'public' });
  t.handlers['prints.products'] = () => ({ products: OFFERS, available });
  t.handlers['prints.quote'] = (input) => {
    const c = input as PrintChoice;
    const unit = c.product === 'canvas' ? 2999 : 1499;
    const shipping = (c.product === 'canvas' ? 799 : 499) + 200 * (c.quantity - 1);
    return { ...c, unit_price: unit, items: unit * c.quantity, shipping, total: unit * c.quantity + shipping, currency: 'usd' };
  };
  return t;
}

describe('Order a print', () => {
  it('prices the choice with the server and shows the total', async () => {
    const t = server(true);
    const { user } = renderApp(t, '/images/img_1');
    await user.click(await screen.findByRole('button', { name: 'Order a print' }));
    const form = screen.getByRole('form', { name: 'Order a print' });
    await user.selectOptions(within(form).getByLabelText('Product'), 'canvas');
    const quote = await within(form).findByLabelText('Quote');
    expect(await within(quote).findByText('$37.98')).toBeInTheDocument();
    expect(t.calls).toContainEqual(['prints.quote', { image_id: 'img_1', product: 'canvas', size: '12x16', quantity: 1 }]);
  });

  it('is not offered where prints are not sold', async () => {
    renderApp(server(false), '/images/img_1');
    expect(await screen.findByRole('heading', { name: 'Generation record' })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Order a print' })).not.toBeInTheDocument();
  });
});
