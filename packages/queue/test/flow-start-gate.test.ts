import { connectRedis, deletePrefix, uniquePrefix } from '@conveyor/testkit';
import { afterEach, expect, inject, it } from 'vitest';
import { StartGateBatch } from '../src/flow/start-gate-batch.ts';
import { createKeyspace } from '../src/index.ts';

// The start gates of one turn share a script call: each job still gets
// the verdict a call of its own would give, whatever the others get.
const redisUrl = inject('redisUrl');
const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

it('starts asked in one turn are gated together, each on its own', async () => {
  const prefix = uniquePrefix('gate');
  const keys = createKeyspace(prefix);
  const redis = connectRedis(redisUrl, { maxRetriesPerRequest: null });
  cleanup.push(async () => {
    redis.disconnect();
    await deletePrefix(redisUrl, prefix);
  });
  const job = (id: string) => keys.bull('fcq', id);
  const fc = keys.flowPrefix('fcq');
  const fair = JSON.stringify({ l: 't1:fc.fair:' });
  const keyed = JSON.stringify({ l: 't1:fc.keyed:u1', c: 1 });
  // a: dispatched; b: a delayed job's first start (never in its lane);
  // c: the same, its lock no longer ours; d: a retry of a keyed job.
  await redis.hset(job('a'), 'cvf', fair, 'cvd', '1');
  await redis.hset(job('b'), 'name', 'fc.fair', 'processedOn', '1');
  await redis.set(`${job('b')}:lock`, 'tok-b');
  await redis.hset(job('c'), 'name', 'fc.fair');
  await redis.set(`${job('c')}:lock`, 'someone-else');
  await redis.hset(job('d'), 'cvf', keyed);
  await redis.lpush(keys.bull('fcq', 'active'), 'a', 'b', 'c', 'd');

  const gate = new StartGateBatch({
    redis,
    keys,
    queue: 'fcq',
    graceMs: 60_000,
  });
  const ask = (id: string, cvf: string) =>
    gate.ask({ id, cvf, priority: 0, token: `tok-${id}` });
  const [a, b, c, d] = await Promise.all([
    ask('a', fair),
    ask('b', fair),
    ask('c', fair),
    ask('d', keyed),
  ]);

  expect(a).toEqual(['run', 0]);
  expect(await redis.hget(job('a'), 'cvd')).toBeNull();
  expect(b).toEqual(['held']);
  expect(await redis.zrange(`${fc}lane:t1:fc.fair:`, '0', '-1')).toEqual(['b']);
  expect(await redis.hmget(job('b'), 'cvh', 'processedOn')).toEqual([
    '1',
    null,
  ]);
  expect(await redis.exists(`${job('b')}:lock`)).toBe(0);
  expect(c).toEqual(['lost']);
  expect(d?.[0]).toBe('run');
  const lease = Number(d?.[1]);
  expect(lease).toBeLessThan(0);
  expect(Number(await redis.zscore(`${fc}slots:t1:fc.keyed:u1`, 'd'))).toBe(
    lease,
  );
  expect(await redis.lrange(keys.bull('fcq', 'active'), 0, -1)).toEqual([
    'd',
    'c',
    'a',
  ]);
});
