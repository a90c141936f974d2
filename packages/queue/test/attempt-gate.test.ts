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
  type AttemptGate,
  type LifecycleEvent,
} from '../src/index.ts';

// The engine's side of the gate, without @conveyor/schedules: an attempt the
// gate concerns may be skipped (it ends cancelled) and may report an event.
const redisUrl = inject('redisUrl');
const greet = defineJob({
  name: 'greet',
  queue: QUEUES.default,
  input: z.strictObject({ skip: z.boolean() }),
  defaults: { attempts: 1 },
});
const registry = defineRegistry([greet]);

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

/** Concerns jobs whose stored data asks to be skipped; reports a missed tick for them. */
const skipping: AttemptGate = {
  concerns: (job) => JSON.stringify(job.data).includes('"skip":true'),
  async admit(_job, info, report) {
    await report('schedule.missed', { scheduleId: 'test', tickAt: 1 });
    return `skipped ${info.jobId}`;
  },
};

it('a gated attempt ends cancelled with its reason; the others run', async () => {
  const prefix = uniquePrefix('gate');
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
    prefix: keys.bullPrefix(QUEUES.default),
  });
  const ran: boolean[] = [];
  const events: LifecycleEvent[] = [];
  const pool = createWorkerPool({
    registry,
    redis,
    keys,
    logger: pino({ level: 'silent' }),
    gate: skipping,
    observers: [{ onEvent: (event) => void events.push(event) }],
    processors: {
      greet: ({ skip }) => {
        ran.push(skip);
        return Promise.resolve();
      },
    },
  });
  cleanup.push(async () => {
    await pool.close();
    await producer.close();
    await queue.close();
    redis.disconnect();
    await deletePrefix(redisUrl, prefix);
  });
  await pool.ready();
  const skipped = await producer.enqueue({
    name: 'greet',
    data: { skip: true },
  });
  const run = await producer.enqueue({ name: 'greet', data: { skip: false } });

  const done = await waitFor(
    () => (events.length >= 3 ? events : undefined),
    5_000,
    'both outcomes and the reported event',
  );
  expect(ran).toEqual([false]);
  const byJob = (id: string) =>
    done.filter((e) => e.jobId === id).map((e) => e.type);
  expect(byJob(skipped.id)).toEqual(['schedule.missed', 'job.cancelled']);
  expect(byJob(run.id)).toEqual(['job.completed']);
  const reported = done.find((e) => e.type === 'schedule.missed');
  expect(reported).toMatchObject({
    scheduleId: 'test',
    tenantId: DEFAULT_TENANT,
  });
  const job = await queue.getJob(skipped.id);
  expect(job?.failedReason).toContain(`skipped ${skipped.id}`);
});
