import { registry, DEFAULT_TENANT } from '@conveyor/jobs';
import { createKeyspace, createProducer } from '@conveyor/queue';
import { spawnTsProcess } from '@conveyor/testkit';
import { fileURLToPath } from 'node:url';
import { newRedis, withPrefix, type Sample } from '../context.ts';
import type { Scenario } from '../scenario.ts';

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
    const growth = await withPrefix(ctx, 'memory', async (prefix) => {
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
      const batch = Array.from({ length: 1_000 }, (_, i) => ({
        name: 'TEST_JOB' as const,
        data: { message: `m${i}` },
      }));
      const fill = (async () => {
        for (let added = 0; added < total; added += 1_000) {
          await producer.enqueueMany({ jobs: batch });
          if (added % 20_000 === 0) ctx.log(`  memory: ${added} jobs enqueued`);
        }
      })();
      const before = await rssAt(10_000);
      const after = await rssAt(total);
      await fill;
      await producer.close();
      redis.disconnect();
      await child.stop();
      ctx.log(
        `  memory: RSS ${(before / 2 ** 20).toFixed(1)} MiB after 10k jobs, ${(after / 2 ** 20).toFixed(1)} MiB after ${total}`,
      );
      return ((after - before) / before) * 100;
    });
    const samples: Sample[] = [
      { metric: 'RSS growth %', side: 'conveyor', value: growth },
    ];
    return samples;
  },
};
