import { waitFor } from '@conveyor/testkit';
import { afterEach, expect, inject, it } from 'vitest';
import { cleanUp, flowKeys, harness } from './support/flow-harness.ts';

// The ways a flow-controlled job can leave the usual path: a priority inside
// its tenant, a delay (held at its first start), a removal while held, and
// the queue's global concurrency as the registry declares it.
const redisUrl = inject('redisUrl');
afterEach(cleanUp);

const fairJobs = (from: number, count: number, priority?: number) =>
  Array.from({ length: count }, (_, i) => ({
    name: 'fc.fair' as const,
    data: { n: from + i },
    ...(priority === undefined ? {} : { options: { priority } }),
  })) as never;

it('a priority keeps its meaning inside a tenant', async () => {
  const h = harness(redisUrl, 1);
  await h.producer('t1').enqueueMany({ jobs: fairJobs(0, 40, 10) });
  await h.producer('t1').enqueue({
    name: 'fc.fair',
    data: { n: 999 },
    options: { priority: 1 },
  });
  await waitFor(() => (h.started.length >= 41 ? true : undefined), 60_000);
  const at = h.started.findIndex((s) => s.key === '999');
  // Only what was already dispatched (the buffer: one) or running goes first.
  expect(at).toBeLessThanOrEqual(3);
});

it('a delayed job is held at its first start, then runs once', async () => {
  const h = harness(redisUrl, 2);
  await h.pool.ready();
  const { id } = await h.producer('t1').enqueue({
    name: 'fc.fair',
    data: { n: 7 },
    options: { delay: 300 },
  });
  await waitFor(() => (h.started.length >= 1 ? true : undefined), 60_000);
  const job = await waitFor(async () => {
    const found = await h.producer('t1').queue('fcq').getJob(id);
    return found?.finishedOn ? found : undefined;
  }, 30_000);
  expect(job.returnvalue).toBeDefined();
  expect(h.started.filter((s) => s.key === '7')).toHaveLength(1);
  expect(await h.redis.hget(`${h.keys.flowPrefix('fcq')}backlog`, 't1')).toBe(
    '0',
  );
});

it('a held job removed (a cancel) is dropped by the dispatch; the rest run', async () => {
  const h = harness(redisUrl, 1);
  const { jobs } = await h.producer('t1').enqueueMany({
    jobs: fairJobs(0, 30),
  });
  const last = jobs[29]!.id;
  const job = await h.producer('t1').queue('fcq').getJob(last);
  expect(await job?.getState()).toBe('unknown');
  await job?.remove();
  await h.pool.ready();
  await waitFor(() => (h.started.length >= 29 ? true : undefined), 60_000);
  await waitFor(
    async () =>
      (await flowKeys(h.redis, h.keys, 'lane:')).length === 0
        ? true
        : undefined,
    30_000,
    'the lanes to empty',
  );
  expect(h.started.map((s) => s.key)).not.toContain('29');
  expect(await h.redis.hget(`${h.keys.flowPrefix('fcq')}backlog`, 't1')).toBe(
    '0',
  );
});

it('the registry sets the queue global concurrency', async () => {
  const h = harness(redisUrl, 1);
  await h.pool.ready();
  expect(await h.redis.hget(h.keys.bull('fcq', 'meta'), 'concurrency')).toBe(
    '50',
  );
});
