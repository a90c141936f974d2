import { connectRedis, deletePrefix, uniquePrefix } from '@conveyor/testkit';
import { afterEach, expect, inject, it } from 'vitest';
import { DISPATCH_SCRIPT } from '../src/flow/dispatch-script.ts';
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

it('one run hands out a batch in stride order, each tenant by its lanes’ heads, and leaves the sets as it found them', async () => {
  const s = setup();
  const fc = s.keys.flowPrefix('fcq');
  await s.redis.hset(`${fc}weights`, 'ta', '2');
  // ta: two keys (2 slots each), enqueued alternately; tb: one lane.
  const order = [0, 4, 1, 5, 2, 6, 3, 7];
  const ta = await s.producer('ta').enqueueMany({
    jobs: order.map((n) => ({
      name: 'fc.keyed' as const,
      data: { user: n < 4 ? 'u1' : 'u2', n },
    })) as never,
  });
  const tb = await s.producer('tb').enqueueMany({
    jobs: Array.from({ length: 10 }, (_, i) => ({
      name: 'fc.fair' as const,
      data: { n: 100 + i },
    })) as never,
  });
  const id = new Map<number, string>();
  order.forEach((n, i) => id.set(n, ta.jobs[i]!.id));
  tb.jobs.forEach((job, i) => id.set(100 + i, job.id));
  await (await s.producer('tb').queue('fcq').getJob(id.get(101)!))?.remove();

  expect(await s.dispatch(12)).toBe(12);
  // ta (weight 2) twice per tb turn; each ta pick takes the lane whose head
  // came first; a full key sleeps and the tenant steps aside; 101 is gone.
  const handed = [0, 100, 4, 1, 102, 5, 103, 104, 105, 106, 107, 108];
  expect((await s.waiting()).reverse()).toEqual(handed.map((n) => id.get(n)));

  const lane = (l: string) => s.redis.zrange(`${fc}lane:${l}`, '0', '-1');
  expect(await lane('tb:fc.fair:')).toEqual([id.get(109)]);
  expect(await lane('ta:fc.keyed:u1')).toEqual([id.get(2), id.get(3)]);
  expect(await lane('ta:fc.keyed:u2')).toEqual([id.get(6), id.get(7)]);
  expect(await s.redis.hgetall(`${fc}backlog`)).toEqual({ ta: '4', tb: '1' });
  // tb's lane is ready by its new head; ta's keys sleep, ta left the order.
  const head = await s.redis.zscore(`${fc}lane:tb:fc.fair:`, id.get(109)!);
  expect(
    await s.redis.zrange(`${fc}t:tb:ready`, '0', '-1', 'WITHSCORES'),
  ).toEqual(['tb:fc.fair:', head]);
  expect(await s.redis.zcard(`${fc}t:ta:ready`)).toBe(0);
  expect((await s.redis.zrange(`${fc}sleep`, '0', '-1')).sort()).toEqual([
    'ta:fc.keyed:u1',
    'ta:fc.keyed:u2',
  ]);
  expect(await s.redis.zrange(`${fc}tenants`, '0', '-1')).toEqual(['tb']);
  expect(await s.redis.hget(s.keys.bull('fcq', id.get(0)!), 'cvh')).toBeNull();
  expect(await s.redis.hget(s.keys.bull('fcq', id.get(0)!), 'cvd')).toBe('1');
});

it('a run whose step fails on one lane loses no job: that lane sleeps, the others are handed out', async () => {
  const s = setup();
  const fc = s.keys.flowPrefix('fcq');
  const a = await s.producer('ta').enqueueMany({
    jobs: [0, 1].map((n) => ({
      name: 'fc.fair' as const,
      data: { n },
    })) as never,
  });
  const {
    jobs: [b],
  } = await s.producer('tb').enqueueMany({
    jobs: [{ name: 'fc.keyed' as const, data: { user: 'u1', n: 2 } }] as never,
  });
  // tb's key's slots under a key of the wrong type: its admission raises,
  // after ta's first job was taken.
  await s.redis.set(`${fc}slots:tb:fc.keyed:u1`, 'not a set');
  const all = [...a.jobs, b!].map((j) => j.id);
  /** Every job is in `wait` or still held in its lane: none lost. */
  const placed = async () => {
    const waiting = await s.waiting();
    const lost: string[] = [];
    for (const id of all) {
      const [held, cvf] = await s.redis.hmget(
        s.keys.bull('fcq', id),
        'cvh',
        'cvf',
      );
      const { l } = JSON.parse(cvf ?? '{}') as { l?: string };
      const inLane = await s.redis.zscore(`${fc}lane:${l}`, id);
      if (!waiting.includes(id) && !(held === '1' && inLane !== null))
        lost.push(id);
    }
    return lost;
  };

  await s.dispatch(10).catch(() => null);
  expect(await placed()).toEqual([]);
  await s.dispatch(10).catch(() => null);
  expect(await placed()).toEqual([]);
  expect((await s.waiting()).reverse()).toEqual(a.jobs.map((j) => j.id));
  expect(await s.redis.hget(`${fc}why`, 'tb:fc.keyed:u1')).toBe('error');
  expect(await s.redis.hgetall(`${fc}backlog`)).toEqual({ ta: '0', tb: '1' });

  // Once the key is sound again, the lane's next wake hands its job out.
  await s.redis.del(`${fc}slots:tb:fc.keyed:u1`);
  await s.redis.zadd(`${fc}sleep`, 0, 'tb:fc.keyed:u1');
  expect(await s.dispatch(10)).toBe(1);
  expect(await s.waiting()).toContain(b!.id);
});

it('a held job whose stored spec has the wrong types is handed out as one without limits', async () => {
  const s = setup();
  const { jobs } = await s.producer('ta').enqueueMany({
    jobs: [{ name: 'fc.keyed' as const, data: { user: 'u1', n: 0 } }] as never,
  });
  const id = jobs[0]!.id;
  // The start gate applies the contract's limits; the dispatch only must not stop.
  await s.redis.hset(
    s.keys.bull('fcq', id),
    'cvf',
    JSON.stringify({ l: 'ta:fc.keyed:u1', c: '2', r: [1, 'x', 'b'] }),
  );
  expect(await s.dispatch(10)).toBe(1);
  expect(await s.waiting()).toEqual([id]);
});
