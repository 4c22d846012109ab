// The deletion log: what moderators deleted, whose it was, who deleted it and why, newest first, searchable
// by the owner's name, the deleted id or a word of the reason; each entry keeps the record as it was.

import { useState } from 'react';
import { useDeletions } from '../../api/adminHooks';
import { formatDate } from '../../lib/format';
import { SearchField } from '../FilterControls';
import { ErrorState } from '../ui';

/** The prompt of a deleted image's record, when the record has one. */
function promptOf(record: string): string | null {
  try {
    const parsed: unknown = JSON.parse(record);
    const prompt = (parsed as { record?: { params?: { prompt?: unknown } } }).record?.params?.prompt;
    return typeof prompt === 'string' ? prompt : null;
  } catch {
    return null;
  }
}

export function DeletionLog() {
  const [query, setQuery] = useState('');
  const log = useDeletions(query.trim());
  const deletions = log.data?.deletions ?? [];
  return (
    <section className="card p-4" aria-label="Deletion log">
      <div className="flex flex-wrap items-center gap-3">
        <h2 className="text-sm font-semibold">Deleted by moderators</h2>
        <SearchField id="deletion-search" label="Owner, id or reason" value={query} onChange={setQuery} className="ml-auto sm:w-72" />
      </div>
      {log.isError && <ErrorState error={log.error} onRetry={() => void log.refetch()} />}
      <ul className="mt-3 divide-y divide-line">
        {deletions.map((d) => (
          <li key={d.id} className="py-2.5 text-sm">
            <p>
              <span className="font-medium">{d.kind === 'image' ? 'Image' : d.kind}</span>{' '}
              <span className="text-fg-muted">“{promptOf(d.record) ?? d.target_id}”</span> of {d.owner?.username ?? 'nobody'}
            </p>
            <p className="text-xs text-fg-muted">
              {formatDate(d.created_at)} by {d.admin.username}: “{d.reason}”
            </p>
          </li>
        ))}
      </ul>
      {deletions.length === 0 && !log.isPending && <p className="py-8 text-center text-sm text-fg-muted">Nothing deleted{query ? ' matches' : ' yet'}.</p>}
    </section>
  );
}
