import { Link, useParams } from 'react-router';
import { ArrowLeft, ArrowUpRight, Cpu } from 'lucide-react';
import type { Model, SetDetail } from '../api/types';
import { useCatalogue, useComparison } from '../api/hooks';
import { isFinal } from '../api/events';
import { jobFailureWords, refundedCredits, refundedWords } from '../api/errors';
import { JobTile } from '../components/JobTile';
import { OFFLINE_LABEL } from '../components/ModelPicker';
import { EmptyState, ErrorState, PageSpinner } from '../components/ui';
import { cn, formatCredits, formatDate, providerName } from '../lib/format';
import { useTitle } from '../lib/title';

// Full class names, so Tailwind keeps them: 2 models side by side from md, 3–4 from lg/xl.
const COLUMNS: Record<number, string> = {
  1: '',
  2: 'md:grid-cols-2',
  3: 'md:grid-cols-2 lg:grid-cols-3',
  4: 'md:grid-cols-2 xl:grid-cols-4',
};

export function ComparisonPage() {
  const { id } = useParams();
  const comparison = useComparison(id);
  const catalogue = useCatalogue();
  const first = comparison.data?.sets[0];
  useTitle(first ? `Compare: ${first.set.params.prompt}` : 'Comparison');
  if (comparison.isPending) return <PageSpinner />;
  if (comparison.isError) {
    return <ErrorState className="min-h-[50vh]" error={comparison.error} onRetry={() => void comparison.refetch()} />;
  }
  const { sets } = comparison.data;
  if (!first) {
    return (
      <EmptyState className="min-h-[50vh]" title="This comparison is empty" action={<Link to="/compare" className="btn-secondary">New comparison</Link>}>
        None of its sets is left.
      </EmptyState>
    );
  }
  const p = first.set.params;
  const total = sets.reduce((sum, s) => sum + s.set.cost, 0);
  const refunded = refundedCredits(sets.flatMap((s) => s.jobs));
  const facts: Array<[string, string]> = [
    ['Models', String(sets.length)],
    ['Images per model', String(first.set.n)],
    ['Total cost', formatCredits(total)],
  ];
  if (refunded > 0) facts.push(['Refunded', formatCredits(refunded)]);
  facts.push(['Created', formatDate(first.set.created_at)]);
  const negative = sets.find((s) => s.set.params.negative_prompt)?.set.params.negative_prompt;
  if (negative) facts.push(['Negative prompt', negative]);

  return (
    <div className="mx-auto max-w-[1600px] px-4 py-6 sm:px-6">
      <Link to="/compare" className="btn-ghost -ml-3 mb-4 h-8">
        <ArrowLeft className="h-4 w-4" aria-hidden /> New comparison
      </Link>
      <header className="mb-6">
        <p className="text-xs font-medium uppercase tracking-wider text-fg-subtle">Comparison</p>
        <h1 className="mt-1 max-w-4xl text-lg font-semibold leading-snug">{p.prompt}</h1>
        <dl className="mt-4 flex flex-wrap gap-x-6 gap-y-2 text-sm">
          {facts.map(([k, v]) => (
            <div key={k}>
              <dt className="text-xs text-fg-subtle">{k}</dt>
              <dd className={cn('text-fg', k === 'Refunded' && 'text-emerald-600 dark:text-emerald-400')}>{v}</dd>
            </div>
          ))}
        </dl>
      </header>
      <ul className={cn('grid grid-cols-1 items-start gap-4', COLUMNS[Math.min(sets.length, 4)])} aria-label="Models compared">
        {sets.map((s) => (
          <li key={s.set.id} className="min-w-0">
            <Column detail={s} models={catalogue.data?.models} />
          </li>
        ))}
      </ul>
    </div>
  );
}

/** One model's set: its jobs live, then its images, or why they failed and what was refunded. */
function Column({ detail, models }: { detail: SetDetail; models: Model[] | undefined }) {
  const { set, jobs } = detail;
  const model = models?.find((m) => m.id === set.params.model);
  const name = model?.name ?? set.params.model;
  const refunded = refundedCredits(jobs);
  const done = jobs.filter((j) => j.state === 'succeeded').length;
  const pending = jobs.filter((j) => !isFinal(j)).length;
  // Why jobs failed, once per distinct reason (the tiles already say it per image).
  const reasons = new Map<string, number>();
  for (const j of jobs) {
    if (!j.error || j.state === 'cancelled' || j.state === 'succeeded') continue;
    const text = `${jobFailureWords(j) ?? 'Failed'}: ${j.error.message}`;
    reasons.set(text, (reasons.get(text) ?? 0) + 1);
  }
  const headingId = `col-${set.id}`;
  return (
    <section className="card p-3" aria-labelledby={headingId}>
      <header className="mb-2.5 flex items-start gap-3">
        <div className="min-w-0 flex-1">
          <h2 id={headingId} className="truncate text-sm font-semibold" title={name}>
            {name}
          </h2>
          <p className="mt-0.5 flex flex-wrap items-center gap-x-1.5 text-xs text-fg-subtle">
            {model?.offline ? (
              <span className="inline-flex items-center gap-1 text-amber-600 dark:text-amber-400">
                <Cpu className="h-3 w-3" aria-hidden />
                {OFFLINE_LABEL}
              </span>
            ) : (
              <span>{providerName(model?.provider ?? jobs[0]?.provider ?? '')}</span>
            )}
            <span aria-hidden>·</span>
            <span data-testid="column-cost">{formatCredits(set.cost)}</span>
            <span aria-hidden>·</span>
            <span aria-live="polite">{pending > 0 ? `${done}/${jobs.length} done` : `${done} of ${jobs.length} made`}</span>
          </p>
          {refunded > 0 && (
            <p className="mt-0.5 text-xs font-medium text-emerald-600 dark:text-emerald-400">{refundedWords(refunded)}</p>
          )}
        </div>
        <Link to={`/sets/${set.id}`} className="icon-btn h-7 w-7 shrink-0" aria-label={`Open the ${name} set`} title="Open set">
          <ArrowUpRight className="h-4 w-4" aria-hidden />
        </Link>
      </header>
      <div className={cn('grid gap-1.5', jobs.length > 1 ? 'grid-cols-2' : 'grid-cols-1')}>
        {jobs.map((j) => (
          <JobTile key={j.id} job={j} />
        ))}
      </div>
      {reasons.size > 0 && (
        <ul className="mt-2 space-y-1 text-xs text-fg-muted">
          {[...reasons].map(([text, count]) => (
            <li key={text}>
              {text}
              {count > 1 && jobs.length > 1 && <span className="text-fg-subtle"> ({count} images)</span>}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
