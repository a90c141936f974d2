import { isClusterUrl, waitFor } from '@conveyor/testkit';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { isConveyorError, type RouterOutputs } from '@conveyor/client';
import { startHarness, type Harness } from './support/harness.ts';
import { scriptedProcessors } from './support/scripted-processors.ts';
import type { FixtureClient } from './support/fixture-router.ts';

const redisUrl = inject('redisUrl');
type Job = RouterOutputs['jobs']['get'];

describe('job lifecycle over the typed client', () => {
  let harness: Harness;
  let client: FixtureClient;

  beforeAll(async () => {
    harness = await startHarness(redisUrl, {
      processors: scriptedProcessors(),
    });
    client = harness.client;
  });
  afterAll(() => harness.close());

  const fast = { backoff: { type: 'fixed', delay: 20 } } as const;
  const settled = (
    id: string,
    states: Job['state'][] = ['completed', 'failed', 'cancelled'],
  ) =>
    waitFor(
      async () => {
        const job = await client.jobs.get.query({ id });
        return states.includes(job.state) ? job : undefined;
      },
      10_000,
      `job ${id} to reach ${states.join('/')}`,
    );
  const errorOf = (promise: Promise<unknown>) =>
    promise.then(
      () => {
        throw new Error('expected an error');
      },
      (error: unknown) => {
        if (!isConveyorError(error)) throw error;
        return error;
      },
    );

  describe('jobs.get', () => {
    it('returns the typed job with its result and timestamps', async () => {
      const startDate = new Date('2026-11-01T00:00:00Z');
      const endDate = new Date('2026-11-08T00:00:00Z');
      const { id } = await client.enqueue.mutate({
        name: 'email.digest',
        data: { userId: 'u-get', period: 'weekly', startDate, endDate },
      });
      const job = await settled(id);
      expect(job).toMatchObject({
        id,
        name: 'email.digest',
        queue: 'email',
        state: 'completed',
        attemptsMade: 1,
        attempts: 3,
      });
      if (job.name !== 'email.digest' || job.dataError !== null)
        throw new Error('narrowing');
      expect(job.data.startDate).toEqual(startDate);
      expect(job.result).toEqual({ messageId: 'mail-u-get', itemCount: 3 });
      expect(job.progress).toEqual({ percent: 100, stage: 'done' });
      expect(job.createdAt).toBeInstanceOf(Date);
      expect(job.finishedAt!.getTime()).toBeGreaterThanOrEqual(
        job.startedAt!.getTime(),
      );
      expect(job.failedReason).toBeNull();
    });

    it('answers NOT_FOUND for an id that does not exist', async () => {
      const error = await errorOf(client.jobs.get.query({ id: 'no-such-job' }));
      expect(error.data?.code).toBe('NOT_FOUND');
      expect(error.message).toBe('No job with id "no-such-job"');
    });
  });

  describe('jobs.list and queues.stats', () => {
    it('pages newest first with a stable cursor, and filters by name and state', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 5; i += 1) {
        const { id } = await client.enqueue.mutate({
          name: 'sms.send',
          data: { to: '+14155550100', message: `list ${i}` },
          options: { delay: 60_000 }, // stay delayed: a stable population
        });
        ids.push(id);
      }
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await client.jobs.list.query({
          name: 'sms.send',
          state: 'delayed',
          limit: 2,
          ...(cursor ? { cursor } : {}),
        });
        expect(page.items.length).toBeLessThanOrEqual(2);
        seen.push(...page.items.map((j) => j.id));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      expect(seen).toEqual([...ids].reverse());

      const completed = await client.jobs.list.query({
        state: 'completed',
        limit: 100,
      });
      expect(completed.items.every((j) => j.state === 'completed')).toBe(true);
      expect(completed.items.some((j) => ids.includes(j.id))).toBe(false);

      const stats = await client.queues.stats.query();
      expect(stats.sms.delayed).toBeGreaterThanOrEqual(5);
      expect(Object.keys(stats).sort()).toEqual([
        'default',
        'email',
        'feeds',
        'generation',
        'sms',
      ]);
    });

    it('rejects a cursor it did not make with a 400', async () => {
      const error = await errorOf(
        client.jobs.list.query({ limit: 5, cursor: 'garbage' }),
      );
      expect(error.data?.code).toBe('BAD_REQUEST');
      expect(error.data?.reason).toBe('INVALID_CURSOR');
    });
  });

  describe('enqueue options', () => {
    it('delay makes a job delayed; promote runs it now', async () => {
      const { id } = await client.enqueue.mutate({
        name: 'TEST_JOB',
        data: { message: 'later' },
        options: { delay: 60_000 },
      });
      expect((await client.jobs.get.query({ id })).state).toBe('delayed');
      expect(await client.jobs.promote.mutate({ id })).toEqual({
        id,
        state: 'waiting',
      });
      expect((await settled(id)).state).toBe('completed');
      const error = await errorOf(client.jobs.promote.mutate({ id }));
      expect(error.data?.code).toBe('CONFLICT');
    });

    it('runAt in the future delays; attempts beyond the job’s limit are refused', async () => {
      const runAt = new Date(Date.now() + 60_000);
      const { id } = await client.enqueue.mutate({
        name: 'TEST_JOB',
        data: { message: 'at' },
        options: { runAt, priority: 3, attempts: 7 },
      });
      const job = await client.jobs.get.query({ id });
      expect(job.state).toBe('delayed');
      expect(job.attempts).toBe(7);
      const error = await errorOf(
        client.enqueue.mutate({
          name: 'TEST_JOB',
          data: { message: 'x' },
          options: { attempts: 11 },
        }),
      );
      expect(error.data?.code).toBe('BAD_REQUEST');
      expect(error.data?.issues).toEqual([
        {
          path: ['options', 'attempts'],
          message: 'TEST_JOB allows at most 10 attempts',
          code: 'custom',
        },
      ]);
      const both = await errorOf(
        client.enqueue.mutate({
          name: 'TEST_JOB',
          data: { message: 'x' },
          // @ts-expect-error -- delay and runAt exclude each other (compile time too)
          options: { delay: 5, runAt },
        }),
      );
      expect(both.data?.issues?.[0]?.message).toBe(
        'Give either delay or runAt, not both',
      );
    });
  });

  describe('idempotency keys', () => {
    it('the same key and payload return the same job; another payload is a CONFLICT', async () => {
      const key = `order-${Date.now()}`;
      const request = {
        name: 'TEST_JOB',
        data: { message: 'charge order 42' },
        options: { idempotencyKey: key, delay: 60_000 },
      } as const;
      const first = await client.enqueue.mutate(request);
      const second = await client.enqueue.mutate(request);
      expect(second.id).toBe(first.id);
      const listed = await client.jobs.list.query({
        name: 'TEST_JOB',
        state: 'delayed',
        limit: 100,
      });
      expect(
        listed.items.filter(
          (j) => j.name === 'TEST_JOB' && j.data?.message === 'charge order 42',
        ),
      ).toHaveLength(1);

      const error = await errorOf(
        client.enqueue.mutate({
          ...request,
          data: { message: 'charge order 43' },
        }),
      );
      expect(error.data?.code).toBe('UNPROCESSABLE_CONTENT');
      expect(error.data?.reason).toBe('IDEMPOTENCY_CONFLICT');
    });
  });

  describe('enqueueMany', () => {
    // On a Redis Cluster the same batch is refused whole (cluster.cluster-test.ts).
    it('adds a valid batch across queues in one call (one Redis)', async () => {
      const batch = () =>
        client.enqueueMany.mutate({
          jobs: [
            { name: 'TEST_JOB', data: { message: 'bulk 1' } },
            {
              name: 'sms.send',
              data: { to: '+14155550101', message: 'bulk 2' },
            },
            { name: 'TEST_JOB', data: { message: 'bulk 3' } },
          ],
        });
      if (isClusterUrl(redisUrl)) {
        const error = await errorOf(batch());
        expect(error.data?.code).toBe('BAD_REQUEST');
        return;
      }
      const { jobs } = await batch();
      expect(jobs.map((j) => [j.name, j.queue])).toEqual([
        ['TEST_JOB', 'default'],
        ['sms.send', 'sms'],
        ['TEST_JOB', 'default'],
      ]);
      for (const job of jobs)
        expect((await settled(job.id)).state).toBe('completed');
    });

    it('with one bad item enqueues nothing and names the failing index', async () => {
      const before = await client.queues.stats.query();
      const error = await errorOf(
        client.enqueueMany.mutate({
          jobs: [
            { name: 'TEST_JOB', data: { message: 'fine' } },
            { name: 'sms.send', data: { to: 'not a phone', message: 'bad' } },
            { name: 'TEST_JOB', data: { message: '' } },
          ],
        }),
      );
      expect(error.data?.code).toBe('BAD_REQUEST');
      expect(error.data?.issues?.map((i) => i.path)).toEqual([
        ['jobs', 1, 'data', 'to'],
        ['jobs', 2, 'data', 'message'],
      ]);
      const after = await client.queues.stats.query();
      expect(
        after.default.waiting + after.default.active + after.default.completed,
      ).toBe(
        before.default.waiting +
          before.default.active +
          before.default.completed,
      );
    });
  });

  describe('cancel and retry', () => {
    it('a waiting or delayed job is cancelled at once, and can be retried', async () => {
      const before = (await client.queues.stats.query()).default;
      const { id } = await client.enqueue.mutate({
        name: 'TEST_JOB',
        data: { message: 'cancel me' },
        options: { delay: 60_000 },
      });
      expect(await client.jobs.cancel.mutate({ id })).toEqual({
        id,
        state: 'cancelled',
      });
      // Counted as cancelled, not as failed.
      const counts = (await client.queues.stats.query()).default;
      expect([counts.cancelled, counts.failed]).toEqual([
        before.cancelled + 1,
        before.failed,
      ]);
      const cancelled = await client.jobs.get.query({ id });
      expect(cancelled).toMatchObject({
        id,
        state: 'cancelled',
        failedReason: 'cancelled by request',
        data: { message: 'cancel me' },
      });
      expect(
        (await errorOf(client.jobs.cancel.mutate({ id }))).data?.code,
      ).toBe('CONFLICT');

      expect(await client.jobs.retry.mutate({ id })).toEqual({
        id,
        state: 'waiting',
      });
      expect((await settled(id)).state).toBe('completed');
    });

    it('an active job is cancelled through its signal and not retried', async () => {
      const before = (await client.queues.stats.query()).default;
      const { id } = await client.enqueue.mutate({
        name: 'TEST_JOB',
        data: { message: 'slow:10000' },
      });
      await settled(id, ['active']);
      expect(await client.jobs.cancel.mutate({ id })).toEqual({
        id,
        state: 'cancelling',
      });
      const job = await settled(id);
      expect([job.state, job.failedReason, job.attemptsMade]).toEqual([
        'cancelled',
        'cancelled by request',
        1,
      ]);
      const counts = await waitFor(async () => {
        const now = (await client.queues.stats.query()).default;
        return now.cancelled > before.cancelled ? now : undefined;
      });
      expect([counts.cancelled, counts.failed]).toEqual([
        before.cancelled + 1,
        before.failed,
      ]);
    });

    it('a failed job is retried with fresh attempts', async () => {
      const { id } = await client.enqueue.mutate({
        name: 'TEST_JOB',
        data: { message: 'always-fail' },
        options: { ...fast, attempts: 2 },
      });
      const failed = await settled(id);
      expect(failed).toMatchObject({
        state: 'failed',
        attemptsMade: 2,
        failedReason: 'boom on attempt 2',
      });
      await client.jobs.retry.mutate({ id });
      const again = await settled(id);
      expect(again).toMatchObject({ state: 'failed', attemptsMade: 2 });
      expect(
        (await errorOf(client.jobs.retry.mutate({ id: 'nope' }))).data?.code,
      ).toBe('NOT_FOUND');
    });
  });

  describe('dead letters', () => {
    it('lists exhausted jobs with their attempt history, and redrives one and many', async () => {
      const from = new Date();
      const a = await client.enqueue.mutate({
        name: 'TEST_JOB',
        data: { message: 'always-fail' },
        options: fast,
      });
      const b = await client.enqueue.mutate({
        name: 'TEST_JOB',
        data: { message: 'always-fail' },
        options: fast,
      });
      const c = await client.enqueue.mutate({
        name: 'TEST_JOB',
        data: { message: 'always-fail' },
        options: fast,
      });
      for (const { id } of [a, b, c]) await settled(id);

      const page = await client.deadLetters.list.query({
        name: 'TEST_JOB',
        from,
        limit: 10,
      });
      // Newest failure first (they ran concurrently, so any creation order).
      expect(page.items.map((d) => d.id).sort()).toEqual(
        [a.id, b.id, c.id].sort(),
      );
      const failedAt = page.items.map((d) => d.finishedAt?.getTime() ?? 0);
      expect(failedAt).toEqual([...failedAt].sort((x, y) => y - x));
      expect(page.items[0]?.history.map((h) => [h.attempt, h.error])).toEqual([
        [1, 'boom on attempt 1'],
        [2, 'boom on attempt 2'],
        [3, 'boom on attempt 3'],
      ]);

      expect(await client.deadLetters.redrive.mutate({ id: a.id })).toEqual({
        id: a.id,
      });
      await settled(a.id, ['failed']);
      expect(
        await client.deadLetters.redriveMany.mutate({
          name: 'TEST_JOB',
          from,
          to: new Date(),
        }),
      ).toEqual({ redriven: 3 });
      const none = await client.deadLetters.redriveMany.mutate({
        name: 'sms.send',
        from,
      });
      expect(none).toEqual({ redriven: 0 });
    });
  });
});
