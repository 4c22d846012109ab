// Provider moderation outcomes: the generations a provider refused, newest first, with who asked, the
// model, the prompt and the provider's words. An account with a pattern of refusals is a click away.

import { useRefusals } from '../../api/adminHooks';
import { formatDate, providerName } from '../../lib/format';
import { ErrorState, Spinner } from '../ui';

export function RefusalsList({ onOpenAccount }: { onOpenAccount: (userId: string) => void }) {
  const refusals = useRefusals();
  const list = refusals.data?.pages.flatMap((p) => p.refusals) ?? [];
  return (
    <section className="card p-4" aria-label="Refused by providers">
      <h2 className="text-sm font-semibold">Refused by providers</h2>
      <p className="mt-0.5 text-xs text-fg-muted">Generations a provider’s moderation turned down. Their credits went back; nothing was made.</p>
      {refusals.isPending && (
        <div className="flex justify-center py-8">
          <Spinner />
        </div>
      )}
      {refusals.isError && <ErrorState error={refusals.error} onRetry={() => void refusals.refetch()} />}
      {refusals.isSuccess && list.length === 0 && <p className="mt-3 text-sm text-fg-muted">No refusals. Every generation got through.</p>}
      <ul className="mt-3 divide-y divide-line">
        {list.map((r) => (
          <li key={r.job_id} className="py-2.5 text-sm" aria-label={`Refusal for ${r.owner.username}`}>
            <div className="flex flex-wrap items-center gap-2 text-xs text-fg-muted">
              <button type="button" className="font-medium text-fg hover:text-accent" onClick={() => onOpenAccount(r.owner.id)}>
                {r.owner.username}
              </button>
              <span>
                {providerName(r.provider)} · {r.model}
              </span>
              <span className="ml-auto">{formatDate(r.at)}</span>
            </div>
            <p className="mt-1 break-words">{r.prompt}</p>
            {r.message && <p className="mt-0.5 text-xs text-rose-400">{r.message}</p>}
          </li>
        ))}
      </ul>
      {refusals.hasNextPage && (
        <button type="button" className="btn-ghost mt-2 h-8" disabled={refusals.isFetchingNextPage} onClick={() => void refusals.fetchNextPage()}>
          More
        </button>
      )}
    </section>
  );
}
