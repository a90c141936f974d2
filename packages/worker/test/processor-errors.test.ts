import { defineJob, defineRegistry, DEFAULT_TENANT } from '@conveyor/core';
import { QUEUES } from '@conveyor/fixtures';
import {
  createKeyspace,
  createProducer,
  createRedisClient,
  createWorkerPool,
  parseAttempts,
  type AttemptOutcome,
  type WorkerPool,
} from '@conveyor/queue';
import { deletePrefix, uniquePrefix, waitFor } from '@conveyor/testkit';
import { Queue } from 'bullmq';
import { pino } from 'pino';
import { afterAll, afterEach, describe, expect, inject, it } from 'vitest';
import { z } from 'zod';
import {
  AttemptTimeoutError,
  NonRetryableError,
  RetryLaterError,
} from '@conveyor/worker';

const redisUrl = inject('redisUrl');

/** Fails its first attempt the way `mode` says, then succeeds. */
const picky = defineJob({
  name: 'picky',
  queue: QUEUES.default,
  input: z.strictObject({
    mode: z.enum(['non-retryable', 'retry-later', 'too-slow']),
  }),
  result: z.strictObject({ attempt: z.number() }),
  // A backoff far longer than the retry-later delay, so the two cannot be confused.
  defaults: {
    attempts: 3,
    backoff: { type: 'fixed', delay: 5_000 },
    timeoutMs: 300,
  },
});
const registry = defineRegistry([picky]);

describe('errors that say what to do, and timeouts, in the attempt runner', () => {
  const redis = createRedisClient(redisUrl, { preset: 'worker' });
  const keys = createKeyspace(uniquePrefix('perrors'));
  const producer = createProducer({
    registry,
    redis,
    keys,
    tenantId: DEFAULT_TENANT,
  });
  const queue = new Queue('default', {
    connection: { url: redisUrl, maxRetriesPerRequest: null },
    prefix: keys.bullPrefix('default'),
  });
  const outcomes = new Map<string, AttemptOutcome[]>();
  let pool: WorkerPool | undefined;
  let abortReason: unknown;
  afterEach(() => pool?.close());
  afterAll(async () => {
    await producer.close();
    await queue.close();
    await deletePrefix(redisUrl, keys.prefix);
    redis.disconnect();
  });

  function start() {
    pool = createWorkerPool({
      registry,
      redis,
      keys,
      logger: pino({ level: 'silent' }),
      observers: [
        {
          afterAttempt: (info, outcome) =>
            void outcomes.set(info.jobId, [
              ...(outcomes.get(info.jobId) ?? []),
              outcome,
            ]),
        },
      ],
      processors: {
        picky: async ({ mode }, { attempt, signal }) => {
          if (attempt > 1) return { attempt };
          if (mode === 'non-retryable')
            throw new NonRetryableError('the account is gone');
          if (mode === 'retry-later')
            throw new RetryLaterError('provider said 429', 400);
          if (mode === 'too-slow') {
            await new Promise((r) => setTimeout(r, 600));
            abortReason = signal.reason;
          }
          throw new Error('plain failure');
        },
      },
    });
    return pool.ready();
  }

  const settled = (id: string) =>
    waitFor(
      async () => {
        const job = await queue.getJob(id);
        const state = await job?.getState();
        // Re-read once finished: the first read may predate the finish.
        return state === 'completed' || state === 'failed'
          ? { job: await queue.getJob(id), state }
          : undefined;
      },
      8_000,
      `job ${id} finished`,
    );

  it('NonRetryableError fails the job at once, with attempts left', async () => {
    await start();
    const { id } = await producer.enqueue({
      name: 'picky',
      data: { mode: 'non-retryable' },
    });
    const { job, state } = await settled(id);
    expect(state).toBe('failed');
    expect(job?.attemptsMade).toBe(1);
    expect(job?.failedReason).toBe('the account is gone');
    expect(outcomes.get(id)?.map((o) => o.kind)).toEqual(['failed']);
  });

  it('RetryLaterError makes the next attempt wait its own delay instead of the backoff', async () => {
    await start();
    const { id } = await producer.enqueue({
      name: 'picky',
      data: { mode: 'retry-later' },
    });
    const { job, state } = await settled(id);
    expect(state).toBe('completed');
    expect(job?.attemptsMade).toBe(2);
    const waited =
      (job?.processedOn ?? 0) -
      Date.parse(parseAttempts((await queue.getJobLogs(id)).logs)[0]?.at ?? '');
    // 400 ms asked for, 5,000 ms of backoff otherwise: which one applied.
    expect(waited).toBeGreaterThanOrEqual(350);
    expect(waited).toBeLessThan(5_000);
    expect(outcomes.get(id)?.[0]).toEqual({
      kind: 'retrying',
      error: 'provider said 429',
      delayMs: 400,
      // The processor's own frame (this file), not only the runner's rethrow.
      stack: expect.stringContaining('processor-errors.test.ts'),
    });
  });

  it('a retried attempt reported to observers as timed-out, with its error in the history', async () => {
    await start();
    const { id } = await producer.enqueue({
      name: 'picky',
      data: { mode: 'too-slow' },
    });
    // The retry waits the 5 s backoff: look at the first attempt's record only.
    await waitFor(() => (outcomes.get(id)?.length ? true : undefined), 5_000);
    expect(outcomes.get(id)?.[0]).toEqual({
      kind: 'timed-out',
      error: 'Attempt timed out after 300 ms',
      final: false,
    });
    // Hooks run before BullMQ moves the job; then it waits out its backoff.
    await waitFor(async () =>
      (await (await queue.getJob(id))?.getState()) === 'delayed'
        ? true
        : undefined,
    );
    // The processor ignored its signal; when it looked, the reason was the timeout.
    const reason = await waitFor(() => abortReason, 2_000);
    expect(reason).toBeInstanceOf(AttemptTimeoutError);
    expect(parseAttempts((await queue.getJobLogs(id)).logs)).toMatchObject([
      { attempt: 1, error: 'Attempt timed out after 300 ms' },
    ]);
  });
});
