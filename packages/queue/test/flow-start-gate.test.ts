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
  const { redis, keys, gate, job, fc } = setup();
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

function setup() {
  const prefix = uniquePrefix('gate');
  const keys = createKeyspace(prefix);
  const redis = connectRedis(redisUrl, { maxRetriesPerRequest: null });
  cleanup.push(async () => {
    redis.disconnect();
    await deletePrefix(redisUrl, prefix);
  });
  const gate = new StartGateBatch({
    redis,
    keys,
    queue: 'fcq',
    graceMs: 60_000,
  });
  const job = (id: string) => keys.bull('fcq', id);
  return { redis, keys, gate, job, fc: keys.flowPrefix('fcq') };
}

it('one job whose gate fails is rejected alone: the others of its call get their verdicts', async () => {
  const { redis, keys, gate, job, fc } = setup();
  const good = JSON.stringify({ l: 't1:fc.keyed:u1', c: 1 });
  // A lone surrogate: JSON.stringify writes it, cjson cannot read it.
  const bad = JSON.stringify({ l: 't1:fc.keyed:\ud800', c: 1 });
  for (const id of ['a', 'b', 'c', 'd']) {
    await redis.hset(job(id), 'name', 'fc.keyed');
    await redis.set(`${job(id)}:lock`, `tok-${id}`);
  }
  await redis.hset(job('a'), 'cvf', good);
  await redis.hset(job('d'), 'cvf', good);
  await redis.lpush(keys.bull('fcq', 'active'), 'a', 'b', 'c', 'd');
  const ask = (id: string, cvf: string) =>
    gate.ask({ id, cvf, priority: 0, token: `tok-${id}` });
  const [a, b, c, d] = await Promise.allSettled([
    ask('a', good),
    ask('b', good),
    ask('c', bad),
    ask('d', good),
  ]);

  expect(a.status === 'fulfilled' && a.value[0]).toBe('run');
  expect(b).toEqual({ status: 'fulfilled', value: ['held'] });
  expect(c.status).toBe('rejected');
  expect(String((c as PromiseRejectedResult).reason)).toMatch(/start gate/);
  // d comes after the failure, and still sees a's slot.
  expect(d).toEqual({ status: 'fulfilled', value: ['held'] });
  expect(await redis.zrange(`${fc}lane:t1:fc.keyed:u1`, '0', '-1')).toEqual([
    'b',
    'd',
  ]);
  expect(await redis.lrange(keys.bull('fcq', 'active'), 0, -1)).toEqual([
    'c',
    'a',
  ]);
});

it('the start gates asked in one turn share one script call', async () => {
  const { redis, keys, gate, job } = setup();
  const fair = JSON.stringify({ l: 't1:fc.fair:' });
  const ask = (id: string) =>
    gate.ask({ id, cvf: fair, priority: 0, token: `tok-${id}` });
  const ids = ['a', 'b', 'c', 'd', 'e'];
  for (const id of ids) await redis.hset(job(id), 'cvf', fair, 'cvd', '1');
  await ask('warm'); // Redis learns the script: its calls are EVALSHA from here
  const monitor = await redis.monitor();
  const calls: string[][] = [];
  const prefix = keys.queueKeyPrefix('fcq');
  const seen = new Promise<void>((resolve) =>
    monitor.on('monitor', (_time: string, args: string[]) => {
      if (args.includes(prefix)) calls.push(args);
      if (args[0]?.toLowerCase() === 'echo' && args[1] === prefix) resolve();
    }),
  );
  cleanup.push(() => {
    monitor.disconnect();
    return Promise.resolve();
  });

  const verdicts = await Promise.all(ids.map(ask));
  await redis.echo(prefix); // after the gates' call in the monitor's feed
  await seen;

  expect(verdicts).toEqual(ids.map(() => ['run', 0]));
  const scripts = calls.filter((args) => /^eval/i.test(args[0] ?? ''));
  expect(scripts).toHaveLength(1);
  expect(scripts[0]!.filter((arg) => ids.includes(arg))).toEqual(ids);
});

it('a request that cannot be sent rejects its call instead of leaving it waiting', async () => {
  const { gate } = setup();
  const fair = JSON.stringify({ l: 't1:fc.fair:' });
  const broken = {
    id: 'b',
    cvf: fair,
    token: 'tok-b',
    get priority(): number {
      throw new Error('unreadable');
    },
  };
  const settled = await Promise.allSettled([
    gate.ask({ id: 'a', cvf: fair, priority: 0, token: 'tok-a' }),
    gate.ask(broken),
  ]);
  expect(settled.map((s) => s.status)).toEqual(['rejected', 'rejected']);
});
