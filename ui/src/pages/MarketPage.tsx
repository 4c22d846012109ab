// The prompt marketplace: listed prompts to search, filter by tag and sort, a page at a time. The
// prompts themselves are never here: a listing shows its samples, its price and what buyers thought.

import { useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { Search, Store, X } from 'lucide-react';
import { useListings } from '../api/marketHooks';
import { useAccount, useMe } from '../api/hooks';
import type { MarketSort } from '../api/types';
import { ListingCard } from '../components/market/ListingCard';
import { MarketTabs } from '../components/market/MarketTabs';
import { EmptyState, ErrorState, PageSpinner } from '../components/ui';
import { useTitle } from '../lib/title';

const SORTS: Array<[MarketSort, string]> = [
  ['newest', 'Newest'],
  ['popular', 'Popular'],
  ['top_rated', 'Top rated'],
  ['price_asc', 'Price: low to high'],
  ['price_desc', 'Price: high to low'],
];

export function MarketPage() {
  useTitle('Prompt market');
  const me = useMe();
  const account = useAccount(!!me.data);
  const [params, setParams] = useSearchParams();
  const text = params.get('q') ?? '';
  const tag = params.get('tag') ?? '';
  const sort = (params.get('sort') as MarketSort | null) ?? 'newest';
  const [typed, setTyped] = useState(text);
  const query = useMemo(() => ({ sort, ...(text ? { text } : {}), ...(tag ? { tag } : {}) }), [sort, text, tag]);
  const listings = useListings(query);
  const items = useMemo(() => listings.data?.pages.flatMap((p) => p.listings) ?? [], [listings.data]);
  const set = (key: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next, { replace: true });
  };

  return (
    <div className="mx-auto max-w-[1600px] px-4 py-6 sm:px-6">
      <div className="mb-5 flex flex-wrap items-center gap-3">
        <h1 className="mr-auto text-lg font-semibold">Prompt market</h1>
        {account.data?.charging && (
          <Link to="/market/new" className="btn-primary h-9">
            <Store className="h-4 w-4" aria-hidden /> Sell a prompt
          </Link>
        )}
      </div>
      <MarketTabs />
      <form
        className="mb-5 flex flex-wrap items-center gap-2"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          set('q', typed.trim());
        }}
      >
        <div className="relative min-w-[220px] flex-1">
          <Search className="pointer-events-none absolute left-3 top-1/2 h-4 w-4 -translate-y-1/2 text-fg-subtle" aria-hidden />
          <input
            className="input pl-9"
            placeholder="Search titles, descriptions and tags"
            aria-label="Search prompts"
            value={typed}
            onChange={(e) => setTyped(e.target.value)}
          />
        </div>
        {tag && (
          <button type="button" className="chip gap-1" onClick={() => set('tag', '')} aria-label={`Remove tag ${tag}`}>
            #{tag} <X className="h-3 w-3" aria-hidden />
          </button>
        )}
        <select className="input h-9 w-auto" aria-label="Sort" value={sort} onChange={(e) => set('sort', e.target.value)}>
          {SORTS.map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </form>
      {listings.isPending ? (
        <PageSpinner />
      ) : listings.isError ? (
        <ErrorState error={listings.error} onRetry={() => void listings.refetch()} />
      ) : items.length === 0 ? (
        <EmptyState icon={<Store className="h-5 w-5" aria-hidden />} title={text || tag ? 'No prompts match' : 'No prompts for sale yet'}>
          Creators sell the prompts behind their best images here.
        </EmptyState>
      ) : (
        <>
          <ul className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3 xl:grid-cols-4" aria-label="Prompts for sale">
            {items.map((l) => (
              <li key={l.id}>
                <ListingCard listing={l} />
              </li>
            ))}
          </ul>
          {listings.hasNextPage && (
            <button
              type="button"
              className="btn-secondary mx-auto mt-6 flex"
              disabled={listings.isFetchingNextPage}
              onClick={() => void listings.fetchNextPage()}
            >
              {listings.isFetchingNextPage ? 'Loading…' : 'More prompts'}
            </button>
          )}
        </>
      )}
    </div>
  );
}
