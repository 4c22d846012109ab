import { describe, expect, it, vi } from 'vitest';
import { QueryClient, QueryObserver } from '@tanstack/react-query';
import { applyEvent } from './events';
import { keys } from './keys';
import type { AccountOutput, JobsOutput, SetDetail } from './types';
import { account, image, job } from '../test/fixtures';

function setup() {
  const qc = new QueryClient();
  qc.setQueryData<JobsOutput>(keys.jobs, { jobs: [job()] });
  qc.setQueryData<SetDetail>(keys.set('set_1'), {
    set: { id: 'set_1', owner_id: 'u1', params: job().params, n: 1, cost: 0, created_at: 1 },
    jobs: [job()],
    images: [],
  });
  qc.setQueryData<AccountOutput>(keys.account, account({ balance: 10 }));
  return qc;
}

describe('applyEvent', () => {
  it('reads everything again when the server says this window missed events', async () => {
    const qc = setup();
    applyEvent(qc, { type: 'resync', missed: 3 });
    for (const key of [keys.jobs, keys.set('set_1'), keys.account]) {
      await vi.waitFor(() => expect(qc.getQueryState(key)?.isInvalidated).toBe(true));
    }
  });

  it('reads the catalogue again when an admin changes it, so forms offer what the server accepts', async () => {
    const qc = setup();
    qc.setQueryData(keys.catalogue, { models: [], retired: [] });
    applyEvent(qc, { type: 'catalogue.changed' });
    await vi.waitFor(() => expect(qc.getQueryState(keys.catalogue)?.isInvalidated).toBe(true));
    expect(qc.getQueryState(keys.jobs)?.isInvalidated).toBe(false);
  });

  it('updates progress live and marks the job running', () => {
    const qc = setup();
    applyEvent(qc, { type: 'generation.progress', job_id: 'job_1', set_id: 'set_1', progress: 0.4, emitted_at_us: 1 });
    expect(qc.getQueryData<JobsOutput>(keys.jobs)?.jobs[0]).toMatchObject({ state: 'running', progress: 0.4 });
    expect(qc.getQueryData<SetDetail>(keys.set('set_1'))?.jobs[0]?.progress).toBe(0.4);
  });

  it('puts finished images in their set and never moves a finished job back', () => {
    const qc = setup();
    const done = job({ state: 'succeeded', progress: 1, image_id: 'img_1' });
    applyEvent(qc, { type: 'generation.completed', job: done, image: image(), emitted_at_us: 1 });
    expect(qc.getQueryData<SetDetail>(keys.set('set_1'))?.images.map((i) => i.id)).toEqual(['img_1']);
    expect(qc.getQueryData(keys.image('img_1'))).toMatchObject({ id: 'img_1' });
    applyEvent(qc, { type: 'generation.started', job: job({ state: 'running' }) });
    applyEvent(qc, { type: 'generation.progress', job_id: 'job_1', set_id: 'set_1', progress: 0.5, emitted_at_us: 2 });
    expect(qc.getQueryData<JobsOutput>(keys.jobs)?.jobs[0]).toMatchObject({ state: 'succeeded', progress: 1 });
  });

  it('adds new jobs to the top of the queue and updates the balance', () => {
    const qc = setup();
    applyEvent(qc, { type: 'generation.queued', job: job({ id: 'job_2', set_id: 'set_2', created_at: 2000 }) });
    expect(qc.getQueryData<JobsOutput>(keys.jobs)?.jobs.map((j) => j.id)).toEqual(['job_2', 'job_1']);
    applyEvent(qc, { type: 'balance.changed', balance: 42 });
    expect(qc.getQueryData<AccountOutput>(keys.account)?.balance).toBe(42);
  });

  it('shows failures with their error', () => {
    const qc = setup();
    applyEvent(qc, {
      type: 'generation.failed',
      job: job({ state: 'moderated', error: { code: 'moderated', message: 'flagged' }, refunded: true, cost: 6 }),
    });
    expect(qc.getQueryData<JobsOutput>(keys.jobs)?.jobs[0]).toMatchObject({ state: 'moderated', refunded: true });
  });

  it('a set read before its last image finished does not hide that image when the answer comes late', async () => {
    const qc = new QueryClient();
    const before: SetDetail = {
      set: { id: 'set_1', owner_id: 'u1', params: job().params, n: 1, cost: 0, created_at: 1 },
      jobs: [job({ state: 'running' })],
      images: [],
    };
    const done = job({ state: 'succeeded', progress: 1, image_id: 'img_1' });
    const after: SetDetail = { ...before, jobs: [done], images: [image()] };
    // The database as each request finds it: the first read happens before the job finishes, and its
    // answer arrives after the completion event.
    let reads = 0;
    let answerFirst: (d: SetDetail) => void = () => {};
    const queryFn = () => {
      reads += 1;
      return reads === 1 ? new Promise<SetDetail>((resolve) => (answerFirst = resolve)) : Promise.resolve(after);
    };
    // The set page is open: its query has an observer.
    const page = new QueryObserver(qc, { queryKey: keys.set('set_1'), queryFn });
    const unsubscribe = page.subscribe(() => {});
    applyEvent(qc, { type: 'generation.completed', job: done, image: image(), emitted_at_us: 1 });
    answerFirst(before);
    await vi.waitFor(() => expect(qc.getQueryData<SetDetail>(keys.set('set_1'))).toBeDefined());
    await vi.waitFor(() => expect(qc.isFetching()).toBe(0));
    expect(qc.getQueryData<SetDetail>(keys.set('set_1'))?.images.map((i) => i.id)).toEqual(['img_1']);
    expect(reads).toBe(2);
    unsubscribe();
  });
});
