import { DEFAULT_TENANT } from '@conveyor/core';
import { fixtureRegistry as registry } from '@conveyor/fixtures';
import { createKeyspace, createProducer } from '@conveyor/queue';
import {
  measured,
  newRedis,
  saturate,
  withPrefix,
  type Sample,
} from '../context.ts';
import { fairQueue } from '../fair-options.ts';
import type { Scenario } from '../scenario.ts';

/** 1. In-process producer vs `queue.add`, 100 in flight. */
export const producerScenario: Scenario = {
  id: 1,
  title:
    'producer: queue.add (production options) vs Conveyor producer (100 in flight)',
  goals: [
    {
      metric: 'jobs/s',
      ratio: 0.9,
      direction: 'at-least',
      label: 'producer ≥ 0.9× raw queue.add',
    },
  ],
  async run(ctx, order) {
    const count = ctx.quick ? 2_000 : 60_000;
    const samples: Sample[] = [];
    for (const side of order) {
      const seconds = await withPrefix(ctx, 'producer', async (prefix) => {
        const redis = newRedis(ctx);
        try {
          if (side === 'raw') {
            const queue = fairQueue(redis, prefix);
            const s = await measured(ctx, side, () =>
              saturate(count, 100, (i) =>
                queue.add('TEST_JOB', { message: `m${i}` }),
              ),
            );
            await queue.close();
            return s;
          }
          const producer = createProducer({
            registry,
            tenantId: DEFAULT_TENANT,
            redis,
            keys: createKeyspace(prefix),
          });
          const s = await measured(ctx, side, () =>
            saturate(count, 100, (i) =>
              producer.enqueue({
                name: 'TEST_JOB',
                data: { message: `m${i}` },
              }),
            ),
          );
          await producer.close();
          return s;
        } finally {
          redis.disconnect();
        }
      });
      samples.push({ metric: 'jobs/s', side, value: count / seconds });
    }
    return samples;
  },
};
