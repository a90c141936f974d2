import {
  createApiRedis,
  createApiServer,
  QueueService,
} from '@conveyor/api/embed';
import { createConveyorClient } from '@conveyor/client';
import { registry } from '@conveyor/jobs';
import { Queue } from 'bullmq';
import type { AddressInfo } from 'node:net';
import { newRedis, quietLogger, withPrefix, type Sample } from '../context.ts';
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
    const batches = ctx.quick ? 3 : 20;
    const jobs = Array.from({ length: BATCH }, (_, i) => ({
      name: 'TEST_JOB' as const,
      data: { message: `m${i}` },
    }));
    const samples: Sample[] = [];
    for (const side of order) {
      const seconds = await withPrefix(ctx, 'bulk', async (prefix) => {
        if (side === 'raw') {
          const redis = newRedis(ctx);
          const queue = new Queue('default', { connection: redis, prefix });
          const started = performance.now();
          for (let b = 0; b < batches; b += 1) await queue.addBulk(jobs);
          const s = (performance.now() - started) / 1_000;
          await queue.close();
          redis.disconnect();
          return s;
        }
        const logger = quietLogger();
        const queues = new QueueService(
          registry,
          createApiRedis(ctx.redisUrl, logger),
          logger,
          prefix,
        );
        const server = createApiServer({ queues, logger });
        await new Promise<void>((resolve) =>
          server.listen(0, '127.0.0.1', resolve),
        );
        const client = createConveyorClient({
          url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/trpc`,
        });
        await client.enqueue.mutate({
          name: 'TEST_JOB',
          data: { message: 'warm-up' },
        });
        const started = performance.now();
        for (let b = 0; b < batches; b += 1)
          await client.enqueueMany.mutate({ jobs });
        const s = (performance.now() - started) / 1_000;
        server.closeAllConnections();
        server.close();
        await queues.close();
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
