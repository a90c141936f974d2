import { defineJob, defineRegistry, DEFAULT_TENANT } from '@conveyor/core';
import { QUEUES } from '@conveyor/fixtures';
import { deletePrefix, uniquePrefix, waitFor } from '@conveyor/testkit';
import { Redis } from 'ioredis';
import { Queue, type Job } from 'bullmq';
import { pino } from 'pino';
import {
  afterAll,
  afterEach,
  beforeEach,
  describe,
  expect,
  inject,
  it,
} from 'vitest';
import { z } from 'zod';
import {
  createKeyspace,
  createProducer,
  createWorkerPool,
  type Producer,
  type WorkerPool,
} from '../src/index.ts';

const redisUrl = inject('redisUrl');
const connection = { url: redisUrl, maxRetriesPerRequest: null };
const producerRedis = new Redis(redisUrl, { maxRetriesPerRequest: null });
afterAll(() => producerRedis.disconnect());

const flaky = defineJob({
  name: 'flaky',
  queue: QUEUES.default,
  input: z.strictObject({ failTimes: z.number().int().min(0) }),
  result: z.strictObject({ succeededOnAttempt: z.number() }),
  // Platform default shape (3 attempts, exponential, equal jitter), faster base delay.
  defaults: { backoff: { type: 'exponential', delay: 200, jitter: 0.5 } },
});
const testRegistry = defineRegistry([flaky]);

describe('retry policy', () => {
  let prefix: string;
  let producer: Producer<typeof testRegistry>;
  let pool: WorkerPool | undefined;
  let queue: Queue;
  const attemptsSeen = new Map<string, { attempt: number; at: number }[]>();

  beforeEach(() => {
    prefix = uniquePrefix('retries');
    producer = createProducer({
      registry: testRegistry,
      tenantId: DEFAULT_TENANT,
      redis: producerRedis,
      keys: createKeyspace(prefix),
    });
    queue = new Queue(QUEUES.default, {
      connection,
      prefix: createKeyspace(prefix).bullPrefix(QUEUES.default),
    });
    attemptsSeen.clear();
  });
  afterEach(async () => {
    await pool?.close();
    await producer.close();
    await queue.close();
    await deletePrefix(redisUrl, prefix);
  });

  async function startPool() {
    pool = createWorkerPool({
      registry: testRegistry,
      redis: producerRedis,
      keys: createKeyspace(prefix),
      logger: pino({ level: 'silent' }),
      processors: {
        flaky: ({ failTimes }, { jobId, attempt }) => {
          const seen = attemptsSeen.get(jobId) ?? [];
          seen.push({ attempt, at: Date.now() });
          attemptsSeen.set(jobId, seen);
          if (attempt <= failTimes) {
            return Promise.reject(new Error(`planned failure ${attempt}`));
          }
          return Promise.resolve({ succeededOnAttempt: attempt });
        },
      },
    });
    await pool.ready();
  }

  /** Each retry's backoff in ms, oldest first, from BullMQ's 'delayed' events. */
  async function retryBackoffs(id: string): Promise<number[]> {
    const entries = await producerRedis.xrange(queue.keys.events!, '-', '+');
    return entries.flatMap(([entryId, fields]) => {
      const field = (name: string) => fields[fields.indexOf(name) + 1];
      if (field('event') !== 'delayed' || field('jobId') !== id) return [];
      return [Number(field('delay')) - Number(entryId.split('-')[0])];
    });
  }

  const finished = (id: string) =>
    waitFor(
      async () => {
        const state = await (await queue.getJob(id))?.getState();
        if (state !== 'completed' && state !== 'failed') return undefined;
        // Read again: a job read before its state may predate the finish.
        return { job: (await queue.getJob(id)) as Job, state };
      },
      10_000,
      `job ${id} to finish`,
    );

  it('a job failing twice then succeeding completes on attempt 3, with growing delays', async () => {
    await startPool();
    const { id } = await producer.enqueue({
      name: 'flaky',
      data: { failTimes: 2 },
    });
    const { job, state } = await finished(id);
    expect(state).toBe('completed');
    expect(job.attemptsMade).toBe(3);
    const seen = attemptsSeen.get(id) ?? [];
    expect(seen.map((s) => s.attempt)).toEqual([1, 2, 3]);
    // The backoffs BullMQ chose, from its events stream: each retry's due
    // time against the stream entry's own (Redis) time, at the failure.
    // Timing on this side would read the machine's load, not the policy.
    const [backoff1, backoff2] = await retryBackoffs(id);
    // Equal jitter: retry 1 waits 100–200 ms, retry 2 waits 200–400 ms.
    expect(backoff1).toBeGreaterThanOrEqual(100);
    expect(backoff1).toBeLessThanOrEqual(200);
    expect(backoff2).toBeGreaterThanOrEqual(200);
    expect(backoff2).toBeLessThanOrEqual(400);
    // And no retry started before its backoff was over.
    const [first, second, third] = seen.map((s) => s.at) as [
      number,
      number,
      number,
    ];
    expect(second - first).toBeGreaterThanOrEqual(backoff1!);
    expect(third - second).toBeGreaterThanOrEqual(backoff2!);
  });

  it('a job that always fails ends failed after 3 attempts', async () => {
    await startPool();
    const { id } = await producer.enqueue({
      name: 'flaky',
      data: { failTimes: 99 },
    });
    const { job, state } = await finished(id);
    expect(state).toBe('failed');
    expect(job.attemptsMade).toBe(3);
    expect(job.failedReason).toBe('planned failure 3');
    expect(attemptsSeen.get(id)?.length).toBe(3);
  });

  it.each([
    [
      'data that is not an envelope',
      { failTimes: 0 },
      /not a Conveyor envelope|Unsupported envelope/,
    ],
    [
      'an envelope whose payload breaks the schema',
      { v: 1, payload: { json: { failTimes: 'x' } } },
      /Invalid payload: failTimes/,
    ],
  ])(
    '%s planted in Redis fails once, without retries',
    async (_label, data, reason) => {
      await startPool();
      const planted = await queue.add('flaky', data, {
        attempts: 3,
        backoff: { type: 'fixed', delay: 10 },
      });
      const { job, state } = await finished(planted.id ?? '');
      expect(state).toBe('failed');
      expect(job.attemptsMade).toBe(1);
      expect(job.failedReason).toMatch(reason);
      expect(attemptsSeen.size).toBe(0); // the processor never ran
    },
  );

  it('a young job of a name the contract lacks is handed back, not failed (a newer release may run it)', async () => {
    await startPool();
    const planted = await queue.add(
      'ghost',
      { v: 1, payload: { json: {} } },
      { attempts: 3 },
    );
    const handedBack = await waitFor(async () => {
      const job = await queue.getJob(planted.id ?? '');
      return (await job?.getState()) === 'delayed' ? job : undefined;
    });
    expect(handedBack?.attemptsMade).toBe(0);
    expect(await queue.getFailedCount()).toBe(0);
  });

  it('a job name with no processor, enqueued past the grace for unknown names, fails once, without retries', async () => {
    await startPool();
    const planted = await queue.add(
      'ghost',
      { v: 1, payload: { json: {} } },
      // Older than the 15 minutes a newer release gets to pick it up.
      { attempts: 3, timestamp: Date.now() - 16 * 60_000 },
    );
    const { job, state } = await finished(planted.id ?? '');
    expect(state).toBe('failed');
    expect(job.attemptsMade).toBe(1);
    expect(job.failedReason).toBe('No processor for job "ghost"');
  });
});
