// React hooks over the API client. Components use these, never fetch or WebSocket.

import { createContext, useContext, useEffect, useState } from 'react';
import {
  infiniteQueryOptions,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
  type InfiniteData,
  type QueryClient,
} from '@tanstack/react-query';
import { useClient } from './context';
import { withAccount, type ApiClient, type ConnectionStatus } from './client';
import { applyEvent, applyJobs, applyVisibility, isFinal, readAgain, removeImages } from './events';
import { keys, RECENT_JOBS } from './keys';
import { imageBase64 } from '../lib/importPng';
import type {
  CompareOutput,
  CompareRequest,
  ComparisonDetail,
  GenerationRequest,
  Image,
  ImagesOutput,
  ImagesQuery,
  Job,
  Me,
  SetDetail,
  UpdateAccount,
  Visibility,
} from './types';

export function useCatalogue() {
  const client = useClient();
  return useQuery({
    queryKey: keys.catalogue,
    queryFn: () => client.call('catalogue.list', {}),
    staleTime: 5 * 60_000,
  });
}

export function useProviders() {
  const client = useClient();
  return useQuery({ queryKey: keys.providers, queryFn: () => client.call('providers.list', {}) });
}

/** Checks that every configured provider answers (on demand: it calls out to each provider). */
export function useProvidersHealth(enabled: boolean) {
  const client = useClient();
  return useQuery({
    queryKey: keys.providersHealth,
    queryFn: () => client.call('providers.health', {}),
    enabled,
    staleTime: 60_000,
  });
}

/** `enabled: false` while nobody is signed in, so a signed-out header does not ask for an account. */
export function useAccount(enabled = true) {
  const client = useClient();
  return useQuery({ queryKey: keys.account, queryFn: () => client.call('account.get', {}), enabled });
}

/**
 * Who is signed in: `data` is the account, null when signed out (only servers with sign-in have that
 * state), undefined while loading. On the web it also hands the transport its CSRF token.
 */
export function useMe() {
  const client = useClient();
  return useQuery({ queryKey: keys.me, queryFn: () => client.me(), staleTime: 5 * 60_000 });
}

/** Query roots that hold nothing private: they survive signing out. */
const PUBLIC_QUERIES = new Set<unknown>(['me', 'catalogue', 'providers']);

/** After this browser's session ended: nobody is signed in, and nothing the account could see stays cached. */
export function forgetAccount(qc: QueryClient) {
  qc.setQueryData<Me | null>(keys.me, null);
  qc.removeQueries({ predicate: (q) => !PUBLIC_QUERIES.has(q.queryKey[0]) });
}

export function useSignOut() {
  const client = useClient();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => client.signOut(),
    onSuccess: () => forgetAccount(qc),
  });
}

/** Saves username and/or settings; both the account and `me` caches take the answer. */
export function useUpdateAccount() {
  const client = useClient();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: UpdateAccount) => client.call('account.update', input),
    onSuccess: (out) => {
      qc.setQueryData(keys.account, out);
      qc.setQueryData<Me | null>(keys.me, (old) => (old ? withAccount(old, out) : old));
    },
  });
}

export function useSetVisibility() {
  const client = useClient();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ ids, visibility }: { ids: string[]; visibility: Visibility }) =>
      client.call('images.set_visibility', { image_ids: ids, visibility }),
    onSuccess: (out, { visibility }) => applyVisibility(qc, out.changed, visibility),
  });
}

/** Makes a whole set public or private; its images follow, those still being made included. */
export function useSetSetVisibility(setId: string) {
  const client = useClient();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (visibility: Visibility) => client.call('sets.set_visibility', { set_id: setId, visibility }),
    onSuccess: (out, visibility) => {
      qc.setQueryData<SetDetail>(keys.set(setId), (old) => (old ? { ...old, set: { ...old.set, visibility } } : old));
      applyVisibility(qc, out.changed, visibility);
    },
  });
}

/** The live event stream's state, provided by the layout; queries poll while it is down. */
export const LiveStatusContext = createContext<ConnectionStatus>('open');

export function useRecentJobs() {
  const client = useClient();
  const live = useContext(LiveStatusContext);
  return useQuery({
    queryKey: keys.jobs,
    queryFn: () => client.call('generations.list', { limit: RECENT_JOBS }),
    // Without live events, poll while something is still running.
    refetchInterval: (q) => (live !== 'open' && q.state.data?.jobs.some((j) => !isFinal(j)) ? 2000 : false),
  });
}

