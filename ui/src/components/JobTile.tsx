import { Link } from 'react-router';
import { AlertTriangle, Ban, ImageOff, RotateCw, ShieldAlert, X } from 'lucide-react';
import { ApiError } from '../api/client';
import type { Job } from '../api/types';
import { useCancelJob, useImage, useRetryJob } from '../api/hooks';
import { jobFailureWords, refundWords, describeError } from '../api/errors';
import { Thumb } from './Thumb';
import { Skeleton } from './ui';
import { cn } from '../lib/format';

/** One job of a set: live progress, the finished thumbnail, or why it failed. */
export function JobTile({ job, className }: { job: Job; className?: string }) {
  const aspect = `${job.params.width} / ${job.params.height}`;
  return (
    <div
      className={cn('group relative overflow-hidden rounded-xl bg-surface-2', className)}
      style={{ aspectRatio: aspect }}
      data-state={job.state}
    >
      <TileBody job={job} />
    </div>
  );
}

function TileBody({ job }: { job: Job }) {
  switch (job.state) {
    case 'queued':
    case 'running':
      return <PendingTile job={job} />;
    case 'succeeded':
      return <DoneTile job={job} />;
    default:
      return <FailedTile job={job} />;
  }
}

function PendingTile({ job }: { job: Job }) {
  const cancel = useCancelJob();
  const pct = Math.round(Math.max(0, Math.min(1, job.progress)) * 100);
  const running = job.state === 'running';
  return (
    <>
      <div className="absolute inset-0 -translate-x-full animate-shimmer bg-gradient-to-r from-transparent via-white/[0.06] to-transparent" />
      <div className="absolute inset-x-0 bottom-0 p-2">
        <div className="mb-1 flex items-center justify-between text-[11px] font-medium text-fg-muted">
          <span>{running ? 'Generating' : 'Queued'}</span>
          {running && <span className="tabular-nums">{pct}%</span>}
        </div>
        <div
          className="h-1 overflow-hidden rounded-full bg-surface-3"
          role="progressbar"
          aria-label={`Image ${job.index + 1} progress`}
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={pct}
        >
          <div className="h-full rounded-full bg-accent transition-[width] duration-300" style={{ width: `${running ? Math.max(pct, 2) : 0}%` }} />
        </div>
      </div>
      <button
        type="button"
        className="icon-btn absolute right-1.5 top-1.5 h-7 w-7 bg-surface-0/70 opacity-0 backdrop-blur group-hover:opacity-100 focus-visible:opacity-100"
        onClick={() => cancel.mutate(job.id)}
        disabled={cancel.isPending}
        aria-label={`Cancel image ${job.index + 1}`}
        title="Cancel"
      >
        <X className="h-3.5 w-3.5" aria-hidden />
      </button>
    </>
  );
}

function DoneTile({ job }: { job: Job }) {
  const image = useImage(job.image_id);
  if (image.isError) {
    return (
      <div className="absolute inset-0 flex flex-col items-center justify-center gap-1 p-2 text-center">
        <ImageOff className="h-4 w-4 text-fg-subtle" aria-hidden />
        <p className="text-[11px] text-fg-subtle">
          {image.error instanceof ApiError && image.error.code === 'not_found' ? 'Deleted' : 'Could not load'}
        </p>
      </div>
    );
  }
  if (!image.data) return <Skeleton className="absolute inset-0 rounded-none" />;
  return (
    <Link to={`/images/${image.data.id}`} className="absolute inset-0 block" aria-label={`Open image ${job.index + 1}`}>
      <Thumb image={image.data} className="h-full w-full" imgClassName="transition-transform duration-300 group-hover:scale-[1.03]" />
    </Link>
  );
}

function FailedTile({ job }: { job: Job }) {
  const retry = useRetryJob();
  const words = jobFailureWords(job) ?? 'Failed';
  const refund = refundWords(job);
  const Icon = job.state === 'moderated' ? ShieldAlert : job.state === 'cancelled' ? Ban : AlertTriangle;
  return (
    <div className="absolute inset-0 flex flex-col items-center justify-center gap-1 p-2 text-center">
      <Icon
        className={cn('h-4 w-4', job.state === 'cancelled' ? 'text-fg-subtle' : 'text-amber-500')}
        aria-hidden
      />
      <p className="text-[11px] font-medium leading-tight text-fg-muted" title={job.error?.message}>
        {words}
      </p>
      {refund && <p className="text-[10px] text-emerald-600 dark:text-emerald-400">{refund}</p>}
      {job.state === 'failed' && retry.isSuccess && <p className="text-[11px] text-fg-subtle">Retried as a new set</p>}
      {job.state === 'failed' && !retry.isSuccess && (
        <button
          type="button"
          className="mt-1 inline-flex items-center gap-1 rounded-md px-1.5 py-0.5 text-[11px] font-medium text-accent hover:bg-accent/10"
          onClick={() => retry.mutate(job.id)}
          disabled={retry.isPending}
          aria-label={`Retry image ${job.index + 1}`}
        >
          <RotateCw className="h-3 w-3" aria-hidden /> Retry
        </button>
      )}
      {retry.error && <p className="text-[10px] text-red-500">{describeError(retry.error).title}</p>}
    </div>
  );
}
