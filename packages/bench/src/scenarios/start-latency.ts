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
} from '../context.ts';
import { fairQueue } from '../fair-options.ts';

const RATE = 200;
/** `<hrtime ns at the add>:<delay ms>`, carried in the job's message. */
const lateness = (message: string) => {
  const [sentNs = '0', delay = '0'] = message.split(':');
  return Number(process.hrtime.bigint() - BigInt(sentNs)) / 1e6 - Number(delay);
};

/**
 * Due time → processor start, in ms, at a steady 200 jobs/s (producer and
 * worker in this process). A job's due time is its add plus its delay, so
 * with `delayOf` returning 0 this is pickup latency.
 */
export async function measureStartLatency(
  ctx: BenchContext,
  side: 'raw' | 'conveyor',
  count: number,
  delayOf: (index: number) => number,
): Promise<number[]> {
  return withPrefix(ctx, 'start-latency', async (prefix) => {
    const redis = newRedis(ctx);
    const workerRedis = newRedis(ctx, { blocking: true });
    const latencies: number[] = [];
    let add: (message: string, delay: number) => Promise<unknown>;
    let close: () => Promise<unknown>;
    if (side === 'raw') {
      const queue = fairQueue(redis, prefix);
      const worker = new Worker(
        'default',
        (job) => {
          latencies.push(lateness((job.data as { message: string }).message));
          return Promise.resolve();
        },
        { connection: workerRedis, prefix, concurrency: 10 },
      );
      await worker.waitUntilReady();
      add = (message, delay) =>
        queue.add('TEST_JOB', { message }, delay > 0 ? { delay } : undefined);
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
            latencies.push(lateness(message));
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
      add = (message, delay) =>
        producer.enqueue({
          name: 'TEST_JOB',
          data: { message },
          ...(delay > 0 ? { options: { delay } } : {}),
        });
      close = () => Promise.all([pool.close(), producer.close()]);
    }
    await measured(ctx, side, async () => {
      const started = performance.now();
      for (let i = 0; i < count; i += 1) {
        // Paced by the clock, not by the previous add: a steady arrival rate.
        const due = started + (i * 1_000) / RATE;
        const wait = due - performance.now();
        if (wait > 0) await sleep(wait);
        const delay = delayOf(i);
        void add(`${process.hrtime.bigint()}:${delay}`, delay);
      }
      while (latencies.length < count) await sleep(20);
    });
    await close();
    workerRedis.disconnect();
    redis.disconnect();
    return latencies;
  });
}
