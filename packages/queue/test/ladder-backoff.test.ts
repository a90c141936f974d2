import { defineJob, defineRegistry, DEFAULT_TENANT } from '@conveyor/core';
import { QUEUES } from '@conveyor/fixtures';
import { deletePrefix, uniquePrefix, waitFor } from '@conveyor/testkit';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, expect, inject, it } from 'vitest';
import { z } from 'zod';
import {
  createKeyspace,
  createProducer,
  createWorkerPool,
  parseAttempts,
} from '../src/index.ts';

const redisUrl = inject('redisUrl');
const redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
afterAll(() => redis.disconnect());

const climbing = defineJob({
  name: 'climbing',
  queue: QUEUES.default,
  input: z.strictObject({ succeedOn: z.number().int() }),
  defaults: {
    attempts: 5,
    backoff: { type: 'ladder', delays: ['300ms', 700, '1.1s'] },
  },
});
const registry = defineRegistry([climbing]);

it('a ladder waits each step, then its last step; the waits are in the attempt history', async () => {
  const prefix = uniquePrefix('ladder');
  const keys = createKeyspace(prefix);
  const producer = createProducer({
    registry,
    tenantId: DEFAULT_TENANT,
    redis,
    keys,
  });
  const pool = createWorkerPool({
    registry,
    redis,
    keys,
    logger: pino({ level: 'silent' }),
    processors: {
      climbing: ({ succeedOn }, { attempt }) =>
        attempt < succeedOn
          ? Promise.reject(new Error(`not yet (${attempt})`))
          : Promise.resolve(),
    },
  });
  const queue = new Queue(QUEUES.default, {
    connection: redis,
    prefix: createKeyspace(prefix).bullPrefix(QUEUES.default),
  });
  try {
    await pool.ready();
    const { id } = await producer.enqueue({
      name: 'climbing',
      data: { succeedOn: 5 },
    });
    const job = await waitFor(
      async () => {
        const found = await queue.getJob(id);
        return found?.finishedOn ? found : undefined;
      },
      10_000,
      'the job to complete',
    );
    expect(job.attemptsMade).toBe(5);
    // Measured from the job's own timestamps: each attempt's start minus
    // the previous attempt's end.
    const history = parseAttempts((await queue.getJobLogs(id)).logs);
    expect(history.map((h) => h.attempt)).toEqual([1, 2, 3, 4, 5]);
    expect(history.map((h) => h.error)).toEqual([
      'not yet (1)',
      'not yet (2)',
      'not yet (3)',
      'not yet (4)',
      null,
    ]);
    const waits = history.slice(1).map((h) => h.waitedMs ?? -1);
    const steps = [300, 700, 1_100, 1_100];
    console.info(
      `ladder waits (ms): ${waits.join(', ')} for steps ${steps.join(', ')}`,
    );
    waits.forEach((waited, i) => {
      expect(waited).toBeGreaterThanOrEqual((steps[i] ?? 0) - 5);
    });
  } finally {
    await pool.close();
    await producer.close();
    await queue.close();
    await deletePrefix(redisUrl, prefix);
  }
});
