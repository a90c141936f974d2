import { nonEmptyBatch } from '@conveyor/core';
import { FLOW_QUEUES, flowRegistry as registry } from '@conveyor/fixtures';
import {
  createKeyspace,
  createProducer,
  createWorkerPool,
} from '@conveyor/queue';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  measured,
  newRedis,
  quietLogger,
  withPrefix,
  type BenchContext,
  type Sample,
  type Side,
} from '../context.ts';
import type { Scenario } from '../scenario.ts';
import { percentile } from '../stats.ts';

const CONCURRENCY = 100;
const TENANTS = ['A', 'B', 'C'];
/** Both sides run the Conveyor pool: `raw` is fair share off, `conveyor` on. */
const JOB = { raw: 'flow.plain', conveyor: 'flow.fair' } as const;
const QUEUE = { raw: FLOW_QUEUES.plain, conveyor: FLOW_QUEUES.fair } as const;

interface Run {
  /** Adds `data` jobs as `tenant`, 1,000 per enqueueMany. */
  enqueue(tenant: string, data: { n: number; ms: number }[]): Promise<void>;
  /** Starts the pool; `onStart` hears each job's tenant as its processor starts. */
  work(onStart: (tenant: string) => void): Promise<void>;
}

/** A producer per tenant and one worker pool (concurrency 100) on a fresh prefix. */
async function withRun<T>(
  ctx: BenchContext,
  side: Side,
  body: (run: Run) => Promise<T>,
): Promise<T> {
  return withPrefix(ctx, 'fairness', async (prefix) => {
    const keys = createKeyspace(prefix);
    const redis = newRedis(ctx);
    const workerRedis = newRedis(ctx, { blocking: true });
    const producers = TENANTS.map((tenantId) =>
      // Loading 20,000 jobs is not what is measured: no 1.5 s answer deadline.
      createProducer({ registry, tenantId, redis, keys, timeoutMs: 30_000 }),
    );
    let pool: ReturnType<typeof createWorkerPool> | undefined;
    const run: Run = {
      async enqueue(tenant, data) {
        const producer = producers[TENANTS.indexOf(tenant)];
        const jobs = data.map((d) => ({ name: JOB[side], data: d }));
        for (let i = 0; i < jobs.length; i += 1_000)
          await producer?.enqueueMany({
            jobs: nonEmptyBatch(jobs.slice(i, i + 1_000)),
          });
      },
      async work(onStart) {
        const processor = async (
          { ms }: { ms: number },
          { tenantId }: { tenantId: string },
        ) => {
          onStart(tenantId);
          if (ms > 0) await sleep(ms);
        };
        pool = createWorkerPool({
          registry,
          redis: workerRedis,
          keys,
          logger: quietLogger(),
          concurrency: CONCURRENCY,
          queues: [QUEUE[side]],
          processors: {
            'flow.fair': processor,
            'flow.plain': processor,
            'flow.keyed': processor,
            'flow.keyed3': processor,
            'flow.rated': processor,
          },
        });
        await pool.ready();
      },
    };
    try {
      return await body(run);
    } finally {
      await pool?.close();
      await Promise.all(producers.map((p) => p.close()));
      workerRedis.disconnect();
      redis.disconnect();
    }
  });
}

const noOps = (count: number) =>
  Array.from({ length: count }, (_, n) => ({ n, ms: 0 }));

/** Drains `count` no-op jobs spread over three tenants: jobs/s. */
function throughput(ctx: BenchContext, side: Side, count: number) {
  return withRun(ctx, side, async (run) => {
    for (const tenant of TENANTS)
      await run.enqueue(tenant, noOps(Math.floor(count / TENANTS.length)));
    const total = Math.floor(count / TENANTS.length) * TENANTS.length;
    let done = 0;
    let finish: () => void = () => undefined;
    const finished = new Promise<void>((resolve) => (finish = resolve));
    const started = performance.now();
    await measured(ctx, side, async () => {
      await run.work(() => {
        done += 1;
        if (done === total) finish();
      });
      await finished;
    });
    return total / ((performance.now() - started) / 1_000);
  });
}

/**
 * A's `backlog` jobs (1–5 ms of work each) are being worked when B and C
 * enqueue `small` each: how long each of theirs waited to start, ms.
 */
function smallTenantWaits(
  ctx: BenchContext,
  side: Side,
  backlog: number,
  small: number,
) {
  return withRun(ctx, side, async (run) => {
    const work = (count: number) =>
      Array.from({ length: count }, (_, n) => ({ n, ms: 1 + (n % 5) }));
    await run.enqueue('A', work(backlog));
    let bigStarts = 0;
    const waits: number[] = [];
    let arrived = 0;
    await run.work((tenant) => {
      if (tenant === 'A') bigStarts += 1;
      else waits.push(performance.now() - arrived);
    });
    // B and C arrive once A's backlog is being worked (a twentieth of it ran).
    while (bigStarts < backlog / 20) await sleep(5);
    arrived = performance.now();
    await Promise.all([
      run.enqueue('B', work(small)),
      run.enqueue('C', work(small)),
    ]);
    while (waits.length < 2 * small) await sleep(5);
    return waits;
  });
}

/** 10. Fair share between tenants: its cost, and what it buys. */
export const fairnessScenario: Scenario = {
  id: 10,
  title:
    'fairness: fair share off (raw column: same pool, job without flow) vs on (conveyor column), worker concurrency 100',
  goals: [
    {
      metric: 'jobs/s c=100',
      ratio: 0.9,
      direction: 'at-least',
      label: 'fair share on ≥ 0.9× off, throughput at concurrency 100',
    },
  ],
  limits: [
    {
      metric: 'small tenants start wait p99 ms',
      max: 1_000,
      label: 'small tenants start within 1 s (p99) behind a 20,000-job backlog',
    },
  ],
  async run(ctx, order) {
    const count = ctx.quick ? 1_500 : 15_000;
    const backlog = ctx.quick ? 2_000 : 20_000;
    const small = ctx.quick ? 20 : 100;
    const samples: Sample[] = [];
    for (const side of order)
      samples.push({
        metric: `jobs/s c=${CONCURRENCY}`,
        side,
        value: await throughput(ctx, side, count),
      });
    for (const side of order) {
      const waits = await smallTenantWaits(ctx, side, backlog, small);
      samples.push(
        {
          metric: 'small tenants start wait p50 ms',
          side,
          value: percentile(waits, 50),
        },
        {
          metric: 'small tenants start wait p99 ms',
          side,
          value: percentile(waits, 99),
        },
      );
    }
    return samples;
  },
};
