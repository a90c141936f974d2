import { connectRedis, deletePrefix, uniquePrefix } from '@conveyor/testkit';
import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import { afterEach, expect, inject, it } from 'vitest';
import { FlowDispatcher } from '../src/flow/flow-dispatcher.ts';
import { createKeyspace, createProducer } from '../src/index.ts';
import { registry } from './support/flow-harness.ts';

// How full the dispatcher keeps BullMQ's wait list: the concurrency at
// rest, more while attempts end fast (a list run dry between two runs
// idles the worker's slots; a long one delays a tenant that arrives).
const redisUrl = inject('redisUrl');
const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

async function setup(concurrency: number, held: number) {
  const prefix = uniquePrefix('headroom');
  const keys = createKeyspace(prefix);
  const redis = connectRedis(redisUrl, { maxRetriesPerRequest: null });
  const producer = createProducer({ registry, tenantId: 'ta', redis, keys });
  await producer.enqueueMany({
    jobs: Array.from({ length: held }, (_, n) => ({
      name: 'fc.fair' as const,
      data: { n },
    })) as never,
  });
  const dispatcher = new FlowDispatcher({
    redis,
    keys,
    queue: 'fcq',
    logger: pino({ level: 'silent' }),
    target: concurrency,
    graceMs: 60_000,
  });
  cleanup.push(async () => {
    dispatcher.close();
    await producer.close();
    redis.disconnect();
    await deletePrefix(redisUrl, prefix);
  });
  const wait = keys.bull('fcq', 'wait');
  const waiting = () => redis.llen(wait);
  /** The worker takes `n` jobs from the list and ends their attempts. */
  const work = async (n: number) => {
    await redis.rpop(wait, n);
    for (let i = 0; i < n; i++) dispatcher.attemptEnded();
  };
  return { dispatcher, waiting, work };
}

async function until(check: () => Promise<boolean>) {
  const deadline = Date.now() + 10_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in 10 s');
    await sleep(10);
  }
}

it('at rest the wait list holds the concurrency, however many jobs are held', async () => {
  const s = await setup(4, 40);
  s.dispatcher.start();
  await until(async () => (await s.waiting()) === 4);
  // Several poll runs later (every 100 ms), still no more than that.
  await sleep(400);
  expect(await s.waiting()).toBe(4);
});

it('attempts ending between two runs add twice their number, at most two concurrencies', async () => {
  const s = await setup(4, 60);
  s.dispatcher.start();
  await until(async () => (await s.waiting()) === 4);
  await s.work(3);
  // 4 + 2 × 3 ends.
  await until(async () => (await s.waiting()) === 10);
  await sleep(300);
  expect(await s.waiting()).toBe(10);
  await s.work(10);
  // 4 + min(2 × 10, 2 × 4).
  await until(async () => (await s.waiting()) === 12);
  await sleep(300);
  expect(await s.waiting()).toBe(12);
});
