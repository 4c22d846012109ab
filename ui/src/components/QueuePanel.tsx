import { useMemo } from 'react';
import { Link } from 'react-router';
import { ArrowUpRight, Layers } from 'lucide-react';
import type { Job } from '../api/types';
import { useCancelJob, useCatalogue, useRecentJobs } from '../api/hooks';
import { isFinal } from '../api/events';
import { JobTile } from './JobTile';
import { EmptyState, ErrorState, Skeleton } from './ui';
import { formatRelative, modelName } from '../lib/format';

type Group = { setId: string; jobs: Job[]; createdAt: number };

export function groupBySet(jobs: Job[]): Group[] {
  const map = new Map<string, Group>();
  for (const j of jobs) {
    let g = map.get(j.set_id);
    if (!g) {
      g = { setId: j.set_id, jobs: [], createdAt: j.created_at };
      map.set(j.set_id, g);
    }
    g.jobs.push(j);
    g.createdAt = Math.max(g.createdAt, j.created_at);
  }
  const groups = [...map.values()];
  for (const g of groups) g.jobs.sort((a, b) => a.index - b.index);
  return groups.sort((a, b) => b.createdAt - a.createdAt);
}

export function QueuePanel() {
  const jobs = useRecentJobs();
  const groups = useMemo(() => groupBySet(jobs.data?.jobs ?? []), [jobs.data]);
  const active = jobs.data?.jobs.filter((j) => !isFinal(j)).length ?? 0;
  return (
    <section aria-labelledby="queue-title" className="min-w-0">
      <div className="mb-3 flex items-center gap-2">
        <h2 id="queue-title" className="text-sm font-semibold">
          Queue
        </h2>
        {active > 0 && (
          <span className="chip" aria-live="polite">
            <span className="h-1.5 w-1.5 animate-pulse rounded-full bg-accent" aria-hidden />
            {active} in progress
          </span>
        )}
      </div>
      {jobs.isPending ? (
        <div className="space-y-3">
          {[0, 1].map((i) => (
            <Skeleton key={i} className="h-48" />
          ))}
        </div>
      ) : jobs.isError ? (
        <div className="card">
          <ErrorState error={jobs.error} onRetry={() => void jobs.refetch()} />
        </div>
      ) : groups.length === 0 ? (
        <div className="card border-dashed">
          <EmptyState icon={<Layers className="h-5 w-5" aria-hidden />} title="Nothing generated yet">
            Write a prompt and press Generate. Your images appear here as they finish.
          </EmptyState>
        </div>
      ) : (
        <ol className="space-y-3">
          {groups.map((g) => (
            <li key={g.setId}>
              <SetCard group={g} />
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

function SetCard({ group }: { group: Group }) {
  const catalogue = useCatalogue();
  const cancel = useCancelJob();
  const first = group.jobs[0];
  if (!first) return null;
  const pending = group.jobs.filter((j) => !isFinal(j));
  const done = group.jobs.filter((j) => j.state === 'succeeded').length;
  return (
    <article className="card p-3" aria-label={`Set: ${first.params.prompt}`}>
      <header className="mb-2.5 flex items-start gap-3">
        <div className="min-w-0 flex-1">
          <p className="line-clamp-2 text-sm text-fg" title={first.params.prompt}>
            {first.params.prompt}
          </p>
          <p className="mt-1 flex flex-wrap items-center gap-x-1.5 text-xs text-fg-subtle">
            <span>{modelName(catalogue.data, first.params.model)}</span>
            <span aria-hidden>·</span>
            <span>
              {first.params.width}×{first.params.height}
            </span>
            <span aria-hidden>·</span>
            <span>
              {done}/{group.jobs.length} done
            </span>
            <span aria-hidden>·</span>
            <time dateTime={new Date(group.createdAt).toISOString()}>{formatRelative(group.createdAt)}</time>
          </p>
        </div>
        <div className="flex shrink-0 items-center gap-1">
          {pending.length > 1 && (
            <button
              type="button"
              className="btn-ghost h-7 px-2 text-xs"
              onClick={() => pending.forEach((j) => cancel.mutate(j.id))}
            >
              Cancel all
            </button>
          )}
          <Link to={`/sets/${group.setId}`} className="icon-btn h-7 w-7" aria-label="Open set" title="Open set">
            <ArrowUpRight className="h-4 w-4" aria-hidden />
          </Link>
        </div>
      </header>
      <div className="grid grid-cols-[repeat(auto-fill,minmax(140px,1fr))] gap-1.5 sm:grid-cols-[repeat(auto-fill,minmax(180px,1fr))]">
        {group.jobs.map((j) => (
          <JobTile key={j.id} job={j} />
        ))}
      </div>
    </article>
  );
}
