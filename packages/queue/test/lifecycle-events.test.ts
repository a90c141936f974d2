import { defineJob, defineRegistry, DEFAULT_TENANT } from '@conveyor/core';
import { QUEUES } from '@conveyor/fixtures';
import { deletePrefix, uniquePrefix, waitFor } from '@conveyor/testkit';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterEach, expect, inject, it } from 'vitest';
import { z } from 'zod';
import {
  createKeyspace,
  createProducer,
  createWorkerPool,
  JobReader,
  Cancellation,
  redrive,
  type LifecycleEvent,
  type WorkerPool,
} from '../src/index.ts';

const redisUrl = inject('redisUrl');
const doomed = defineJob({
  name: 'doomed',
  queue: QUEUES.default,
  input: z.strictObject({}),
  defaults: { attempts: 1 },
});
const registry = defineRegistry([doomed]);

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

function setup() {
  const prefix = uniquePrefix('events');
  const keys = createKeyspace(prefix);
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const producer = createProducer({
    registry,
    tenantId: DEFAULT_TENANT,
    redis,
    keys,
  });
  const queue = new Queue(QUEUES.default, {
    connection: redis,
    prefix: createKeyspace(prefix).bullPrefix(QUEUES.default),
  });
  const events: LifecycleEvent[] = [];
  let pool: WorkerPool | undefined;
  const startPool = async () => {
    pool = createWorkerPool({
      registry,
      redis,
      keys,
      logger: pino({ level: 'silent' }),
      observers: [{ onEvent: (event) => void events.push(event) }],
      processors: { doomed: () => Promise.reject(new Error('always')) },
    });
    await pool.ready();
  };
  cleanup.push(async () => {
    await pool?.close();
    await producer.close();
    await queue.close();
    redis.disconnect();
    await deletePrefix(redisUrl, prefix);
  });
  const reader = new JobReader({
    registry,
    redis,
    keys,
    queue: () => queue,
    cancellation: new Cancellation(redis, keys),
    ledger: producer.ledger,
  });
  return { producer, queue, events, startPool, reader, keys, redis };
}

const failures = (events: LifecycleEvent[], type: string) =>
  events.filter((e) => e.type === type).map((e) => e.id);

it('a redriven job that fails again reports a new failure, under a new event id', async () => {
  const { producer, events, startPool, reader } = setup();
  await startPool();
  const { id } = await producer.enqueue({ name: 'doomed', data: {} });
  await waitFor(
    () => failures(events, 'job.failed').length === 1 || undefined,
    15_000,
    'the first failure',
  );
  // The event can arrive before BullMQ has moved the job to failed.
  const found = await waitFor(
    async () => {
      const job = await reader.find(id, DEFAULT_TENANT);
      return job && reader.view(job).state === 'failed' ? job : undefined;
    },
    15_000,
    'the job failed in Redis',
  );
  await redrive(reader, found, DEFAULT_TENANT);
  await waitFor(
    () => failures(events, 'job.failed').length === 2 || undefined,
    15_000,
    'the second failure',
  );
  expect(failures(events, 'job.failed')).toEqual([
    `${id}:0:1:job.failed`,
    `${id}:1:1:job.failed`,
  ]);
  expect(failures(events, 'job.dead-lettered')).toHaveLength(2);
});

it('a job BullMQ fails for stalling too often reports job.failed and job.dead-lettered', async () => {
  const { producer, events, startPool, keys, redis } = setup();
  const { id } = await producer.enqueue({ name: 'doomed', data: {} });
  // What BullMQ's stalled check writes on a job past maxStalledCount: the
  // next fetch fails it without running it.
  await redis.hset(
    keys.bull(QUEUES.default, id),
    'defa',
    'job stalled more than allowable limit',
  );
  await startPool();
  await waitFor(
    () => failures(events, 'job.dead-lettered').length === 1 || undefined,
    5_000,
    'the stall-limit failure',
  );
  const failed = events.find((e) => e.type === 'job.failed');
  expect(failed).toMatchObject({
    jobId: id,
    tenantId: DEFAULT_TENANT,
    error: expect.stringContaining('stalled more than allowable limit'),
  });
  // The processor never ran: no attempt outcome but the failure.
  expect(events.filter((e) => e.type === 'job.retrying')).toEqual([]);
});
