// Applies live events to TanStack Query caches: job status and progress, finished images, balance.

import type { InfiniteData, QueryClient, QueryFilters } from '@tanstack/react-query';
import type {
  AccountOutput,
  ComparisonDetail,
  Event,
  Image,
  ImagesOutput,
  Job,
  JobsOutput,
  Me,
  SetDetail,
  Visibility,
} from './types';
import { keys } from './keys';
import { applyNotification, messageArrived } from './socialHooks';

const FINAL = new Set(['succeeded', 'failed', 'cancelled', 'moderated']);

export function isFinal(job: Pick<Job, 'state'>): boolean {
  return FINAL.has(job.state);
}

/** Merges `next` over `prev`, never moving a finished job back to queued/running. */
function mergeJob(prev: Job | undefined, next: Job): Job {
  if (prev && isFinal(prev) && !isFinal(next)) return prev;
  return next;
}

function upsertJob(list: Job[], job: Job, prependIfNew: boolean): Job[] {
  const i = list.findIndex((j) => j.id === job.id);
  if (i === -1) return prependIfNew ? [job, ...list] : list;
  const merged = mergeJob(list[i], job);
  if (merged === list[i]) return list;
  const copy = list.slice();
  copy[i] = merged;
  return copy;
}

function patchJob(list: Job[], jobId: string, patch: (j: Job) => Job): Job[] {
  const i = list.findIndex((j) => j.id === jobId);
  const old = list[i];
  if (i === -1 || !old) return list;
  const updated = patch(old);
  if (updated === old) return list;
  const copy = list.slice();
  copy[i] = updated;
  return copy;
}

/** Puts jobs (e.g. from generations.create) into the queue and their set. */
export function applyJobs(qc: QueryClient, jobs: Job[]): void {
  // Newest first: insert in reverse so the first job ends on top.
  for (const job of [...jobs].reverse()) applyJob(qc, job);
}

/** Updates one set wherever it is held: its own query and any loaded comparison it is part of. */
function updateSet(qc: QueryClient, setId: string, update: (old: SetDetail) => SetDetail): void {
  qc.setQueryData<SetDetail>(keys.set(setId), (old) => (old ? update(old) : old));
  qc.setQueriesData<ComparisonDetail>({ queryKey: keys.comparisonsAll }, (old) => {
    if (!old || !old.sets.some((s) => s.set.id === setId)) return old;
    return { ...old, sets: old.sets.map((s) => (s.set.id === setId ? update(s) : s)) };
  });
}

function applyJob(qc: QueryClient, job: Job): void {
  qc.setQueryData<JobsOutput>(keys.jobs, (old) =>
    old ? { ...old, jobs: upsertJob(old.jobs, job, true) } : old,
  );
  updateSet(qc, job.set_id, (old) => {
    const jobs = upsertJob(old.jobs, job, false);
    return jobs === old.jobs ? old : { ...old, jobs: jobs.sort((a, b) => a.index - b.index) };
  });
}

function applyProgress(qc: QueryClient, jobId: string, setId: string, progress: number): void {
  const patch = (j: Job): Job =>
    isFinal(j) || j.progress === progress ? j : { ...j, state: 'running', progress };
  qc.setQueryData<JobsOutput>(keys.jobs, (old) =>
    old ? { ...old, jobs: patchJob(old.jobs, jobId, patch) } : old,
  );
  updateSet(qc, setId, (old) => {
    const jobs = patchJob(old.jobs, jobId, patch);
    return jobs === old.jobs ? old : { ...old, jobs };
  });
}

function applyImage(qc: QueryClient, image: Image): void {
  qc.setQueryData(keys.image(image.id), image);
  updateSet(qc, image.set_id, (old) => {
    if (old.images.some((i) => i.id === image.id)) return old;
    const images = [...old.images, image].sort((a, b) => a.record.index - b.record.index);
    return { ...old, images };
  });
  // Unfiltered library views show the new image on top at once; filtered ones refetch.
  const unfiltered = (key: readonly unknown[]): boolean => {
    const f = key[1];
    return typeof f === 'object' && f !== null && Object.values(f).every((v) => v === undefined || v === '');
  };
  qc.setQueriesData<InfiniteData<ImagesOutput>>({ queryKey: keys.imagesAll, predicate: (q) => unfiltered(q.queryKey) }, (old) => {
    if (!old) return old;
    const first = old.pages[0];
    if (!first || first.images.some((i) => i.id === image.id)) return old;
    return { ...old, pages: [{ ...first, images: [image, ...first.images] }, ...old.pages.slice(1)] };
  });
  void qc.invalidateQueries({ queryKey: keys.imagesAll, predicate: (q) => !unfiltered(q.queryKey), refetchType: 'active' });
}