function seedImages(qc: QueryClient, images: Image[]) {
  for (const image of images) qc.setQueryData(keys.image(image.id), image);
}

export function useSet(setId: string | undefined) {
  const client = useClient();
  const qc = useQueryClient();
  return useQuery({
    queryKey: keys.set(setId ?? ''),
    queryFn: async () => {
      const detail = await client.call('sets.get', { set_id: setId ?? '' });
      seedImages(qc, detail.images);
      return detail;
    },
    enabled: !!setId,
  });
}

/** Puts each set of a comparison into its own set query. */
function seedComparisonSets(qc: QueryClient, sets: SetDetail[]) {
  for (const detail of sets) {
    seedImages(qc, detail.images);
    qc.setQueryData(keys.set(detail.set.id), detail);
  }
}

/**
 * A comparison: one set per model, kept current by live events (see `applyEvent`). Its sets are also put
 * into the set queries, so opening one from the comparison needs no request. Without live events it polls
 * while a job is unfinished.
 */
export function useComparison(comparisonId: string | undefined) {
  const client = useClient();
  const qc = useQueryClient();
  const live = useContext(LiveStatusContext);
  return useQuery({
    queryKey: keys.comparison(comparisonId ?? ''),
    queryFn: async () => {
      const detail = await client.call('comparisons.get', { comparison_id: comparisonId ?? '' });
      seedComparisonSets(qc, detail.sets);
      return detail;
    },
    enabled: !!comparisonId,
    refetchInterval: (q) =>
      live !== 'open' && q.state.data?.sets.some((s) => s.jobs.some((j) => !isFinal(j))) ? 2000 : false,
  });
}

/** The comparison as just submitted: its sets with their queued jobs and no images yet. */
export function comparisonFromOutput(out: CompareOutput): ComparisonDetail {
  return {
    comparison_id: out.comparison_id,
    sets: out.sets.map((s) => ({ set: s.set, jobs: s.jobs, images: [] })),
  };
}

/** Runs one prompt on 2–4 models (`generations.compare`). */
export function useCompare() {
  const client = useClient();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (req: CompareRequest) => client.call('generations.compare', req),
    onSuccess: (out) => {
      afterSubmit(qc, out.sets.flatMap((s) => s.jobs));
      const detail = comparisonFromOutput(out);
      seedComparisonSets(qc, detail.sets);
      qc.setQueryData(keys.comparison(out.comparison_id), detail);
      // Events that arrived before the answer found no set to update (a fast model may already be done):
      // fetch the comparison once more when its view opens.
      void qc.invalidateQueries({ queryKey: keys.comparison(out.comparison_id), refetchType: 'none' });
    },
  });
}

/** An image already held by a loaded Library page, so opening it from the grid needs no request. Library
 * pages are not copied into per-image queries: with 100,000 images loaded that would be 100,000 queries. */
function cachedImage(qc: QueryClient, imageId: string): Image | undefined {
  for (const [, data] of qc.getQueriesData<InfiniteData<ImagesOutput>>({ queryKey: keys.imagesAll })) {
    for (const page of data?.pages ?? []) {
      const hit = page.images.find((i) => i.id === imageId);
      if (hit) return hit;
    }
  }
  return undefined;
}

export function useImage(imageId: string | undefined) {
  const client = useClient();
  const qc = useQueryClient();
  return useQuery({
    queryKey: keys.image(imageId ?? ''),
    queryFn: () => client.call('images.get', { image_id: imageId ?? '' }),
    initialData: () => (imageId ? cachedImage(qc, imageId) : undefined),
    enabled: !!imageId,
    // Images are immutable but for their visibility, which only the owner changes, and this client puts
    // the change into every cache itself (applyVisibility).
    staleTime: Infinity,
  });
}

export const PAGE_SIZE = 60;
/** The server's largest page (`MAX_PAGE` in the core's operations). */
export const NEXT_PAGE_SIZE = 200;

