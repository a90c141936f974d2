import { defineJob, defineRegistry } from '@conveyor/core';
import { deletePrefix, uniquePrefix, waitFor } from '@conveyor/testkit';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterEach, expect, inject, it } from 'vitest';
import { z } from 'zod';
import {
  createKeyspace,
  createProducer,
  createWorkerPool,
  type Keyspace,
} from '../src/index.ts';

// Flow control in one process (the cross-process and fault runs are in
// flow-*.test.ts): what the dispatch hands out, in which order, and what it
// leaves behind.
const redisUrl = inject('redisUrl');
const fair = defineJob({
  name: 'fc.fair',
  queue: 'fcq',
  input: z.strictObject({ n: z.number() }),
  flow: { fairShare: true },
});
const keyed = defineJob({
  name: 'fc.keyed',
  queue: 'fcq',
  input: z.strictObject({ user: z.string(), n: z.number() }),
  flow: { key: (input) => input.user, concurrency: 2 },
  defaults: { attempts: 3, backoff: { type: 'fixed', delay: 10 } },
});
const rated = defineJob({
  name: 'fc.rated',
  queue: 'fcq',
  input: z.strictObject({ n: z.number() }),
  flow: { rateLimit: { max: 3, per: '1s' } },
});
const registry = defineRegistry([fair, keyed, rated], {
  queues: { fcq: { globalConcurrency: 50 } },
});

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

interface Started {
  name: string;
  tenant: string;
  key: string;
  at: number;
}

function harness(concurrency: number) {
  const prefix = uniquePrefix('flow');
  const keys = createKeyspace(prefix);
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const started: Started[] = [];
  const running = new Map<string, number>();
  let overLimit = 0;
  let failOnce = true;
  const producers = new Map<string, ReturnType<typeof createProducer>>();
  const producer = (tenant: string) => {
    let found = producers.get(tenant);
    if (!found) {
      found = createProducer({ registry, tenantId: tenant, redis, keys });
      producers.set(tenant, found);
    }
    return found;
  };
  const pool = createWorkerPool({
    registry,
    redis,
    keys,
    concurrency,
    logger: pino({ level: 'silent' }),
    processors: {
      'fc.fair': async ({ n }, { tenantId }) => {
        started.push({
          name: 'fc.fair',
          tenant: tenantId,
          key: String(n),
          at: Date.now(),
        });
        await new Promise((r) => setTimeout(r, 2));
      },
      'fc.keyed': async ({ user }, { tenantId }) => {
        const slot = `${tenantId}:${user}`;
        const now = (running.get(slot) ?? 0) + 1;
        running.set(slot, now);
        if (now > 2) overLimit += 1;
        started.push({
          name: 'fc.keyed',
          tenant: tenantId,
          key: user,
          at: Date.now(),
        });
        await new Promise((r) => setTimeout(r, 5));
        running.set(slot, (running.get(slot) ?? 1) - 1);
        if (failOnce) {
          failOnce = false;
          throw new Error('first attempt fails');
        }
      },
      'fc.rated': ({ n }, { tenantId }) => {
        started.push({
          name: 'fc.rated',
          tenant: tenantId,
          key: String(n),
          at: Date.now(),
        });
        return Promise.resolve();
      },
    },
  });
  cleanup.push(async () => {
    await pool.close();
    for (const p of producers.values()) await p.close();
    redis.disconnect();
    await deletePrefix(redisUrl, prefix);
  });
  return { keys, redis, pool, producer, started, overLimit: () => overLimit };
}

async function flowKeys(redis: Redis, keys: Keyspace, what: string) {
  return redis.keys(`${keys.flowPrefix('fcq')}${what}*`);
}

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

it('a rate limit is taken before dispatch: no attempt spent waiting', async () => {
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
