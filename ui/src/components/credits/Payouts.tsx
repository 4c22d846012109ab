// Payouts on the Earnings page: set up being paid on Stripe's page, see what is payable at this
// server's rate, pay it out once it passes the minimum, and follow each payout to the bank.

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Banknote } from 'lucide-react';
import { useClient } from '../../api/context';
import { keys } from '../../api/keys';
import type { Payout, PayoutStatus } from '../../api/types';
import { ErrorBanner } from '../ui';
import { cn, formatBalance, formatDate, formatMoney } from '../../lib/format';

const payoutKeys = { status: ['payouts'] as const };

function dollars(cents: number): string {
  return formatMoney(cents);
}

const STATUS_WORDS: Record<PayoutStatus, string> = {
  requested: 'Sending',
  in_transit: 'On its way',
  paid: 'Paid',
  failed: 'Failed, credits returned',
};

function PayoutRow({ payout }: { payout: Payout }) {
  return (
    <li className="py-2 text-sm">
      <div className="flex items-center gap-3">
        <span className="tabular-nums font-medium">{dollars(payout.amount)}</span>
        <span className="text-xs text-fg-subtle">{formatBalance(payout.credits)}</span>
        <span
          className={cn(
            'ml-auto rounded px-1.5 py-0.5 text-[11px]',
            payout.status === 'paid' && 'bg-emerald-500/15 text-emerald-500',
            payout.status === 'failed' && 'bg-rose-500/15 text-rose-500',
            (payout.status === 'requested' || payout.status === 'in_transit') && 'bg-accent/15 text-accent',
          )}
        >
          {STATUS_WORDS[payout.status]}
        </span>
        <span className="w-40 text-right text-xs text-fg-subtle">{formatDate(payout.created_at)}</span>
      </div>
      {/* Why it failed, or why the bank has not taken it yet: something the creator can act on. */}
      {payout.failure && <p className="mt-1 text-xs text-rose-500">{payout.failure}</p>}
    </li>
  );
}

export function Payouts() {
  const client = useClient();
  const qc = useQueryClient();
  const status = useQuery({ queryKey: payoutKeys.status, queryFn: () => client.call('payouts.status', {}) });
  const onboard = useMutation({
    mutationFn: () => client.call('payouts.onboard', {}),
    onSuccess: (out) => window.location.assign(out.url),
  });
  const request = useMutation({
    mutationFn: () => client.call('payouts.request', {}),
    onSettled: () => {
      void qc.invalidateQueries({ queryKey: payoutKeys.status });
      void qc.invalidateQueries({ queryKey: keys.ledger });
      void qc.invalidateQueries({ queryKey: keys.account });
    },
  });
  const s = status.data;
  if (!s?.available) return null;
  const enough = s.payable_credits >= s.minimum_credits;
  return (
    <section className="card space-y-3 p-5" aria-labelledby="payouts">
      <h2 id="payouts" className="text-sm font-semibold">
        Payouts
      </h2>
      <p className="text-sm text-fg-muted">
        Earned credits are paid out at {s.cents_per_credit}¢ each, from {formatBalance(s.minimum_credits)}.
      </p>
      <p className="text-2xl font-semibold tabular-nums" aria-label={`Payable: ${s.payable_credits} credits`}>
        {dollars(s.payable_amount)} <span className="text-sm font-normal text-fg-subtle">from {formatBalance(s.payable_credits)}</span>
      </p>
      {s.held_credits > 0 && (
        <p className="text-xs text-fg-subtle">
          {formatBalance(s.held_credits)} more become payable {s.hold_days} days after they were earned.
        </p>
      )}
      {!s.ready ? (
        <button type="button" className="btn-primary" disabled={onboard.isPending} onClick={() => onboard.mutate()}>
          <Banknote className="h-4 w-4" aria-hidden /> {s.connected ? 'Finish setting up payouts' : 'Set up payouts'}
        </button>
      ) : (
        <button
          type="button"
          className="btn-primary"
          disabled={!enough || request.isPending}
          onClick={() => request.mutate()}
          title={enough ? undefined : `Payouts start at ${s.minimum_credits} credits`}
        >
          <Banknote className="h-4 w-4" aria-hidden />{' '}
          {request.isPending
            ? 'Sending…'
            : enough
              ? `Pay out ${dollars(s.payable_amount)}`
              : `Payouts start at ${formatBalance(s.minimum_credits)}`}
        </button>
      )}
      {(onboard.error ?? request.error) && <ErrorBanner error={onboard.error ?? request.error} />}
      {s.payouts.length > 0 && (
        <ul className="divide-y divide-line" aria-label="Payouts made">
          {s.payouts.map((p) => (
            <PayoutRow key={p.id} payout={p} />
          ))}
        </ul>
      )}
    </section>
  );
}
