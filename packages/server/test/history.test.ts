import { isConveyorError } from '@conveyor/client';
import { createKeyspace, createRedisClient } from '@conveyor/queue';
import { waitFor } from '@conveyor/testkit';
import { randomBytes, randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectHistory } from '../src/history/connect-history.ts';
import { scriptedProcessors } from './support/scripted-processors.ts';
import { startHarness, type Harness } from './support/harness.ts';
import { createTestDatabase } from '@conveyor/testkit';
import type { FixtureClient } from './support/fixture-router.ts';

const redisUrl = inject('redisUrl');
const postgresUrl = inject('postgresUrl');
const adminToken = randomBytes(32).toString('base64url');

const failure = async (call: Promise<unknown>) => {
  const error = await call.catch((e: unknown) => e);
  if (!isConveyorError(error)) throw new Error('expected an API error');
  return {
    code: error.data?.code,
    reason: error.data?.reason,
    message: error.message,
  };
};

/** Fast retries: a job's failed attempt is history within milliseconds. */
const quick = { backoff: { type: 'fixed', delay: 10 } } as const;

describe('job history through the API (enqueue → worker → outbox → PostgreSQL → reads)', () => {
  let harness: Harness;
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let acme: FixtureClient;
  let globex: FixtureClient;
  let acmeTokenId: string;
  /** A job's history once the drainer wrote it in this state. */
  const settled = (client: FixtureClient, id: string, state: string) =>
    waitFor(
      async () => {
        const found = await client.history.get.query({ id }).catch(() => null);
        return found?.job.state === state ? found : undefined;
      },
      15_000,
      `job ${id} ${state} in history`,
    );

  beforeAll(async () => {
    database = await createTestDatabase(postgresUrl);
    harness = await startHarness(redisUrl, {
      adminToken,
      processors: scriptedProcessors(),
      history: { databaseUrl: database.url },
    });
    const token = async (tenantId: string) =>
      harness.client.tokens.create.mutate({ tenantId, role: 'producer' });
    const acmeToken = await token('acme');
    acmeTokenId = acmeToken.record.id;
    acme = harness.clientWith(acmeToken.token);
    globex = harness.clientWith((await token('globex')).token);
  });
  afterAll(async () => {
    await harness.close();
    await database.drop();
  });

  it("tells a job's story: payload, who enqueued it with which key, each attempt with its error", async () => {
    const key = `order-${randomUUID()}`;
    const job = await acme.enqueue.mutate({
      name: 'TEST_JOB',
      data: { message: 'fail:1' },
      options: { ...quick, idempotencyKey: key },
    });
    const found = await settled(acme, job.id, 'completed');
    expect(found.job).toMatchObject({
      id: job.id,
      tenant: 'acme',
      name: 'TEST_JOB',
      queue: job.queue,
      data: { message: 'fail:1' },
      result: { echoed: 'fail:1' },
      idempotencyKey: key,
      enqueuedBy: `token:${acmeTokenId}`,
      attempts: 2,
      lastError: 'planned failure 1',
    });
    expect(found.job.enqueuedAt).toBeInstanceOf(Date);
    expect(found.attempts.map((a) => [a.attempt, a.outcome, a.error])).toEqual([
      [1, 'retrying', 'planned failure 1'],
      [2, 'completed', null],
    ]);
    // The same key again is the same job: still one row, one enqueue.
    const again = await acme.enqueue.mutate({
      name: 'TEST_JOB',
      data: { message: 'fail:1' },
      options: { ...quick, idempotencyKey: key },
    });
    expect(again.id).toBe(job.id);
    const byKey = await acme.history.list.query({ idempotencyKey: key });
    expect(byKey.items.map((j) => j.id)).toEqual([job.id]);
  });

  it('lists newest first with filters (name, state, error text, key) and a cursor; counts by day', async () => {
    const dead = await acme.enqueue.mutate({
      name: 'TEST_JOB',
      data: { message: 'always-fail' },
      options: { ...quick, attempts: 2 },
    });
    const sms = await acme.enqueue.mutate({
      name: 'sms.send',
      data: { to: '+14155550123', message: 'hi' },
    });
    await settled(acme, dead.id, 'failed');
    await settled(acme, sms.id, 'completed');

    const failed = await acme.history.list.query({ state: 'failed' });
    expect(failed.items.map((j) => j.id)).toEqual([dead.id]);
    expect(failed.items[0]?.lastError).toBe('boom on attempt 2');
    const byText = await acme.history.list.query({ text: 'boom attempt' });
    expect(byText.items.map((j) => j.id)).toEqual([dead.id]);
    expect(
      (await acme.history.list.query({ text: 'nothing-like-this' })).items,
    ).toEqual([]);
    const smsOnly = await acme.history.list.query({ name: 'sms.send' });
    expect(smsOnly.items.map((j) => j.id)).toEqual([sms.id]);

    // Newest first, one per page, every job once.
    const all = await acme.history.list.query({ limit: 200 });
    expect(all.items[0]?.id).toBe(sms.id);
    const paged: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await acme.history.list.query({
        limit: 1,
        ...(cursor ? { cursor } : {}),
      });
      paged.push(...page.items.map((j) => j.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(paged).toEqual(all.items.map((j) => j.id));
    expect(paged.length).toBeGreaterThanOrEqual(3);
    expect(
      await failure(acme.history.list.query({ cursor: 'not-a-cursor' })),
    ).toMatchObject({ code: 'BAD_REQUEST', reason: 'INVALID_CURSOR' });

    const stats = await acme.history.stats.query({});
    const testJob = stats.filter((r) => r.name === 'TEST_JOB');
    expect(testJob.reduce((n, r) => n + (r.counts.failed ?? 0), 0)).toBe(1);
    expect(
      testJob.reduce((n, r) => n + (r.counts.completed ?? 0), 0),
    ).toBeGreaterThanOrEqual(1);
    expect(testJob[0]?.durationMs?.p50).toBeGreaterThanOrEqual(0);
    expect(
      await failure(
        acme.history.stats.query({
          from: new Date('2020-01-01'),
          to: new Date('2022-01-01'),
        }),
      ),
    ).toMatchObject({ code: 'BAD_REQUEST' });
  });

  it("keeps tenants apart: another tenant's list, get and stats never show a job", async () => {
    const job = await acme.enqueue.mutate({
      name: 'TEST_JOB',
      data: { message: 'acme only' },
    });
    await settled(acme, job.id, 'completed');
    expect((await globex.history.list.query({ limit: 200 })).items).toEqual([]);
    expect(await globex.history.stats.query({})).toEqual([]);
    expect(
      await failure(globex.history.get.query({ id: job.id })),
    ).toMatchObject({ code: 'NOT_FOUND' });
    // Tenant comes from the token, never the input.
    expect(
      await failure(globex.history.list.query({ tenant: 'acme' } as never)),
    ).toMatchObject({ code: 'BAD_REQUEST' });
  });

  it('jobs.get answers from history (archived) once Redis no longer has the job', async () => {
    const job = await acme.enqueue.mutate({
      name: 'TEST_JOB',
      data: { message: 'kept' },
    });
    await settled(acme, job.id, 'completed');
    const live = await acme.jobs.get.query({ id: job.id });
    expect(live.archived).toBeUndefined();
    // What retention does: the job's hash is gone.
    const redis = createRedisClient(redisUrl, { preset: 'worker' });
    try {
      await redis.del(createKeyspace(harness.prefix).bull(job.queue, job.id));
    } finally {
      redis.disconnect();
    }
    const archived = await acme.jobs.get.query({ id: job.id });
    expect(archived).toMatchObject({
      id: job.id,
      name: 'TEST_JOB',
      state: 'completed',
      data: { message: 'kept' },
      dataError: null,
      result: { echoed: 'kept' },
      attemptsMade: 1,
      archived: true,
    });
    expect(archived.createdAt).toBeInstanceOf(Date);
    expect(archived.finishedAt).toBeInstanceOf(Date);
    expect(await failure(globex.jobs.get.query({ id: job.id }))).toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(
      await failure(acme.jobs.get.query({ id: randomUUID() })),
    ).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('answers hostile reads with a 4xx, never a 500: NULs, dates PostgreSQL cannot hold, forged cursors', async () => {
    expect(
      await failure(acme.history.get.query({ id: 'a\u0000b' })),
    ).toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(
      await failure(acme.jobs.get.query({ id: 'a\u0000b' })),
    ).toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(
      await failure(acme.history.list.query({ idempotencyKey: 'k\u0000' })),
    ).toMatchObject({ code: 'BAD_REQUEST' });
    expect(
      await failure(
        acme.history.list.query({ from: new Date(-8.64e15), to: new Date() }),
      ),
    ).toMatchObject({ code: 'BAD_REQUEST' });
    const forged = Buffer.from(JSON.stringify([1e20, 'x'])).toString(
      'base64url',
    );
    expect(
      await failure(acme.history.list.query({ cursor: forged })),
    ).toMatchObject({ code: 'BAD_REQUEST' });
  });

  it('records a cancel before any attempt, and a retry as a new run', async () => {
    const job = await acme.enqueue.mutate({
      name: 'TEST_JOB',
      data: { message: 'later' },
      options: { delay: 60_000 },
    });
    expect(await acme.jobs.cancel.mutate({ id: job.id })).toMatchObject({
      state: 'cancelled',
    });
    const cancelled = await settled(acme, job.id, 'cancelled');
    expect(cancelled.job.lastError).toBe('cancelled by request');
    expect(cancelled.job.data).toEqual({ message: 'later' });

    await acme.jobs.retry.mutate({ id: job.id });
    const rerun = await settled(acme, job.id, 'completed');
    expect(rerun.job.run).toBe(1);
    expect(rerun.attempts.map((a) => [a.run, a.attempt, a.outcome])).toEqual([
      [1, 1, 'completed'],
    ]);
  });
});

describe('history when it cannot answer', () => {
  it('is a clear 501 HISTORY_DISABLED when off; jobs.get still works from Redis', async () => {
    const harness = await startHarness(redisUrl);
    try {
      for (const call of [
        harness.client.history.list.query({}),
        harness.client.history.get.query({ id: 'x' }),
        harness.client.history.stats.query({}),
      ])
        expect(await failure(call)).toMatchObject({
          code: 'NOT_IMPLEMENTED',
          reason: 'HISTORY_DISABLED',
          message: expect.stringContaining('DATABASE_URL') as string,
        });
      const job = await harness.client.enqueue.mutate({
        name: 'TEST_JOB',
        data: { message: 'no history' },
      });
      expect((await harness.client.jobs.get.query({ id: job.id })).state).toBe(
        'waiting',
      );
      expect(
        await failure(harness.client.jobs.get.query({ id: randomUUID() })),
      ).toMatchObject({ code: 'NOT_FOUND' });
    } finally {
      await harness.close();
    }
  });

  it('is a 503 HISTORY_UNAVAILABLE when PostgreSQL is gone, and enqueues go on', async () => {
    const database = await createTestDatabase(postgresUrl);
    const harness = await startHarness(redisUrl, {
      history: { databaseUrl: database.url },
    });
    try {
      await harness.client.history.list.query({});
      // The database disappears under the API: its connections are cut, new ones refused.
      await database.drop();
      expect(
        await failure(harness.client.history.list.query({})),
      ).toMatchObject({
        code: 'SERVICE_UNAVAILABLE',
        reason: 'HISTORY_UNAVAILABLE',
        message: expect.stringContaining('history') as string,
      });
      const job = await harness.client.enqueue.mutate({
        name: 'TEST_JOB',
        data: { message: 'still enqueued' },
      });
      expect((await harness.client.jobs.get.query({ id: job.id })).state).toBe(
        'waiting',
      );
    } finally {
      await harness.close();
    }
  });

  it('connects in the background when PostgreSQL is not there at start', async () => {
    const database = await createTestDatabase(postgresUrl);
    const url = new URL(database.url);
    // A database that does not exist yet: the API must start anyway.
    const later = `${url.pathname}_later`;
    await database.drop();
    const pending = new URL(database.url);
    pending.pathname = later;
    const connection = connectHistory({
      databaseUrl: pending.toString(),
      logger: pino({ level: 'silent' }),
      maxRetryMs: 100,
    });
    const { Client } = (await import('pg')).default;
    const admin = new Client({ connectionString: postgresUrl });
    try {
      expect(connection.store()).toBeUndefined();
      await admin.connect();
      await admin.query(`create database ${later.slice(1)}`);
      await waitFor(() => connection.store(), 10_000, 'the history store');
    } finally {
      await connection.close();
      await admin.query(
        `drop database if exists ${later.slice(1)} with (force)`,
      );
      await admin.end();
    }
  });
});
