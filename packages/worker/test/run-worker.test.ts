import { DEFAULT_TENANT } from '@conveyor/core';
import { createKeyspace, createProducer } from '@conveyor/queue';
import { deletePrefix, uniquePrefix, waitFor } from '@conveyor/testkit';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, describe, expect, inject, it } from 'vitest';
import { readWorkerEnv, runWorker, type WorkerHandle } from '../src/index.ts';
import { slowRegistry } from './fixtures/slow-daemon.ts';

const redisUrl = inject('redisUrl');
const redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
afterAll(() => redis.disconnect());

describe('runWorker in the host’s process (signals left to the host)', () => {
  const cleanup: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  function setUp(label: string) {
    const prefix = uniquePrefix(label);
    const keys = createKeyspace(prefix);
    const producer = createProducer({
      registry: slowRegistry,
      tenantId: DEFAULT_TENANT,
      redis,
      keys,
    });
    const queue = new Queue('default', {
      connection: { url: redisUrl, maxRetriesPerRequest: null },
      prefix: keys.bullPrefix('default'),
    });
    cleanup.push(() => deletePrefix(redisUrl, prefix));
    cleanup.push(() => producer.close());
    cleanup.push(() => queue.close());
    const env = (vars: Record<string, string> = {}) =>
      readWorkerEnv({ REDIS_URL: redisUrl, CONVEYOR_PREFIX: prefix, ...vars });
    return { producer, queue, env };
  }

  it('close() lets the active job finish, then takes no more jobs', async () => {
    const { producer, queue, env } = setUp('run-worker');
    const started: string[] = [];
    const worker: WorkerHandle = await runWorker({
      registry: slowRegistry,
      env: env({ WORKER_SHUTDOWN_GRACE_MS: '15000' }),
      logger: pino({ level: 'silent' }),
      signals: false,
      processors: {
        slow: async ({ ms }, { jobId }) => {
          started.push(jobId);
          await sleep(ms);
          return { sleptMs: ms };
        },
      },
    });
    cleanup.push(() => worker.close());
    const { id } = await producer.enqueue({ name: 'slow', data: { ms: 800 } });
    await waitFor(() => (started.includes(id) ? true : undefined));

    await worker.close();
    expect(await queue.getJobState(id)).toBe('completed');
    const { id: later } = await producer.enqueue({
      name: 'slow',
      data: { ms: 0 },
    });
    await sleep(500);
    expect(await queue.getJobState(later)).toBe('waiting');
    expect(started).toEqual([id]);
  });

  it('refuses WORKER_QUEUES naming a queue no job uses, before connecting', async () => {
    const { env } = setUp('run-worker-queues');
    const running = runWorker({
      registry: slowRegistry,
      env: env({ WORKER_QUEUES: 'default,defualt' }),
      logger: pino({ level: 'silent' }),
      signals: false,
      processors: { slow: () => Promise.resolve({ sleptMs: 0 }) },
    });
    await expect(running).rejects.toThrow(
      /WORKER_QUEUES: no job uses defualt \(queues: default\)/,
    );
  });
});
