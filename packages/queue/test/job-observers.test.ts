import { defineJob, defineRegistry, DEFAULT_TENANT } from '@conveyor/core';
import { QUEUES } from '@conveyor/fixtures';
import { deletePrefix, uniquePrefix, waitFor } from '@conveyor/testkit';
import { UnrecoverableError } from 'bullmq';
import { pino } from 'pino';
import { afterAll, afterEach, describe, expect, inject, it } from 'vitest';
import { z } from 'zod';
import {
  createKeyspace,
  createProducer,
  createRedisClient,
  createWorkerPool,
  type AttemptOutcome,
  type JobObserver,
  type WorkerPool,
} from '../src/index.ts';

const redisUrl = inject('redisUrl');

const step = defineJob({
  name: 'step',
  queue: QUEUES.default,
  input: z.strictObject({
    failTimes: z.number().int(),
    unrecoverable: z.boolean(),
  }),
  result: z.strictObject({ ok: z.boolean() }),
  defaults: { attempts: 2, backoff: { type: 'fixed', delay: 10 } },
});
const stepRegistry = defineRegistry([step]);

describe('job observers (the worker’s one extension point)', () => {
  const redis = createRedisClient(redisUrl, { preset: 'worker' });
  const keys = createKeyspace(uniquePrefix('observers'));
  const producer = createProducer({
    registry: stepRegistry,
    redis,
    keys,
    tenantId: DEFAULT_TENANT,
  });
  let pool: WorkerPool | undefined;
  afterEach(() => pool?.close());
  afterAll(async () => {
    await producer.close();
    await deletePrefix(redisUrl, keys.prefix);
    redis.disconnect();
  });

  function start(observers: JobObserver[]) {
    pool = createWorkerPool({
      registry: stepRegistry,
      redis,
      keys,
      logger: pino({ level: 'silent' }),
      observers,
      processors: {
        step: ({ failTimes, unrecoverable }, { attempt }) => {
          if (attempt > failTimes) return Promise.resolve({ ok: true });
          return Promise.reject(
            unrecoverable
              ? new UnrecoverableError('bad input')
              : new Error(`try ${attempt} failed`),
          );
        },
      },
    });
  }

  it('see every attempt start and end, with its outcome and duration', async () => {
    const seen: {
      id: string;
      at: string;
      attempt: number;
      outcome?: AttemptOutcome;
      ms?: number;
    }[] = [];
    start([
      {
        beforeAttempt: (info) =>
          void seen.push({
            id: info.jobId,
            at: 'before',
            attempt: info.attempt,
          }),
        afterAttempt: (info, outcome, ms) =>
          void seen.push({
            id: info.jobId,
            at: 'after',
            attempt: info.attempt,
            outcome,
            ms,
          }),
      },
    ]);
    const retried = await producer.enqueue({
      name: 'step',
      data: { failTimes: 1, unrecoverable: false },
    });
    const failed = await producer.enqueue({
      name: 'step',
      data: { failTimes: 5, unrecoverable: false },
    });
    const broken = await producer.enqueue({
      name: 'step',
      data: { failTimes: 5, unrecoverable: true },
    });
    await waitFor(() =>
      seen.filter((s) => s.at === 'after').length >= 5 ? true : undefined,
    );
    const outcomes = (id: string) =>
      seen
        .filter((s) => s.id === id && s.at === 'after')
        .map((s) => [s.attempt, s.outcome?.kind]);
    expect(outcomes(retried.id)).toEqual([
      [1, 'retrying'],
      [2, 'completed'],
    ]);
    expect(outcomes(failed.id)).toEqual([
      [1, 'retrying'],
      [2, 'failed'],
    ]);
    expect(outcomes(broken.id)).toEqual([[1, 'failed']]);
    expect(
      seen.find(
        (s) => s.id === retried.id && s.attempt === 2 && s.at === 'after',
      )?.outcome,
    ).toEqual({
      kind: 'completed',
      result: { ok: true },
    });
    expect(seen.filter((s) => s.id === failed.id).map((s) => s.at)).toEqual([
      'before',
      'after',
      'before',
      'after',
    ]);
    expect(seen.every((s) => s.ms === undefined || s.ms >= 0)).toBe(true);
  });

  it('an observer that throws changes no outcome, and the next ones are still told', async () => {
    const after: string[] = [];
    const events: string[] = [];
    start([
      {
        beforeAttempt: () => {
          throw new Error('metrics backend down');
        },
        afterAttempt: () => Promise.reject(new Error('still down')),
        onEvent: () => {
          throw new Error('and down');
        },
      },
      {
        afterAttempt: (_info, outcome) => void after.push(outcome.kind),
        onEvent: (event) => void events.push(event.type),
      },
    ]);
    const { id } = await producer.enqueue({
      name: 'step',
      data: { failTimes: 0, unrecoverable: false },
    });
    const job = await waitFor(async () => {
      const j = await producer.queue('default').getJob(id);
      return j?.finishedOn ? j : undefined;
    });
    expect(job.failedReason).toBeFalsy();
    expect(after).toEqual(['completed']);
    expect(events).toEqual(['job.completed']);
  });
});
