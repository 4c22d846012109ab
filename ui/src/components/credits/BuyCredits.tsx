// The credit packs of the Credits page: each with its price, bought on the payment provider's page.
// Shown only where the server sells credits; after paying, the buyer lands back here and the balance
// moves by itself (the server's `balance.changed` event) once the payment is confirmed.

import { useSearchParams } from 'react-router';
import { CreditCard } from 'lucide-react';
import { useBuyCredits, useCreditPacks } from '../../api/creditsHooks';
import { ErrorBanner } from '../ui';
import { formatMoney } from '../../lib/format';
import type { CreditPack } from '../../api/types';

function price(pack: CreditPack): string {
  return formatMoney(pack.amount, pack.currency);
}

export function BuyCredits() {
  const packs = useCreditPacks();
  const buy = useBuyCredits();
  const [params] = useSearchParams();
  if (!packs.data?.for_sale) return null;
  const returned = params.get('purchase');
  const cheapest = Math.min(...packs.data.packs.map((p) => p.amount / p.credits));
  return (
    <section className="card p-5" aria-labelledby="buy-credits">
      <h2 id="buy-credits" className="text-sm font-semibold">
        Buy credits
      </h2>
      {returned && (
        <p role="status" className="mt-3 rounded-lg border border-emerald-500/30 bg-emerald-500/10 px-3 py-2 text-sm">
          Thank you. Your credits arrive as soon as the payment is confirmed; this balance updates by itself.
        </p>
      )}
      <ul className="mt-4 grid gap-3 sm:grid-cols-3" aria-label="Credit packs">
        {packs.data.packs.map((pack) => {
          const best = pack.amount / pack.credits === cheapest;
          return (
            <li key={pack.id} className="relative rounded-xl border border-line bg-surface-1 p-4">
              {best && packs.data.packs.length > 1 && (
                <span className="absolute right-3 top-3 rounded-full bg-accent/15 px-2 py-0.5 text-[10px] font-semibold text-accent">
                  Best value
                </span>
              )}
              <p className="text-2xl font-semibold tabular-nums">{pack.credits}</p>
              <p className="text-xs text-fg-muted">credits</p>
              <button
                type="button"
                className="btn-primary mt-4 w-full"
                disabled={buy.isPending}
                onClick={() => buy.mutate(pack.id)}
                aria-label={`Buy ${pack.credits} credits for ${price(pack)}`}
              >
                <CreditCard className="h-4 w-4" aria-hidden /> {price(pack)}
              </button>
            </li>
          );
        })}
      </ul>
      <p className="mt-3 text-xs text-fg-subtle">Paid securely on Stripe. Credits never expire.</p>
      {buy.error && <ErrorBanner className="mt-3" error={buy.error} />}
    </section>
  );
}
