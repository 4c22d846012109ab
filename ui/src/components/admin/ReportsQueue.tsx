// The moderation queue: open reports, oldest first, each with what it is about (a reported image shown as
// an image) and the reporter's reason; an admin dismisses a report, or hides or deletes the reported image,
// always with a reason of their own (kept in the audit log, and in the deletion log for a delete).

import { useState } from 'react';
import { Link } from 'react-router';
import { EyeOff, Trash2, UserCog, X } from 'lucide-react';
import { useReportQueue, useReportedImage, useResolveReport } from '../../api/adminHooks';
import { describeError } from '../../api/errors';
import type { Report, ReportedComment, ReportOutcome } from '../../api/types';
import { formatRelative } from '../../lib/format';
import { Thumb } from '../Thumb';
import { ErrorState, Spinner } from '../ui';
import { ReasonField, reasonReady } from './ReasonField';

const TARGET_WORDS: Record<Report['target'], string> = {
  image: 'Image',
  comment: 'Comment',
  user: 'Account',
  message: 'Message',
};

export function ReportsQueue() {
  const queue = useReportQueue();
  if (queue.isPending)
    return (
      <div className="flex justify-center py-16">
        <Spinner />
      </div>
    );
  if (queue.isError) return <ErrorState error={queue.error} onRetry={() => void queue.refetch()} />;
  const reports = queue.data.reports;
  return (
    <section className="card p-4" aria-label="Reports">
      <h2 className="text-sm font-semibold">Open reports, oldest first</h2>
      {reports.length === 0 && <p className="py-10 text-center text-sm text-fg-muted">Nothing to review. The queue is empty.</p>}
      <ul className="mt-3 space-y-3">
        {reports.map((r) => (
          <ReportItem key={r.id} report={r} comment={queue.data.comments.find((c) => c.id === r.target_id)} />
        ))}
      </ul>
    </section>
  );
}

function ReportItem({ report, comment }: { report: Report; comment?: ReportedComment }) {
  const image = useReportedImage(report.target === 'image' ? report.target_id : null);
  const resolve = useResolveReport();
  const [reason, setReason] = useState('');
  const ready = reasonReady(reason) && !resolve.isPending;
  const act = (outcome: ReportOutcome) => resolve.mutate({ report_id: report.id, outcome, reason: reason.trim() });
  // Warning or suspending the one who posted it happens on their account's page.
  const author = comment?.author.id ?? image.data?.owner_id;
  return (
    <li className="flex gap-4 rounded-xl border border-line p-3" aria-label={`Report of ${TARGET_WORDS[report.target].toLowerCase()} ${report.target_id}`}>
      <div className="h-24 w-24 shrink-0 overflow-hidden rounded-lg bg-surface-2">
        {image.data && <Thumb image={image.data} className="h-full w-full" alt={image.data.record.params.prompt} />}
        {report.target !== 'image' && <span className="flex h-full items-center justify-center text-xs text-fg-muted">{TARGET_WORDS[report.target]}</span>}
      </div>
      <div className="min-w-0 flex-1">
        <p className="text-sm">
          <span className="font-medium">{TARGET_WORDS[report.target]}</span>{' '}
          <span className="text-fg-muted">{image.data ? `“${image.data.record.params.prompt}”` : comment ? `by ${comment.author.username}` : report.target_id}</span>
        </p>
        {comment && <blockquote className="mt-1 border-l-2 border-line pl-2 text-sm">{comment.body}</blockquote>}
        <p className="mt-0.5 text-xs text-fg-muted">
          Reported {formatRelative(report.created_at)}: “{report.reason}”
        </p>
        <div className="mt-2 flex flex-wrap items-center gap-2">
          <ReasonField id={`reason-${report.id}`} label="Reason for the decision" value={reason} onChange={setReason} className="min-w-0 flex-1" />
          <button type="button" className="btn-ghost h-8" disabled={!ready} onClick={() => act('dismiss')}>
            <X className="h-4 w-4" aria-hidden /> Dismiss
          </button>
          {report.target === 'comment' && comment && (
            <button type="button" className="btn-ghost h-8 text-rose-500" disabled={!ready} onClick={() => act('delete')}>
              <Trash2 className="h-4 w-4" aria-hidden /> Remove comment
            </button>
          )}
          {report.target === 'image' && (
            <>
              <button type="button" className="btn-ghost h-8" disabled={!ready} onClick={() => act('hide')}>
                <EyeOff className="h-4 w-4" aria-hidden /> Hide image
              </button>
              <button type="button" className="btn-ghost h-8 text-rose-500" disabled={!ready} onClick={() => act('delete')}>
                <Trash2 className="h-4 w-4" aria-hidden /> Delete image
              </button>
            </>
          )}
          {author && (
            <Link className="btn-ghost h-8" to={`/admin?tab=users&user=${author}`}>
              <UserCog className="h-4 w-4" aria-hidden /> Warn or suspend the author
            </Link>
          )}
        </div>
        {resolve.error && (
          <p className="mt-1 text-xs text-rose-500" role="alert">
            {describeError(resolve.error).title}: {describeError(resolve.error).detail}
          </p>
        )}
      </div>
    </li>
  );
}
