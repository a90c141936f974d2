import { DEFAULT_TENANT } from '@conveyor/core';
import { fixtureRegistry as registry } from '@conveyor/fixtures';
import {
  createKeyspace,
  createProducer,
  createWorkerPool,
} from '@conveyor/queue';
import { Worker } from 'bullmq';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  measured,
  newRedis,
  quietLogger,
  withPrefix,
  type BenchContext,
  type Sample,
} from '../context.ts';
import { fairQueue } from '../fair-options.ts';
import { percentile } from '../stats.ts';
import type { Scenario } from '../scenario.ts';

const RATE = 200;
const since = (sentNs: string) =>
  Number(process.hrtime.bigint() - BigInt(sentNs)) / 1e6;

/** Enqueue → processor start, at a steady 200 jobs/s (producer and worker in this process). */
async function measure(
  ctx: BenchContext,
  side: 'raw' | 'conveyor',
  count: number,
): Promise<number[]> {
  return withPrefix(ctx, 'pickup', async (prefix) => {
    const redis = newRedis(ctx);
    const workerRedis = newRedis(ctx, { blocking: true });
    const latencies: number[] = [];
    let add: (message: string) => Promise<unknown>;
    let close: () => Promise<unknown>;
    if (side === 'raw') {
      const queue = fairQueue(redis, prefix);
      const worker = new Worker(
        'default',
        (job) => {
          latencies.push(since((job.data as { message: string }).message));
          return Promise.resolve();
        },
        { connection: workerRedis, prefix, concurrency: 10 },
      );
      await worker.waitUntilReady();
      add = (message) => queue.add('TEST_JOB', { message });
      close = () => Promise.all([worker.close(), queue.close()]);
    } else {
      const producer = createProducer({
        registry,
        tenantId: DEFAULT_TENANT,
        redis,
        keys: createKeyspace(prefix),
      });
      const noop = () => Promise.resolve({ providerMessageId: 'x' });
      const pool = createWorkerPool({
        registry,
        redis: workerRedis,
        keys: createKeyspace(prefix),
        logger: quietLogger(),
        concurrency: 10,
        queues: ['default'],
        processors: {
          TEST_JOB: ({ message }) => {
            latencies.push(since(message));
            return Promise.resolve({ echoed: '' });
          },
          'sms.send': noop,
          'email.digest': () =>
            Promise.resolve({ messageId: 'x', itemCount: 0 }),
          'feed.sync': () =>
            Promise.resolve({ feeds: 0, items: 0, added: 0, newest: null }),
          'content.generate': () =>
            Promise.reject(new Error('not benchmarked')),
        },
      });
      await pool.ready();
      add = (message) =>
        producer.enqueue({ name: 'TEST_JOB', data: { message } });
      close = () => Promise.all([pool.close(), producer.close()]);
    }
    await measured(ctx, side, async () => {
      const started = performance.now();
      for (let i = 0; i < count; i += 1) {
        // Paced by the clock, not by the previous add: a steady arrival rate.
        const due = started + (i * 1_000) / RATE;
        const wait = due - performance.now();
        if (wait > 0) await sleep(wait);
        void add(String(process.hrtime.bigint()));
      }
      while (latencies.length < count) await sleep(20);
    });
    await close();
    workerRedis.disconnect();
    redis.disconnect();
    return latencies;
  });
}

/** 5. Pickup latency at 200 jobs/s. */
export const pickupScenario: Scenario = {
  id: 5,
  title: 'pickup latency enqueue → processor start at 200 jobs/s',
  goals: [],
  limits: [
    { metric: 'p50 ms', max: 2, label: 'pickup p50 ≤ 2 ms' },
    { metric: 'p99 ms', max: 10, label: 'pickup p99 ≤ 10 ms' },
  ],
  async run(ctx, order) {
    const count = ctx.quick ? 200 : 1_000;
    const samples: Sample[] = [];
    for (const side of order) {
      const latencies = await measure(ctx, side, count);
      samples.push(
        { metric: 'p50 ms', side, value: percentile(latencies, 50) },
        { metric: 'p95 ms', side, value: percentile(latencies, 95) },
        { metric: 'p99 ms', side, value: percentile(latencies, 99) },
      );
    }
    return samples;
  },
};
