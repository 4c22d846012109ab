import { useState } from 'react';
import * as Dialog from '@radix-ui/react-dialog';
import { Flag } from 'lucide-react';
import type { ReportTarget } from '../../api/types';
import { useReport } from '../../api/socialHooks';
import { ErrorBanner } from '../ui';
import { cn } from '../../lib/format';

const WHAT: Record<ReportTarget, string> = { image: 'image', comment: 'comment', user: 'account', message: 'message' };

/** Reports an image, a comment or an account to the moderators, with the reporter's reason. */
export function ReportButton({ target, targetId, compact = false }: { target: ReportTarget; targetId: string; compact?: boolean }) {
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const report = useReport();
  const done = report.isSuccess;
  return (
    <Dialog.Root
      open={open}
      onOpenChange={(o) => {
        setOpen(o);
        if (!o) report.reset();
      }}
    >
      <Dialog.Trigger
        className={cn('btn-ghost', compact ? 'h-6 px-1.5 text-xs' : 'h-8')}
        aria-label={`Report this ${WHAT[target]}`}
      >
        <Flag className={compact ? 'h-3 w-3' : 'h-4 w-4'} aria-hidden />
        {!compact && 'Report'}
      </Dialog.Trigger>
      <Dialog.Portal>
        <Dialog.Overlay className="fixed inset-0 z-40 bg-black/60 backdrop-blur-sm" />
        <Dialog.Content className="card fixed left-1/2 top-1/2 z-50 w-[min(92vw,440px)] -translate-x-1/2 -translate-y-1/2 p-6 shadow-2xl">
          <Dialog.Title className="text-base font-semibold">Report this {WHAT[target]}</Dialog.Title>
          <Dialog.Description className="mt-1 text-sm text-fg-muted">
            {done ? 'Thank you. The moderators will look at it.' : 'Tell the moderators what is wrong. Only they see reports.'}
          </Dialog.Description>
          {!done && (
            <>
              <label htmlFor={`reason-${targetId}`} className="sr-only">
                Reason
              </label>
              <textarea
                id={`reason-${targetId}`}
                className="input mt-3 min-h-[88px] py-2"
                maxLength={1000}
                placeholder="What is wrong with it?"
                value={reason}
                onChange={(e) => setReason(e.target.value)}
              />
              {report.error && <ErrorBanner className="mt-2" error={report.error} />}
            </>
          )}
          <div className="mt-5 flex justify-end gap-2">
            <Dialog.Close className="btn-secondary">{done ? 'Close' : 'Cancel'}</Dialog.Close>
            {!done && (
              <button
                type="button"
                className="btn-danger"
                disabled={!reason.trim() || report.isPending}
                onClick={() => report.mutate({ target, target_id: targetId, reason })}
              >
                {report.isPending ? 'Sending…' : 'Send report'}
              </button>
            )}
          </div>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
