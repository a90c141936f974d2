import { connectRedis, deletePrefix, uniquePrefix } from '@conveyor/testkit';
import { afterEach, expect, inject, it } from 'vitest';
import { DISPATCH_SCRIPT } from '../src/flow/flow-scripts.ts';
import { createKeyspace, createProducer } from '../src/index.ts';
import { registry } from './support/flow-harness.ts';

// The dispatch script alone, against states a worker fleet takes minutes
// to reach: many keys whose slots are all held, and a dispatched job
// removed before it started.
const redisUrl = inject('redisUrl');
const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

function setup() {
  const prefix = uniquePrefix('dispatch');
  const keys = createKeyspace(prefix);
  const redis = connectRedis(redisUrl, { maxRetriesPerRequest: null });
  const producers = new Map<string, ReturnType<typeof createProducer>>();
  const producer = (tenant: string) => {
    const found =
      producers.get(tenant) ??
      createProducer({ registry, tenantId: tenant, redis, keys });
    producers.set(tenant, found);
    return found;
  };
  const fc = keys.flowPrefix('fcq');
  const dispatch = (target: number) =>
    DISPATCH_SCRIPT.run(
      redis,
      ['wait', 'active', 'meta', 'marker'].map((s) => keys.bull('fcq', s)),
      [keys.queueKeyPrefix('fcq'), target, 60_000],
    );
  /** A running holder of one of the lane's slots: its lease and its live lock. */
  const holdSlot = async (lane: string, holder: string) => {
    await redis.zadd(`${fc}slots:${lane}`, -Date.now(), holder);
    await redis.set(keys.bull('fcq', `${holder}:lock`), 'x', 'PX', 120_000);
  };
  const waiting = () => redis.lrange(keys.bull('fcq', 'wait'), 0, -1);
  cleanup.push(async () => {
    for (const p of producers.values()) await p.close();
    redis.disconnect();
    await deletePrefix(redisUrl, prefix);
  });
  return { redis, keys, producer, dispatch, holdSlot, waiting };
}

it('a tenant whose keys are all full does not use up the dispatch of another', async () => {
  const s = setup();
  const users = Array.from({ length: 300 }, (_, i) => `u${i}`);
  await s.producer('ta').enqueueMany({
    jobs: users.map((user, n) => ({
      name: 'fc.keyed' as const,
      data: { user, n },
    })) as never,
  });
  for (const user of users) {
    await s.holdSlot(`ta:fc.keyed:${user}`, `${user}-1`);
    await s.holdSlot(`ta:fc.keyed:${user}`, `${user}-2`);
  }
  const { jobs } = await s.producer('tb').enqueueMany({
    jobs: Array.from({ length: 20 }, (_, n) => ({
      name: 'fc.fair' as const,
      data: { n },
    })) as never,
  });
  expect(await s.dispatch(10)).toBe(10);
  const handed = await s.waiting();
  const bIds = new Set(jobs.map((j) => j.id));
  expect(handed.every((id) => bIds.has(id))).toBe(true);
});

it('a dispatched job removed before it starts gives its slot back at once', async () => {
  const s = setup();
  const { jobs } = await s.producer('ta').enqueueMany({
    jobs: [0, 1].map((n) => ({
      name: 'fc.keyed' as const,
      data: { user: 'u1', n },
    })) as never,
  });
  const [x, y] = jobs.map((j) => j.id);
  await s.holdSlot('ta:fc.keyed:u1', 'other-running-job');
  expect(await s.dispatch(1)).toBe(1);
  expect(await s.waiting()).toEqual([x]);
  // The key's two slots: the running job's and x's. Cancel removes x.
  const queue = s.producer('ta').queue('fcq');
  await (await queue.getJob(x!))?.remove();
  expect(await s.dispatch(1)).toBe(1);
  expect(await s.waiting()).toEqual([y]);
});
