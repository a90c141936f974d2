import { defineJob, defineRegistry } from '@conveyor/core';
import { QUEUES } from '@conveyor/fixtures';
import {
  createKeyspace,
  createProducer,
  createRedisClient,
  createWorkerPool,
} from '@conveyor/queue';
import { createLogger } from '@conveyor/ops';
import { deletePrefix, uniquePrefix, waitFor } from '@conveyor/testkit';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { z } from 'zod';
import {
  historyObserver,
  HistoryOutbox,
  HistoryStore,
  startHistoryDrainer,
  transitionId,
} from '../src/index.ts';
import { captureLogger, openTestHistory } from './support/test-database.ts';

const redisUrl = inject('redisUrl');
const postgresUrl = inject('postgresUrl');

const flaky = defineJob({
  name: 'flaky',
  queue: QUEUES.default,
  input: z.strictObject({ failTimes: z.number().int() }),
  result: z.strictObject({ ok: z.boolean() }),
  defaults: { attempts: 3, backoff: { type: 'fixed', delay: 10 } },
});
const registry = defineRegistry([flaky]);

describe('history from a real worker (observer → outbox → drainer → PostgreSQL)', () => {
  const redis = createRedisClient(redisUrl, { preset: 'worker' });
  const keys = createKeyspace(uniquePrefix('history-worker'));
  let history: Awaited<ReturnType<typeof openTestHistory>>;
  beforeAll(async () => {
    history = await openTestHistory(postgresUrl);
  });
  afterAll(async () => {
    await history.close();
    await deletePrefix(redisUrl, keys.prefix);
    redis.disconnect();
  });

  it('records enqueue, a failed attempt with its error, and the attempt that completed', async () => {
    const outbox = new HistoryOutbox(redis, keys);
    const drainer = startHistoryDrainer({
      redis,
      keys,
      db: history.db,
      logger: captureLogger(),
      blockMs: 100,
    });
    const producer = createProducer({
      registry,
      redis,
      keys,
      tenantId: 'acme',
    });
    const pool = createWorkerPool({
      registry,
      redis,
      keys,
      logger: createLogger('history-test', 'silent'),
      observers: [historyObserver(outbox, { worker: 'worker-1' })],
      processors: {
        flaky: ({ failTimes }, { attempt }) =>
          attempt > failTimes
            ? Promise.resolve({ ok: true })
            : Promise.reject(new Error(`try ${attempt} failed`)),
      },
    });
    try {
      const enqueuedAt = Date.now();
      const job = await producer.enqueue({
        name: 'flaky',
        data: { failTimes: 1 },
      });
      // The producer's side (wired by the API): the enqueue itself.
      await outbox.append({
        id: transitionId(job.id, 0, 0, 'enqueued'),
        jobId: job.id,
        tenantId: 'acme',
        name: 'flaky',
        queue: job.queue,
        run: 0,
        attempt: 0,
        type: 'enqueued',
        at: enqueuedAt,
        payload: { json: { failTimes: 1 } },
      });
      const store = new HistoryStore(history.db);
      const found = await waitFor(
        async () => {
          const got = await store.get(job.id, 'acme');
          return got?.job.state === 'completed' ? got : undefined;
        },
        15_000,
        'the completed job in history',
      );
      expect(found.job).toMatchObject({
        name: 'flaky',
        attempts: 2,
        lastError: 'try 1 failed',
        result: { ok: true },
        data: { failTimes: 1 },
        enqueuedAt: new Date(enqueuedAt),
      });
      expect(found.job.durationMs).toBeGreaterThanOrEqual(10);
      expect(
        found.attempts.map((a) => [a.attempt, a.outcome, a.error, a.worker]),
      ).toEqual([
        [1, 'retrying', 'try 1 failed', 'worker-1'],
        [2, 'completed', null, 'worker-1'],
      ]);
      expect(
        found.attempts.every(
          (a) => a.startedAt && a.endedAt && a.endedAt >= a.startedAt,
        ),
      ).toBe(true);
      expect(await store.get(job.id, 'other-tenant')).toBeNull();
    } finally {
      await pool.close();
      await producer.close();
      await drainer.close();
    }
  });
});
