// The audit log of every admin action, newest first: who did what to whom, why, and what it changed;
// filtered by kind of action, a page at a time.

import { useState } from 'react';
import { useAuditLog } from '../../api/adminHooks';
import type { AdminActionKind, AdminChange } from '../../api/types';
import { formatDate } from '../../lib/format';
import { ErrorState, Spinner } from '../ui';

export const ACTION_WORDS: Record<AdminActionKind, string> = {
  credits_adjust: 'Credits adjusted',
  user_suspend: 'Suspended',
  user_restore: 'Restored',
  admin_grant: 'Made admin',
  admin_revoke: 'Admin removed',
  user_sign_out: 'Signed out everywhere',
  report_dismiss: 'Report dismissed',
  image_hide: 'Image hidden',
  image_delete: 'Image deleted',
  model_change: 'Model changed',
  post_save: 'Post saved',
  post_publish: 'Post published',
  post_unpublish: 'Post back to draft',
  post_delete: 'Post deleted',
  comment_remove: 'Comment removed',
  provider_alert_set: 'Low-balance warning set',
  user_warn: 'Warned',
};

function changeWords(change: AdminChange): string {
  const parts: string[] = [];
  if (change.amount !== undefined) parts.push(`${change.amount > 0 ? '+' : ''}${change.amount} credits`);
  if (change.balance_after !== undefined) parts.push(`balance ${change.balance_after}`);
  if (change.sessions_ended !== undefined) parts.push(`${change.sessions_ended} sessions ended`);
  if (change.model_id !== undefined)
    parts.push(`${change.model_id}: ${change.enabled === false ? 'off' : 'on'}, ${change.credits ?? '?'} credits, up to ${change.max_images ?? '?'}`);
  if (change.images_hidden !== undefined) parts.push(`${change.images_hidden} public ${change.images_hidden === 1 ? 'image' : 'images'}`);
  if (change.provider_id !== undefined)
    parts.push(change.low_credits === undefined ? `${change.provider_id}: no warning` : `${change.provider_id}: under ${change.low_credits} credits`);
  if (change.reports_closed !== undefined) parts.push(`${change.reports_closed} ${change.reports_closed === 1 ? 'report' : 'reports'} closed`);
  return parts.join(' · ');
}

export function AuditLog() {
  const [kind, setKind] = useState<AdminActionKind | ''>('');
  const log = useAuditLog(kind);
  const entries = log.data?.pages.flatMap((p) => p.entries) ?? [];
  return (
    <section className="card p-4" aria-label="Audit log">
      <div className="flex items-center gap-3">
        <h2 className="text-sm font-semibold">Every admin action</h2>
        <label className="sr-only" htmlFor="audit-kind">
          Kind of action
        </label>
        <select id="audit-kind" className="input ml-auto h-8 w-auto" value={kind} onChange={(e) => setKind(e.target.value as AdminActionKind | '')}>
          <option value="">All actions</option>
          {(Object.keys(ACTION_WORDS) as AdminActionKind[]).map((k) => (
            <option key={k} value={k}>
              {ACTION_WORDS[k]}
            </option>
          ))}
        </select>
      </div>
      {log.isPending && (
        <div className="flex justify-center py-10">
          <Spinner />
        </div>
      )}
      {log.isError && <ErrorState error={log.error} onRetry={() => void log.refetch()} />}
      <table className="mt-3 w-full text-left text-sm">
        <thead className="text-xs text-fg-muted">
          <tr>
            <th className="py-1.5 font-medium">When</th>
            <th className="py-1.5 font-medium">Admin</th>
            <th className="py-1.5 font-medium">Action</th>
            <th className="py-1.5 font-medium">Account</th>
            <th className="py-1.5 font-medium">Reason</th>
            <th className="py-1.5 font-medium">Change</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-line">
          {entries.map((e) => (
            <tr key={e.id}>
              <td className="whitespace-nowrap py-2 pr-3 text-xs text-fg-muted">{formatDate(e.created_at)}</td>
              <td className="py-2 pr-3">{e.admin.username}</td>
              <td className="py-2 pr-3 font-medium">{ACTION_WORDS[e.kind]}</td>
              <td className="py-2 pr-3">{e.target?.username ?? '—'}</td>
              <td className="max-w-[16rem] truncate py-2 pr-3 text-fg-muted" title={e.reason}>
                {e.reason}
              </td>
              <td className="py-2 text-xs tabular-nums text-fg-muted">{changeWords(e.change)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {entries.length === 0 && !log.isPending && <p className="py-8 text-center text-sm text-fg-muted">No admin actions yet.</p>}
      {log.hasNextPage && (
        <button type="button" className="btn-ghost mx-auto mt-3 flex h-8" disabled={log.isFetchingNextPage} onClick={() => void log.fetchNextPage()}>
          {log.isFetchingNextPage ? 'Loading…' : 'Older actions'}
        </button>
      )}
    </section>
  );
}
