import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { ArrowLeft, Check, Columns3, Link2, Shuffle } from 'lucide-react';
import { useCatalogue, useMe, useSet, useSetSetVisibility } from '../api/hooks';
import { JobTile } from '../components/JobTile';
import { VisibilitySwitch } from '../components/VisibilitySwitch';
import { ErrorBanner, ErrorState, PageSpinner } from '../components/ui';
import { formatCredits, formatDate, modelName } from '../lib/format';
import { useTitle } from '../lib/title';
import type { SetDetail, Visibility } from '../api/types';

export function SetPage() {
  const { id } = useParams();
  const set = useSet(id);
  const catalogue = useCatalogue();
  const me = useMe();
  useTitle(set.data ? set.data.set.params.prompt : 'Set');
  if (set.isPending) return <PageSpinner />;
  if (set.isError) return <ErrorState className="min-h-[50vh]" error={set.error} onRetry={() => void set.refetch()} />;
  const { set: s, jobs, images } = set.data;
  const owner = !!me.data && me.data.id === s.owner_id;
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
      {owner && (
        <Link to="/" className="btn-ghost -ml-3 mb-4 h-8">
          <ArrowLeft className="h-4 w-4" aria-hidden /> Back to Create
        </Link>
      )}
      <header className="mb-6 flex flex-col gap-4 lg:flex-row lg:items-start lg:justify-between">
        <div className="min-w-0">
        <p className="text-xs font-medium uppercase tracking-wider text-fg-subtle">
          Set
          {set.data.owner && !owner && (
            <>
              {' · by '}
              <Link to={`/u/${set.data.owner.username}`} className="normal-case tracking-normal text-accent hover:underline">
                @{set.data.owner.username}
              </Link>
            </>
          )}
        </p>
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
        </div>
        {owner && <SetVisibilityCard detail={set.data} />}
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

const SET_VISIBILITY_DETAIL: Record<Visibility, string> = {
  private: 'Only you can see this set and its images.',
  public: 'Anyone with the link sees this set and its images, those still being made included.',
};

/** What the set shows as: its own choice, else public only when every image is. */
function setVisibility({ set, images }: SetDetail): Visibility {
  if (set.visibility) return set.visibility;
  return images.length > 0 && images.every((i) => i.visibility === 'public') ? 'public' : 'private';
}

/** The owner's switch for the whole set, and its link once public. */
function SetVisibilityCard({ detail }: { detail: SetDetail }) {
  const change = useSetSetVisibility(detail.set.id);
  const [copied, setCopied] = useState(false);
  const current = setVisibility(detail);
  const shown = change.isPending ? change.variables : current;
  const mixed = !detail.set.visibility && detail.images.some((i) => i.visibility !== detail.images[0]?.visibility);
  const link = `${window.location.origin}/sets/${detail.set.id}`;
  return (
    <section className="card w-full p-4 lg:w-80 lg:shrink-0" aria-labelledby="set-visibility-title">
      <h2 id="set-visibility-title" className="mb-3 text-xs font-medium uppercase tracking-wider text-fg-subtle">
        Whole set
      </h2>
      <VisibilitySwitch
        label="Set visibility"
        value={shown}
        onChange={(v) => {
          if (!change.isPending && (v !== current || mixed)) change.mutate(v);
        }}
      />
      <p className="mt-2 text-xs text-fg-muted" aria-live="polite">
        {change.isPending
          ? 'Saving…'
          : mixed
            ? 'Some images are public and some private: choose one for all of them.'
            : SET_VISIBILITY_DETAIL[shown]}
      </p>
      {shown === 'public' && !change.isPending && (
        <button
          type="button"
          className="btn-secondary mt-3 h-8 w-full"
          onClick={() =>
            void navigator.clipboard.writeText(link).then(() => {
              setCopied(true);
              window.setTimeout(() => setCopied(false), 1500);
            })
          }
        >
          {copied ? <Check className="h-4 w-4" aria-hidden /> : <Link2 className="h-4 w-4" aria-hidden />}
          {copied ? 'Link copied' : 'Copy set link'}
        </button>
      )}
      {change.error && <ErrorBanner className="mt-3" error={change.error} />}
    </section>
  );
}