function imagesQuery(client: ApiClient, filters: Omit<ImagesQuery, 'before' | 'limit'>) {
  return infiniteQueryOptions({
    queryKey: keys.images(filters),
    queryFn: ({ pageParam }) =>
      client.call('images.list', {
        ...filters,
        // A small first page paints quickly; later pages use the server's largest page.
        limit: pageParam ? NEXT_PAGE_SIZE : PAGE_SIZE,
        ...(pageParam ? { before: pageParam } : {}),
      }),
    initialPageParam: '',
    getNextPageParam: (last: ImagesOutput) => last.next ?? undefined,
  });
}

export function useImages(filters: Omit<ImagesQuery, 'before' | 'limit'>) {
  return useInfiniteQuery(imagesQuery(useClient(), filters));
}

/** Starts loading the unfiltered library while the Library page's code is still on its way. */
export function usePrefetchLibrary() {
  const client = useClient();
  const qc = useQueryClient();
  useEffect(() => {
    void qc.prefetchInfiniteQuery(imagesQuery(client, {}));
  }, [client, qc]);
}

export function useLedger(enabled: boolean) {
  const client = useClient();
  return useQuery({
    queryKey: keys.ledger,
    queryFn: () => client.call('ledger.list', { limit: 20 }),
    enabled,
  });
}

function afterSubmit(qc: QueryClient, jobs: Job[]) {
  applyJobs(qc, jobs);
  void qc.invalidateQueries({ queryKey: keys.account });
  void qc.invalidateQueries({ queryKey: keys.ledger });
}

export function useCreateGeneration() {
  const client = useClient();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (req: GenerationRequest) => client.call('generations.create', req),
    onSuccess: (out) => afterSubmit(qc, out.jobs),
  });
}

export function useCancelJob() {
  const client = useClient();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (jobId: string) => client.call('generations.cancel', { job_id: jobId }),
    onSuccess: (job) => applyJobs(qc, [job]),
  });
}

export function useRetryJob() {
  const client = useClient();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (jobId: string) => client.call('generations.retry', { job_id: jobId }),
    onSuccess: (out) => afterSubmit(qc, out.jobs),
  });
}

export function useDeleteImages() {
  const client = useClient();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (ids: string[]) => client.call('images.delete', { image_ids: ids }),
    onSuccess: (out) => {
      removeImages(qc, out.deleted);
      void qc.invalidateQueries({ queryKey: keys.storageUsage });
    },
  });
}

/** How many images the caller keeps and the space their originals take. */
export function useStorageUsage() {
  const client = useClient();
  return useQuery({ queryKey: keys.storageUsage, queryFn: () => client.call('storage.usage', {}) });
}

/**
 * Subscribes to live events for the whole app and keeps caches current.
 * After a reconnect every query is refetched, since events may have been missed.
 */
export function useLiveEvents(enabled = true): ConnectionStatus {
  const client = useClient();
  const qc = useQueryClient();
  const [status, setStatus] = useState<ConnectionStatus>('connecting');
  useEffect(() => {
    // Signed out there is nobody to send events to (the server refuses the stream).
    if (!enabled) return;
    let lostAfterOpen = false;
    let wasOpen = false;
    return client.subscribe(
      (event) => applyEvent(qc, event),
      (s) => {
        setStatus(s);
        if (s === 'open') {
          // Events before the stream opened (or while it was down) were missed: catch up.
          if (lostAfterOpen) void readAgain(qc);
          else {
            // A page read before the stream opened (a set being made, say) misses what finished in
            // between: everything events keep current is read again, the shown queries at once.
            for (const queryKey of [keys.jobs, keys.account, keys.me, ['set'], keys.comparisonsAll, keys.imagesAll, keys.ledger]) {
              void readAgain(qc, { queryKey });
            }
          }
          wasOpen = true;
          lostAfterOpen = false;
        } else if (s === 'closed' && wasOpen) {
          lostAfterOpen = true;
        }
      },
    );
  }, [client, qc, enabled]);
  return status;
}

/**
 * Reads a generation record from a PNG, JPEG or WebP (AUTOMATIC1111, ComfyUI, InvokeAI, Fooocus, NovelAI). The
 * file is checked for size and signature before upload; see `importErrorWords` for the errors in plain words.
 */
export function useImportRecord() {
  const client = useClient();
  return useMutation({
    mutationFn: async (file: File) => client.call('records.import', { file_base64: await imageBase64(file) }),
  });
}
