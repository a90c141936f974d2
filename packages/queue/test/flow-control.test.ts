import { keysUnder, waitFor } from '@conveyor/testkit';
import { afterEach, expect, inject, it } from 'vitest';
import { hashTag } from '../src/index.ts';
import { cleanUp, flowKeys, harness as start } from './support/flow-harness.ts';

// Flow control in one process (the cross-process and fault runs are in
// flow-*.test.ts): what the dispatch hands out, in which order, and what it
// leaves behind. Runs on one Redis and again on a Cluster (vitest.config.ts):
// every flow key of a queue is in the queue's slot.
const redisUrl = inject('redisUrl');
const harness = (concurrency: number) => start(redisUrl, concurrency);
afterEach(cleanUp);

it('a second tenant behind a backlog is served in turn, not after it', async () => {
  const h = harness(2);
  const batch = (tenant: string, from: number, count: number) =>
    h.producer(tenant).enqueueMany({
      jobs: Array.from({ length: count }, (_, i) => ({
        name: 'fc.fair' as const,
        data: { n: from + i },
      })) as never,
    });
  await batch('tenant-a', 0, 400);
  await batch('tenant-b', 0, 10);
  const held = (await keysUnder(h.redis, h.keys.prefix)).filter((k) =>
    k.includes(':cv:fc:'),
  );
  expect(held.some((k) => k.includes(':cv:fc:lane:tenant-b:'))).toBe(true);
  // One slot per queue, on a Cluster too: the dispatch is one script.
  expect(new Set(held.map(hashTag))).toEqual(new Set(['fcq']));
  await h.pool.ready();
  await waitFor(
    () => (h.started.length >= 410 ? true : undefined),
    60_000,
    'every job',
  );
  const order = h.started.map((s) => s.tenant);
  const lastB = order.lastIndexOf('tenant-b');
  // Equal weights alternate; the buffer (the worker's concurrency) and the
  // jobs that ran before B's arrived are the only head start A gets.
  expect(lastB).toBeLessThan(60);
  expect(await flowKeys(h.redis, h.keys, 'lane:')).toEqual([]);
});

it('per-key concurrency holds across attempts, and no slot is left held', async () => {
  const h = harness(10);
  await h.pool.ready();
  await h.producer('t1').enqueueMany({
    jobs: Array.from({ length: 30 }, (_, i) => ({
      name: 'fc.keyed' as const,
      data: { user: i % 2 ? 'u1' : 'u2', n: i },
    })) as never,
  });
  await h
    .producer('t2')
    .enqueue({ name: 'fc.keyed', data: { user: 'u1', n: 99 } });
  await waitFor(
    () => (h.started.length >= 32 ? true : undefined),
    60_000,
    'every attempt',
  );
  expect(h.overLimit()).toBe(0);
  await waitFor(
    async () =>
      (await flowKeys(h.redis, h.keys, 'slots:')).length === 0
        ? true
        : undefined,
    30_000,
    'every slot released',
  );
});

it('a rate limit holds jobs before they start: no attempt spent waiting', async () => {
  const h = harness(10);
  await h.pool.ready();
  const { jobs } = await h.producer('t1').enqueueMany({
    jobs: Array.from({ length: 9 }, (_, i) => ({
      name: 'fc.rated' as const,
      data: { n: i },
    })) as never,
  });
  await waitFor(
    () => (h.started.length >= 9 ? true : undefined),
    60_000,
    'every job',
  );
  const times = h.started.map((s) => s.at).sort((a, b) => a - b);
  // A bucket of 3, refilled at 3 per second: the 9th start comes ≥ 2 s after the first.
  expect(times[8]! - times[0]!).toBeGreaterThanOrEqual(1_900);
  const job = await h.producer('t1').queue('fcq').getJob(jobs[8]!.id);
  expect(job?.attemptsMade).toBe(1);
});
