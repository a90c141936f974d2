import { DEFAULT_TENANT } from '@conveyor/core';
import { fixtureRegistry as registry } from '@conveyor/fixtures';
import {
  createKeyspace,
  createProducer,
  createWorkerPool,
} from '@conveyor/queue';
import { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import {
  measured,
  newRedis,
  quietLogger,
  saturate,
  withPrefix,
  type Sample,
} from '../context.ts';
import { fairQueue } from '../fair-options.ts';
import type { Scenario } from '../scenario.ts';

async function redisCpuSeconds(redis: Redis): Promise<number> {
  const info = await redis.info('cpu');
  const read = (field: string) =>
    Number(new RegExp(`^${field}:(\\S+)`, 'm').exec(info)?.[1] ?? 0);
  return read('used_cpu_sys') + read('used_cpu_user');
}

/** 6. Redis CPU per job (INFO cpu deltas) for adding and processing N jobs. */
export const redisCpuScenario: Scenario = {
  id: 6,
  title: 'Redis CPU per job (add + process), from INFO cpu',
  goals: [
    {
      metric: 'Redis µs/job',
      ratio: 1.15,
      direction: 'at-most',
      label: 'Redis CPU per job ≤ 1.15× raw',
    },
  ],
  async run(ctx, order) {
    const count = ctx.quick ? 1_000 : 10_000;
    const samples: Sample[] = [];
    for (const side of order) {
      const perJob = await withPrefix(ctx, 'cpu', async (prefix) => {
        const redis = newRedis(ctx);
        const workerRedis = newRedis(ctx, { blocking: true });
        let done = 0;
        let finish: () => void = () => undefined;
        const finished = new Promise<void>((resolve) => (finish = resolve));
        const tick = () => {
          done += 1;
          if (done === count) finish();
        };
        let add: (i: number) => Promise<unknown>;
        let close: () => Promise<unknown>;
        if (side === 'raw') {
          const queue = fairQueue(redis, prefix);
          const worker = new Worker('default', () => Promise.resolve(tick()), {
            connection: workerRedis,
            prefix,
            concurrency: 50,
          });
          await worker.waitUntilReady();
          add = (i) => queue.add('TEST_JOB', { message: `m${i}` });
          close = () => Promise.all([worker.close(), queue.close()]);
        } else {
          const producer = createProducer({
            registry,
            tenantId: DEFAULT_TENANT,
            redis,
            keys: createKeyspace(prefix),
          });
          const pool = createWorkerPool({
            registry,
            redis: workerRedis,
            keys: createKeyspace(prefix),
            logger: quietLogger(),
            concurrency: 50,
            queues: ['default'],
            processors: {
              TEST_JOB: ({ message }) => (
                tick(),
                Promise.resolve({ echoed: message })
              ),
              'sms.send': () => Promise.resolve({ providerMessageId: 'x' }),
              'email.digest': () =>
                Promise.resolve({ messageId: 'x', itemCount: 0 }),
              'feed.sync': () =>
                Promise.resolve({ feeds: 0, items: 0, added: 0, newest: null }),
              'content.generate': () =>
                Promise.reject(new Error('not benchmarked')),
            },
          });
          await pool.ready();
          add = (i) =>
            producer.enqueue({ name: 'TEST_JOB', data: { message: `m${i}` } });
          close = () => Promise.all([pool.close(), producer.close()]);
        }
        const before = await redisCpuSeconds(redis);
        await measured(ctx, side, async () => {
          await saturate(count, 100, add);
          await finished;
        });
        const after = await redisCpuSeconds(redis);
        await close();
        workerRedis.disconnect();
        redis.disconnect();
        return ((after - before) / count) * 1e6;
      });
      samples.push({ metric: 'Redis µs/job', side, value: perJob });
    }
    return samples;
  },
};
