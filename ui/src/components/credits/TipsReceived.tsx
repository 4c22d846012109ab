// The tips the signed-in person received, newest first, each with who sent it and their message:
// the ledger says how many credits arrived, this says who and why.

import { Link } from 'react-router';
import { useTips } from '../../api/creditsHooks';
import { Avatar } from '../social/PublicImageCard';
import { formatCredits, formatRelative } from '../../lib/format';

export function TipsReceived() {
  const tips = useTips('received');
  const list = tips.data?.tips ?? [];
  if (list.length === 0) return null;
  return (
    <section className="card p-5" aria-labelledby="tips-received">
      <h2 id="tips-received" className="text-sm font-semibold">
        Tips received
      </h2>
      <ul className="mt-3 divide-y divide-line" aria-label="Tips received">
        {list.map((tip) => (
          <li key={tip.id} className="flex items-start gap-3 py-2.5 text-sm">
            <Avatar name={tip.other.username} url={tip.other.avatar_url} />
            <div className="min-w-0 flex-1">
              <p>
                <Link to={`/u/${tip.other.username}`} className="font-medium hover:underline">
                  @{tip.other.username}
                </Link>{' '}
                sent <span className="font-medium tabular-nums text-emerald-500">{formatCredits(tip.amount)}</span>
              </p>
              {tip.message && <p className="mt-0.5 whitespace-pre-line text-fg-muted">“{tip.message}”</p>}
            </div>
            <span className="whitespace-nowrap text-xs text-fg-subtle">{formatRelative(tip.created_at)}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}