/** Removes deleted images from every cache. */
export function removeImages(qc: QueryClient, ids: string[]): void {
  const gone = new Set(ids);
  qc.setQueriesData<InfiniteData<ImagesOutput>>({ queryKey: keys.imagesAll }, (old) =>
    old
      ? { ...old, pages: old.pages.map((p) => ({ ...p, images: p.images.filter((i) => !gone.has(i.id)) })) }
      : old,
  );
  qc.setQueriesData<SetDetail>({ queryKey: ['set'] }, (old) =>
    old ? { ...old, images: old.images.filter((i) => !gone.has(i.id)) } : old,
  );
  qc.setQueriesData<ComparisonDetail>({ queryKey: keys.comparisonsAll }, (old) =>
    old
      ? { ...old, sets: old.sets.map((s) => ({ ...s, images: s.images.filter((i) => !gone.has(i.id)) })) }
      : old,
  );
  for (const id of ids) qc.removeQueries({ queryKey: keys.image(id) });
}

/** Gives changed images their new visibility in every cache that holds them (image queries never go stale
 * on their own: everything else about an image is immutable). */
export function applyVisibility(qc: QueryClient, ids: string[], visibility: Visibility): void {
  const changed = new Set(ids);
  const update = (i: Image): Image => (changed.has(i.id) && i.visibility !== visibility ? { ...i, visibility } : i);
  for (const id of ids) qc.setQueryData<Image>(keys.image(id), (old) => (old ? update(old) : old));
  qc.setQueriesData<InfiniteData<ImagesOutput>>({ queryKey: keys.imagesAll }, (old) =>
    old ? { ...old, pages: old.pages.map((p) => ({ ...p, images: p.images.map(update) })) } : old,
  );
  qc.setQueriesData<SetDetail>({ queryKey: ['set'] }, (old) => (old ? { ...old, images: old.images.map(update) } : old));
  qc.setQueriesData<ComparisonDetail>({ queryKey: keys.comparisonsAll }, (old) =>
    old ? { ...old, sets: old.sets.map((s) => ({ ...s, images: s.images.map(update) })) } : old,
  );
}

/**
 * Marks queries stale and reads the shown ones again. A request already on its way is cancelled first: it
 * was answered from the database as it was before, and a first load (no data yet) would otherwise be
 * joined rather than replaced, its older answer kept for good.
 */
export async function readAgain(qc: QueryClient, filters: QueryFilters = {}): Promise<void> {
  await qc.cancelQueries({ ...filters, fetchStatus: 'fetching' });
  await qc.invalidateQueries(filters);
}

/** An answer on its way would replace what an event just put in the cache (a set opened as its last image
 * finishes would show it unfinished for good): such queries are read again. */
function rereadInFlight(qc: QueryClient, queryKeys: (readonly unknown[])[]): void {
  for (const queryKey of queryKeys) {
    for (const query of qc.getQueryCache().findAll({ queryKey, fetchStatus: 'fetching' })) {
      void readAgain(qc, { queryKey: query.queryKey, exact: true });
    }
  }
}

function generationQueries(setId: string): (readonly unknown[])[] {
  return [keys.jobs, keys.set(setId), keys.comparisonsAll, keys.imagesAll];
}

export function applyEvent(qc: QueryClient, event: Event): void {
  switch (event.type) {
    case 'generation.queued':
    case 'generation.started':
    case 'generation.failed':
      applyJob(qc, event.job);
      rereadInFlight(qc, generationQueries(event.job.set_id));
      return;
    case 'generation.progress':
      applyProgress(qc, event.job_id, event.set_id, event.progress);
      return;
    case 'generation.completed':
      applyImage(qc, event.image);
      applyJob(qc, event.job);
      rereadInFlight(qc, generationQueries(event.job.set_id));
      return;
    case 'balance.changed':
      qc.setQueryData<AccountOutput>(keys.account, (old) => (old ? { ...old, balance: event.balance } : old));
      qc.setQueryData<Me | null>(keys.me, (old) => (old ? { ...old, credits: event.balance } : old));
      // The entry behind the change belongs in the history and its chart.
      void qc.invalidateQueries({ queryKey: keys.ledger });
      return;
    case 'sessions.revoked':
      // The server closes a revoked session's stream right after this event; asking who we are again
      // turns a revoked own session into the signed-out screen instead of a string of 401s.
      void qc.invalidateQueries({ queryKey: keys.sessions });
      void qc.invalidateQueries({ queryKey: keys.me });
      return;
    case 'notification.created':
      applyNotification(qc, event.notification);
      return;
    case 'message.created':
      messageArrived(qc, event.message.conversation_id);
      return;
    case 'catalogue.changed':
      // An admin turned a model on or off or changed its price or limit: every form offers what the
      // server accepts now, without a reload.
      void qc.invalidateQueries({ queryKey: keys.catalogue });
      void qc.invalidateQueries({ queryKey: ['admin', 'models'] });
      return;
    case 'resync':
      // This window fell behind and the server dropped events meant for it: nothing shown can be
      // trusted to be current, so everything is read again.
      void readAgain(qc);
      return;
  }
}
