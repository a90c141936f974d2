import { DEFAULT_TENANT, nonEmptyBatch } from '@conveyor/core';
import { fixtureRegistry as registry } from '@conveyor/fixtures';
import { createKeyspace, createProducer } from '@conveyor/queue';
import { spawnTsProcess } from '@conveyor/testkit';
import { fileURLToPath } from 'node:url';
import { newRedis, withPrefix, type Sample } from '../context.ts';
import type { Scenario } from '../scenario.ts';

const BATCH = 100;

/** 7. Worker RSS after a 10k-job warm-up vs after the whole run (Conveyor's worker in its own process). */
export const memoryScenario: Scenario = {
  id: 7,
  title: 'memory: Conveyor worker RSS after 10k jobs vs after the whole run',
  goals: [],
  limits: [
    { metric: 'RSS growth %', max: 10, label: 'worker RSS growth < 10 %' },
  ],
  async run(ctx) {
    const total = ctx.quick ? 20_000 : 200_000;
    const rss = await withPrefix(ctx, 'memory', async (prefix) => {
      const child = spawnTsProcess(
        fileURLToPath(new URL('../memory-worker.ts', import.meta.url)),
        {
          env: {
            ...process.env,
            REDIS_URL: ctx.redisUrl,
            CONVEYOR_PREFIX: prefix,
          },
        },
      );
      const rssAt = async (done: number) =>
        Number(
          (await child.waitForLine((l) => l.record?.done === done, 600_000))
            .record?.rss,
        );
      await child.waitForLine((l) => l.record?.ready === true, 60_000);
      const redis = newRedis(ctx);
      const producer = createProducer({
        registry,
        tenantId: DEFAULT_TENANT,
        redis,
        keys: createKeyspace(prefix),
      });
      // Small batches: each must answer within the producer's enqueue
      // deadline even on a busy machine, and the worker's RSS is what is measured.
      const batch = nonEmptyBatch(
        Array.from({ length: BATCH }, (_, i) => ({
          name: 'TEST_JOB' as const,
          data: { message: `m${i}` },
        })),
      );
      const fill = (async () => {
        for (let added = 0; added < total; added += BATCH) {
          await producer.enqueueMany({ jobs: batch });
          if (added % 20_000 === 0) ctx.log(`  memory: ${added} jobs enqueued`);
        }
      })();
      // A failed fill ends the wait for the worker's reports at once.
      const fillFailed = fill.then(() => new Promise<never>(() => undefined));
      fillFailed.catch(() => undefined);
      try {
        const before = await Promise.race([rssAt(10_000), fillFailed]);
        const after = await Promise.race([rssAt(total), fillFailed]);
        await fill;
        return { before, after };
      } finally {
        await fill.catch(() => undefined);
        await producer.close();
        redis.disconnect();
        await child.stop();
      }
    });
    const { before, after } = rss;
    ctx.log(
      `  memory: RSS ${(before / 2 ** 20).toFixed(1)} MiB after 10k jobs, ${(after / 2 ** 20).toFixed(1)} MiB after ${total}`,
    );
    const growth = ((after - before) / before) * 100;
    const samples: Sample[] = [
      { metric: 'RSS growth %', side: 'conveyor', value: growth },
    ];
    return samples;
  },
};
