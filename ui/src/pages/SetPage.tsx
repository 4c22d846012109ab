import { Link, useParams } from 'react-router';
import { ArrowLeft, Columns3, Shuffle } from 'lucide-react';
import { useCatalogue, useSet } from '../api/hooks';
import { JobTile } from '../components/JobTile';
import { ErrorState, PageSpinner } from '../components/ui';
import { formatCredits, formatDate, modelName } from '../lib/format';
import { useTitle } from '../lib/title';

export function SetPage() {
  const { id } = useParams();
  const set = useSet(id);
  const catalogue = useCatalogue();
  useTitle(set.data ? set.data.set.params.prompt : 'Set');
  if (set.isPending) return <PageSpinner />;
  if (set.isError) return <ErrorState className="min-h-[50vh]" error={set.error} onRetry={() => void set.refetch()} />;
  const { set: s, jobs, images } = set.data;
  const p = s.params;
  const facts: Array<[string, string]> = [
    ['Model', modelName(catalogue.data, p.model)],
    ['Size', `${p.width}×${p.height}`],
    ['Images', String(s.n)],
    ['Cost', formatCredits(s.cost)],
    ['Created', formatDate(s.created_at)],
  ];
  if (p.negative_prompt) facts.push(['Negative prompt', p.negative_prompt]);
  if (p.steps !== undefined) facts.push(['Steps', String(p.steps)]);
  if (p.cfg !== undefined) facts.push(['CFG', String(p.cfg)]);
  if (p.quality) facts.push(['Quality', p.quality]);
  if (p.style) facts.push(['Style', p.style]);
  return (
    <div className="mx-auto max-w-[1400px] px-4 py-6 sm:px-6">
      <Link to="/" className="btn-ghost -ml-3 mb-4 h-8">
        <ArrowLeft className="h-4 w-4" aria-hidden /> Back to Create
      </Link>
      <header className="mb-6">
        <p className="text-xs font-medium uppercase tracking-wider text-fg-subtle">Set</p>
        <h1 className="mt-1 max-w-4xl text-lg font-semibold leading-snug">{p.prompt}</h1>
        {s.remix_of && (
          <p className="mt-1 text-xs text-fg-muted">
            <Shuffle className="mr-1 inline h-3 w-3" aria-hidden />
            Remix of{' '}
            <Link to={`/images/${s.remix_of}`} className="text-accent hover:underline">
              an earlier image
            </Link>
          </p>
        )}
        {s.comparison_id && (
          <p className="mt-1 text-xs text-fg-muted">
            <Columns3 className="mr-1 inline h-3 w-3" aria-hidden />
            <Link to={`/compare/${s.comparison_id}`} className="text-accent hover:underline">
              Part of a comparison
            </Link>
          </p>
        )}
        <dl className="mt-4 flex flex-wrap gap-x-6 gap-y-2 text-sm">
          {facts.map(([k, v]) => (
            <div key={k}>
              <dt className="text-xs text-fg-subtle">{k}</dt>
              <dd className="text-fg">{v}</dd>
            </div>
          ))}
        </dl>
      </header>
      <ul className="grid grid-cols-1 gap-4 sm:grid-cols-2 lg:grid-cols-3 xl:grid-cols-4">
        {jobs.map((j) => {
          const image = images.find((i) => i.job_id === j.id);
          return (
            <li key={j.id} className="card overflow-hidden">
              <JobTile job={j} className="rounded-none" />
              {j.error && j.state !== 'cancelled' && (
                <p className="border-b border-line px-3 py-2 text-xs text-fg-muted">{j.error.message}</p>
              )}
              <div className="flex items-center justify-between gap-2 px-3 py-2 text-xs text-fg-muted">
                <span>
                  #{j.index + 1} · seed <span className="font-mono text-fg">{j.seed}</span>
                </span>
                {image && (
                  <Link to={`/images/${image.id}`} className="font-medium text-accent hover:underline">
                    Details
                  </Link>
                )}
              </div>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
