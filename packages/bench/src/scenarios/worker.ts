import { DEFAULT_TENANT, nonEmptyBatch } from '@conveyor/core';
import { fixtureRegistry as registry } from '@conveyor/fixtures';
import {
  createKeyspace,
  createProducer,
  createWorkerPool,
  type WorkerPoolOptions,
} from '@conveyor/queue';
import { Worker } from 'bullmq';
import {
  measured,
  newRedis,
  quietLogger,
  withPrefix,
  type BenchContext,
  type Sample,
  type Side,
} from '../context.ts';
import { fairQueue } from '../fair-options.ts';
import type { Scenario } from '../scenario.ts';

const CONCURRENCIES = [1, 10, 100] as const;

/** Pool options a scenario adds to the Conveyor side (metrics, tracing, history). */
export type PoolExtras = Pick<
  WorkerPoolOptions<typeof registry>,
  'observers' | 'tracing'
>;

/** Extras made for the run's key prefix, and what to do once it is drained. */
export type PoolSetup = (
  prefix: string,
) => Promise<{ extras: PoolExtras; drained(): Promise<void> }>;

/** One drain: which worker, how many jobs, and the table's side it is profiled as. */
export interface DrainRun {
  side: Side;
  concurrency: number;
  count: number;
  /** Scenarios 8 and 9 run the Conveyor pool on both of their sides. */
  profileAs?: Side;
}

/**
 * Fills the queue the way each side's producer would, then times the drain
 * (jobs/s). `raw` is a no-op BullMQ Worker; `conveyor` the production pool,
 * with `extras` when given.
 */
export async function drain(
  ctx: BenchContext,
  { side, concurrency, count, profileAs = side }: DrainRun,
  extrasOrSetup: PoolExtras | PoolSetup = {},
): Promise<number> {
  return withPrefix(ctx, 'worker', async (prefix) => {
    const setup =
      typeof extrasOrSetup === 'function'
        ? await extrasOrSetup(prefix)
        : { extras: extrasOrSetup, drained: () => Promise.resolve() };
    const { extras } = setup;
    const redis = newRedis(ctx);
    const workerRedis = newRedis(ctx, { blocking: true });
    const jobs = Array.from({ length: count }, (_, i) => ({
      name: 'TEST_JOB' as const,
      data: { message: `m${i}` },
    }));
    if (side === 'raw') {
      const queue = fairQueue(redis, prefix);
      for (let i = 0; i < count; i += 1_000)
        await queue.addBulk(jobs.slice(i, i + 1_000));
      await queue.close();
    } else {
      const producer = createProducer({
        registry,
        tenantId: DEFAULT_TENANT,
        redis,
        keys: createKeyspace(prefix),
      });
      for (let i = 0; i < count; i += 1_000)
        await producer.enqueueMany({
          jobs: nonEmptyBatch(jobs.slice(i, i + 1_000)),
        });
      await producer.close();
    }
    let done = 0;
    let finish: () => void = () => undefined;
    const finished = new Promise<void>((resolve) => (finish = resolve));
    const count1 = () => {
      done += 1;
      if (done === count) finish();
    };
    const started = performance.now();
    let close: () => Promise<unknown>;
    if (side === 'raw') {
      const worker = new Worker('default', () => Promise.resolve(count1()), {
        connection: workerRedis,
        prefix,
        concurrency,
      });
      close = () => worker.close();
    } else {
      // A no-op processor, as on the raw side; everything around it is the
      // production pool: decode, validate, result check and encoding, logging at info.
      const logger = quietLogger();
      const pool = createWorkerPool({
        ...extras,
        registry,
        redis: workerRedis,
        keys: createKeyspace(prefix),
        logger,
        concurrency,
        queues: ['default'],
        processors: {
          TEST_JOB: () => (count1(), Promise.resolve({ echoed: '' })),
          'sms.send': () => Promise.resolve({ providerMessageId: 'x' }),
          'email.digest': () =>
            Promise.resolve({ messageId: 'x', itemCount: 0 }),
          'feed.sync': () =>
            Promise.resolve({ feeds: 0, items: 0, added: 0, newest: null }),
          'content.generate': () =>
            Promise.reject(new Error('not benchmarked')),
        },
      });
      close = () => pool.close();
    }
    await measured(ctx, profileAs, () => finished);
    const seconds = (performance.now() - started) / 1_000;
    await close();
    await setup.drained();
    workerRedis.disconnect();
    redis.disconnect();
    return count / seconds;
  });
}

/** 4. A no-op BullMQ Worker vs the Conveyor worker pool with the catalog's processors. */
export const workerScenario: Scenario = {
  id: 4,
  title:
    'worker: raw BullMQ Worker no-op (production options) vs Conveyor worker (validation, logging, results)',
  goals: [
    {
      metric: 'jobs/s c=100',
      ratio: 0.9,
      direction: 'at-least',
      label: 'worker ≥ 0.9× raw Worker at concurrency 100',
    },
  ],
  async run(ctx, order) {
    const samples: Sample[] = [];
    for (const concurrency of CONCURRENCIES) {
      const count = ctx.quick ? 500 : concurrency === 1 ? 3_000 : 15_000;
      for (const side of order) {
        samples.push({
          metric: `jobs/s c=${concurrency}`,
          side,
          value: await drain(ctx, { side, concurrency, count }),
        });
      }
    }
    return samples;
  },
};
