import { useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { Compass, UserSearch, Users } from 'lucide-react';
import { useMe } from '../api/hooks';
import { useExplore, useFeed, usePeopleSearch, useTrendingCreators, type ExploreFilters } from '../api/socialHooks';
import { Avatar } from '../components/social/PublicImageCard';
import type { ExploreSort, MediaKind, TrendPeriod } from '../api/types';
import { PublicImageGrid } from '../components/social/PublicImageCard';
import { MediaSelect, ModelSelect, SearchField } from '../components/FilterControls';
import { EmptyState, ErrorState, Skeleton } from '../components/ui';
import { cn } from '../lib/format';
import { useTitle } from '../lib/title';
import { useDebounced } from '../lib/useDebounced';

/** Everyone's public work (Explore) and the work of the people you follow (Following). */
export function ExplorePage() {
  const [params, setParams] = useSearchParams();
  const asked = params.get('tab');
  const tab = asked === 'following' || asked === 'people' ? asked : 'explore';
  useTitle(tab === 'following' ? 'Following' : tab === 'people' ? 'People' : 'Explore');
  const me = useMe();
  const signedIn = !!me.data;
  return (
    <div className="mx-auto max-w-[1600px] px-4 py-6 sm:px-6">
      <div className="mb-5 flex flex-wrap items-center gap-3">
        <div role="tablist" aria-label="What to show" className="flex gap-1 rounded-xl bg-surface-2 p-1">
          {(
            [
              ['explore', 'Explore', Compass],
              ['following', 'Following', Users],
              ['people', 'People', UserSearch],
            ] as const
          ).map(([id, label, Icon]) => (
            <button
              key={id}
              type="button"
              role="tab"
              aria-selected={tab === id}
              className={cn(
                'flex h-8 items-center gap-1.5 rounded-lg px-3 text-sm font-medium',
                tab === id ? 'bg-surface-1 text-fg shadow-sm' : 'text-fg-muted hover:text-fg',
              )}
              onClick={() => setParams(id === 'explore' ? {} : { tab: id }, { replace: true })}
            >
              <Icon className="h-4 w-4" aria-hidden /> {label}
            </button>
          ))}
        </div>
      </div>
      {tab === 'explore' ? (
        <ExploreTab signedIn={signedIn} />
      ) : tab === 'following' ? (
        <FollowingTab signedIn={signedIn} />
      ) : (
        <PeopleTab />
      )}
    </div>
  );
}

function ExploreTab({ signedIn }: { signedIn: boolean }) {
  const [text, setText] = useState('');
  const [model, setModel] = useState('');
  const [media, setMedia] = useState<MediaKind | ''>('');
  const [sort, setSort] = useState<ExploreSort>('newest');
  const [period, setPeriod] = useState<TrendPeriod>('48h');
  const debounced = useDebounced(text.trim(), 300);
  const filters = useMemo<ExploreFilters>(() => {
    const f: ExploreFilters = {};
    if (debounced) f.text = debounced;
    if (model) f.model = model;
    if (media) f.media = media;
    if (sort !== 'newest') f.sort = sort;
    if (sort === 'trending') f.period = period;
    return f;
  }, [debounced, model, media, sort, period]);
  const explore = useExplore(filters);
  const creators = useTrendingCreators(period, sort === 'trending');
  const items = useMemo(() => explore.data?.pages.flatMap((p) => p.images) ?? [], [explore.data]);
  const filtered = !!debounced || !!model || !!media;
  return (
    <>
      <div className="mb-5 flex flex-wrap items-center gap-3">
        <SearchField id="explore-search" label="Search public prompts" value={text} onChange={setText} className="sm:w-80" />
        <ModelSelect id="explore-model" value={model} onChange={setModel} className="sm:w-48" />
        <MediaSelect id="explore-media" value={media} onChange={setMedia} className="sm:w-44" />
        <label htmlFor="explore-sort" className="sr-only">
          Sort
        </label>
        <select
          id="explore-sort"
          className="input w-full sm:w-40"
          value={sort}
          onChange={(e) => setSort(e.target.value as ExploreSort)}
        >
          <option value="newest">Newest</option>
          <option value="top">Most liked</option>
          <option value="trending">Trending</option>
        </select>
        {sort === 'trending' && (
          <>
            <label htmlFor="explore-period" className="sr-only">
              Trending over
            </label>
            <select
              id="explore-period"
              className="input w-full sm:w-36"
              value={period}
              onChange={(e) => setPeriod(e.target.value as TrendPeriod)}
            >
              <option value="24h">Past day</option>
              <option value="48h">Past 2 days</option>
              <option value="7d">Past week</option>
              <option value="30d">Past month</option>
            </select>
          </>
        )}
      </div>
      {sort === 'trending' && (creators.data?.creators.length ?? 0) > 0 && (
        <section className="mb-5" aria-label="Trending creators">
          <h2 className="mb-2 text-xs font-medium uppercase tracking-wider text-fg-subtle">Trending creators</h2>
          <ul className="flex flex-wrap gap-2">
            {creators.data?.creators.map(({ user }) => (
              <li key={user.id}>
                <Link to={`/u/${user.username}`} className="chip gap-2 py-1 pl-1 pr-3 hover:bg-surface-2">
                  <Avatar name={user.username} url={user.avatar_url} />
                  {user.username}
                </Link>
              </li>
            ))}
          </ul>
        </section>
      )}
      {explore.isPending ? (
        <GridSkeleton />
      ) : explore.isError ? (
        <ErrorState error={explore.error} onRetry={() => void explore.refetch()} />
      ) : items.length === 0 ? (
        <EmptyState icon={<Compass className="h-5 w-5" aria-hidden />} title={filtered ? 'Nothing public matches' : 'Nothing public yet'}>
          {filtered ? 'Try other words or another model.' : 'Images people make public appear here, newest first.'}
        </EmptyState>
      ) : (
        <PublicImageGrid
          items={items}
          signedIn={signedIn}
          hasMore={!!explore.hasNextPage}
          loadingMore={explore.isFetchingNextPage}
          onMore={() => void explore.fetchNextPage()}
        />
      )}
    </>
  );
}

function FollowingTab({ signedIn }: { signedIn: boolean }) {
  const feed = useFeed(signedIn);
  const items = useMemo(() => feed.data?.pages.flatMap((p) => p.images) ?? [], [feed.data]);
  if (!signedIn)
    return (
      <EmptyState icon={<Users className="h-5 w-5" aria-hidden />} title="Sign in to follow people">
        Your feed shows the public work of the people you follow, newest first.
      </EmptyState>
    );
  if (feed.isPending) return <GridSkeleton />;
  if (feed.isError) return <ErrorState error={feed.error} onRetry={() => void feed.refetch()} />;
  if (items.length === 0)
    return (
      <EmptyState
        icon={<Users className="h-5 w-5" aria-hidden />}
        title="Nothing from the people you follow yet"
        action={
          <Link to="/explore" className="btn-primary">
            Find people on Explore
          </Link>
        }
      >
        Follow creators from their profile or an image page; their public work appears here.
      </EmptyState>
    );
  return (
    <PublicImageGrid
      items={items}
      signedIn={signedIn}
      hasMore={!!feed.hasNextPage}
      loadingMore={feed.isFetchingNextPage}
      onMore={() => void feed.fetchNextPage()}
    />
  );
}

function PeopleTab() {
  const [text, setText] = useState('');
  const debounced = useDebounced(text.trim().replace(/^@/, ''), 250);
  const people = usePeopleSearch(debounced);
  return (
    <>
      <SearchField id="people-search" label="Search people by username" value={text} onChange={setText} className="mb-5 sm:w-80" />
      {!debounced ? (
        <EmptyState icon={<UserSearch className="h-5 w-5" aria-hidden />} title="Find people">
          Type the start of a username.
        </EmptyState>
      ) : people.isPending ? (
        <GridSkeleton />
      ) : people.isError ? (
        <ErrorState error={people.error} />
      ) : people.data.users.length === 0 ? (
        <EmptyState icon={<UserSearch className="h-5 w-5" aria-hidden />} title="Nobody by that name" />
      ) : (
        <ul className="grid gap-2 sm:grid-cols-2 lg:grid-cols-3" aria-label="People">
          {people.data.users.map((u) => (
            <li key={u.id}>
              <Link to={`/u/${u.username}`} className="card flex items-center gap-3 px-4 py-3 hover:bg-surface-2">
                <Avatar name={u.username} url={u.avatar_url} />
                <span className="truncate text-sm font-medium">{u.username}</span>
              </Link>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

function GridSkeleton() {
  return (
    <div className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-4 xl:grid-cols-5">
      {Array.from({ length: 10 }, (_, i) => (
        <Skeleton key={i} className="aspect-[4/5]" />
      ))}
    </div>
  );
}
