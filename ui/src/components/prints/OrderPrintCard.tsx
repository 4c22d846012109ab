// On an image page: order it printed. Product, size and quantity priced by the server's quote (the
// price shown is the price charged), the address it goes to, then Stripe's payment page.

import { useState } from 'react';
import { Package } from 'lucide-react';
import { useOrderPrint, usePrintProducts, usePrintQuote } from '../../api/printHooks';
import type { PrintProduct, Recipient } from '../../api/types';
import { formatMoney } from '../../lib/format';
import { ErrorBanner } from '../ui';

const EMPTY: Recipient = { name: '', address1: '', city: '', country_code: '', zip: '' };

export function OrderPrintCard({ imageId }: { imageId: string }) {
  const products = usePrintProducts();
  const [open, setOpen] = useState(false);
  if (!products.data?.available) return null;
  return (
    <section className="card p-4" aria-labelledby="print-title">
      <div className="flex items-center justify-between">
        <h2 id="print-title" className="text-xs font-medium uppercase tracking-wider text-fg-subtle">
          Prints
        </h2>
        {!open && (
          <button type="button" className="btn-secondary h-8" onClick={() => setOpen(true)}>
            <Package className="h-4 w-4" aria-hidden /> Order a print
          </button>
        )}
      </div>
      {open && <OrderForm imageId={imageId} onCancel={() => setOpen(false)} />}
    </section>
  );
}

function OrderForm({ imageId, onCancel }: { imageId: string; onCancel: () => void }) {
  const products = usePrintProducts();
  const offers = products.data?.products ?? [];
  const [product, setProduct] = useState<PrintProduct>('poster');
  const offer = offers.find((o) => o.product === product);
  const [size, setSize] = useState(offer?.sizes[0]?.size ?? '');
  const [quantity, setQuantity] = useState(1);
  const [to, setTo] = useState<Recipient>(EMPTY);
  const chosenSize = offer?.sizes.some((s) => s.size === size) ? size : (offer?.sizes[0]?.size ?? '');
  const quote = usePrintQuote(chosenSize ? { image_id: imageId, product, size: chosenSize, quantity } : null);
  const order = useOrderPrint();
  const field = (key: keyof Recipient, label: string, props: { required?: boolean; autoComplete?: string; maxLength?: number } = {}) => (
    <label className="block space-y-1">
      <span className="text-xs font-medium text-fg-muted">{label}</span>
      <input
        className="input h-9"
        value={to[key] ?? ''}
        onChange={(e) => setTo({ ...to, [key]: e.target.value })}
        {...props}
      />
    </label>
  );
  return (
    <form
      className="mt-3 space-y-3"
      aria-label="Order a print"
      onSubmit={(e) => {
        e.preventDefault();
        order.mutate(
          { image_id: imageId, product, size: chosenSize, quantity, recipient: to },
          { onSuccess: (out) => window.location.assign(out.checkout_url) },
        );
      }}
    >
      <div className="grid grid-cols-2 gap-2">
        <label className="block space-y-1">
          <span className="text-xs font-medium text-fg-muted">Product</span>
          <select className="input h-9" value={product} onChange={(e) => setProduct(e.target.value as PrintProduct)}>
            {offers.map((o) => (
              <option key={o.product} value={o.product}>
                {o.name}
              </option>
            ))}
          </select>
        </label>
        <label className="block space-y-1">
          <span className="text-xs font-medium text-fg-muted">Size (inches)</span>
          <select className="input h-9" value={chosenSize} onChange={(e) => setSize(e.target.value)}>
            {offer?.sizes.map((s) => (
              <option key={s.size} value={s.size}>
                {s.size.replace('x', ' × ')} — {formatMoney(s.price)}
              </option>
            ))}
          </select>
        </label>
      </div>
      <label className="block space-y-1">
        <span className="text-xs font-medium text-fg-muted">Quantity</span>
        <input
          className="input h-9"
          type="number"
          min={1}
          max={10}
          value={quantity}
          onChange={(e) => setQuantity(Math.min(10, Math.max(1, Math.floor(Number(e.target.value) || 1))))}
        />
      </label>
      <fieldset className="space-y-2">
        <legend className="mb-1 text-xs font-medium uppercase tracking-wider text-fg-subtle">Ship to</legend>
        {field('name', 'Full name', { required: true, autoComplete: 'name', maxLength: 100 })}
        {field('address1', 'Street address', { required: true, autoComplete: 'address-line1', maxLength: 200 })}
        {field('address2', 'Apartment, suite (optional)', { autoComplete: 'address-line2', maxLength: 200 })}
        <div className="grid grid-cols-2 gap-2">
          {field('city', 'City', { required: true, autoComplete: 'address-level2', maxLength: 100 })}
          {field('state_code', 'State / province code', { autoComplete: 'address-level1', maxLength: 3 })}
          {field('zip', 'Postal code', { required: true, autoComplete: 'postal-code', maxLength: 20 })}
          {field('country_code', 'Country (2 letters)', { required: true, autoComplete: 'country', maxLength: 2 })}
        </div>
        {field('email', 'Email for shipping news (optional)', { autoComplete: 'email', maxLength: 254 })}
      </fieldset>
      {quote.data && (
        <dl className="space-y-1 rounded-lg bg-surface-2 p-3 text-sm" aria-label="Quote">
          <div className="flex justify-between">
            <dt className="text-fg-muted">
              {quote.data.quantity} × {formatMoney(quote.data.unit_price)}
            </dt>
            <dd className="tabular-nums">{formatMoney(quote.data.items)}</dd>
          </div>
          <div className="flex justify-between">
            <dt className="text-fg-muted">Shipping</dt>
            <dd className="tabular-nums">{formatMoney(quote.data.shipping)}</dd>
          </div>
          <div className="flex justify-between border-t border-line pt-1 font-semibold">
            <dt>Total</dt>
            <dd className="tabular-nums">{formatMoney(quote.data.total)}</dd>
          </div>
        </dl>
      )}
      {quote.error && <ErrorBanner error={quote.error} />}
      {order.error && <ErrorBanner error={order.error} />}
      <div className="flex justify-end gap-2">
        <button type="button" className="btn-ghost" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="btn-primary" disabled={!quote.data || order.isPending}>
          {order.isPending ? 'Opening payment…' : 'Continue to payment'}
        </button>
      </div>
    </form>
  );
}
