import { nonEmptyBatch } from '@conveyor/core';
import { startConveyorApi } from '../conveyor-api.ts';
import { measured, newRedis, withPrefix, type Sample } from '../context.ts';
import { fairQueue } from '../fair-options.ts';
import type { Scenario } from '../scenario.ts';

const BATCH = 1_000;

/** 3. `addBulk` of 1000 vs `enqueueMany` of 1000 through the API. */
export const bulkScenario: Scenario = {
  id: 3,
  title:
    'bulk: raw addBulk (1000) vs enqueueMany through the API (1000 per call)',
  goals: [
    {
      metric: 'jobs/s',
      ratio: 0.8,
      direction: 'at-least',
      label: 'enqueueMany ≥ 0.8× raw addBulk',
    },
  ],
  async run(ctx, order) {
    const batches = ctx.quick ? 3 : 40;
    const jobs = Array.from({ length: BATCH }, (_, i) => ({
      name: 'TEST_JOB' as const,
      data: { message: `m${i}` },
    }));
    const samples: Sample[] = [];
    for (const side of order) {
      const seconds = await withPrefix(ctx, 'bulk', async (prefix) => {
        if (side === 'raw') {
          const redis = newRedis(ctx);
          const queue = fairQueue(redis, prefix);
          const started = performance.now();
          await measured(ctx, side, async () => {
            for (let b = 0; b < batches; b += 1) await queue.addBulk(jobs);
          });
          const s = (performance.now() - started) / 1_000;
          await queue.close();
          redis.disconnect();
          return s;
        }
        const api = await startConveyorApi(ctx, prefix);
        const started = performance.now();
        await measured(ctx, side, async () => {
          for (let b = 0; b < batches; b += 1)
            await api.client.enqueueMany.mutate({ jobs: nonEmptyBatch(jobs) });
        });
        const s = (performance.now() - started) / 1_000;
        await api.close();
        return s;
      });
      samples.push({
        metric: 'jobs/s',
        side,
        value: (batches * BATCH) / seconds,
      });
    }
    return samples;
  },
};
