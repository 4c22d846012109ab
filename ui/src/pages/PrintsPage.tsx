// The buyer's print orders: what, where to, what it cost, where it is (a progress line from paid to
// shipped), and the carrier's tracking once it ships.

import { useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { CheckCircle2, Package, Truck } from 'lucide-react';
import { useCancelPrint, usePrintOrders } from '../api/printHooks';
import { useImageHref } from '../api/community';
import { useMediaUrl } from '../api/context';
import type { PrintOrder, PrintStatus } from '../api/types';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { EmptyState, ErrorBanner, ErrorState, PageSpinner } from '../components/ui';
import { cn, formatDate, formatMoney } from '../lib/format';
import { useTitle } from '../lib/title';

const STEPS: Array<[PrintStatus, string]> = [
  ['awaiting_payment', 'Ordered'],
  ['paid', 'Paid'],
  ['in_production', 'Being made'],
  ['shipped', 'Shipped'],
];

/** Before the lab starts making it (the lab has the last word for a paid one). */
const CANCELLABLE: PrintStatus[] = ['awaiting_payment', 'paid', 'in_production'];

const ENDED: Partial<Record<PrintStatus, string>> = {
  canceled: 'Cancelled',
  failed: 'The print lab could not make it',
};

export function PrintsPage() {
  useTitle('Print orders');
  const [params] = useSearchParams();
  const justPaid = params.get('order');
  const orders = usePrintOrders();
  const items = useMemo(() => orders.data?.pages.flatMap((p) => p.orders) ?? [], [orders.data]);

  return (
    <div className="mx-auto max-w-4xl px-4 py-6 sm:px-6">
      <h1 className="mb-5 text-lg font-semibold">Print orders</h1>
      {justPaid && (
        <p className="card mb-5 flex items-center gap-2 p-4 text-sm" role="status">
          <CheckCircle2 className="h-4 w-4 text-emerald-500" aria-hidden /> Thank you: your print goes to the lab as soon as the payment
          is confirmed.
        </p>
      )}
      {orders.isPending ? (
        <PageSpinner />
      ) : orders.isError ? (
        <ErrorState error={orders.error} onRetry={() => void orders.refetch()} />
      ) : items.length === 0 ? (
        <EmptyState icon={<Package className="h-6 w-6" aria-hidden />} title="No print orders yet">
          Open an image and choose Order a print.
        </EmptyState>
      ) : (
        <ul className="space-y-3" aria-label="Orders">
          {items.map((o) => (
            <OrderRow key={o.id} order={o} />
          ))}
        </ul>
      )}
    </div>
  );
}

function OrderRow({ order }: { order: PrintOrder }) {
  const media = useMediaUrl();
  const href = useImageHref();
  const q = order.quote;
  const reached = STEPS.findIndex(([s]) => s === order.status);
  const ended = ENDED[order.status];
  return (
    <li className="card flex gap-4 p-4" aria-label={`Order of ${q.quantity} ${q.product} ${q.size}`}>
      <Link to={href(order.image_id)} className="h-24 w-24 shrink-0 overflow-hidden rounded-lg bg-surface-2">
        <img src={media(`/media/${order.image_id}/thumb`)} alt="" className="h-full w-full object-cover" loading="lazy" />
      </Link>
      <div className="min-w-0 flex-1 space-y-2">
        <div className="flex flex-wrap items-baseline gap-x-3">
          <p className="font-medium">
            {q.quantity} × {q.product[0]?.toUpperCase()}
            {q.product.slice(1)} {q.size.replace('x', ' × ')} in
          </p>
          <p className="text-sm tabular-nums text-fg-muted">{formatMoney(q.total, q.currency)}</p>
          <p className="ml-auto text-xs text-fg-subtle">{formatDate(order.created_at)}</p>
        </div>
        <p className="truncate text-xs text-fg-muted">
          To {order.recipient.name}, {order.recipient.city}, {order.recipient.country_code}
        </p>
        {ended ? (
          <div>
            <p className="text-sm text-red-600 dark:text-red-400">{ended}</p>
            {order.failure && <p className="text-xs text-fg-muted">{order.failure}</p>}
          </div>
        ) : (
          <ol className="flex items-center gap-1 text-[11px]" aria-label="Progress">
            {STEPS.map(([status, label], i) => (
              <li key={status} className="flex flex-1 flex-col gap-1" aria-current={i === reached ? 'step' : undefined}>
                <span className={cn('h-1.5 rounded-full', i <= reached ? 'bg-accent' : 'bg-surface-2')} />
                <span className={i <= reached ? 'text-fg' : 'text-fg-subtle'}>{label}</span>
              </li>
            ))}
          </ol>
        )}
        {order.refunded_at && (
          <p className="text-sm text-fg-muted">Refunded {formatMoney(q.total, q.currency)} on {formatDate(order.refunded_at)}.</p>
        )}
        {CANCELLABLE.includes(order.status) && <CancelButton order={order} />}
        {order.tracking && (
          <a href={order.tracking.url} target="_blank" rel="noreferrer" className="inline-flex items-center gap-1 text-sm text-accent hover:underline">
            <Truck className="h-4 w-4" aria-hidden /> Track with {order.tracking.carrier} ({order.tracking.number})
          </a>
        )}
      </div>
    </li>
  );
}

function CancelButton({ order }: { order: PrintOrder }) {
  const cancel = useCancelPrint();
  const [confirm, setConfirm] = useState(false);
  const paid = order.status !== 'awaiting_payment';
  return (
    <>
      <button type="button" className="btn-ghost -ml-3 h-8 text-sm text-red-600 dark:text-red-400" onClick={() => setConfirm(true)}>
        Cancel order
      </button>
      {cancel.error && <ErrorBanner error={cancel.error} />}
      <ConfirmDialog
        open={confirm}
        onOpenChange={setConfirm}
        title="Cancel this print order?"
        confirmLabel="Cancel order"
        busy={cancel.isPending}
        onConfirm={() => cancel.mutate(order.id, { onSettled: () => setConfirm(false) })}
      >
        {paid
          ? `If the print lab has not started making it, it stops and ${formatMoney(order.quote.total, order.quote.currency)} goes back to your card.`
          : 'It has not been paid, so nothing is charged.'}
      </ConfirmDialog>
    </>
  );
}
