import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import superjson from 'superjson';
import {
  applyTransitions,
  HISTORY_MIGRATIONS,
  HistoryStore,
  openHistoryDatabase,
  transitionId,
  type Transition,
  type TransitionType,
} from '../src/index.ts';
import {
  captureLogger,
  createTestDatabase,
  openTestHistory,
} from './support/test-database.ts';

const postgresUrl = inject('postgresUrl');
const T0 = Date.parse('2026-11-20T10:00:00Z');

function step(
  jobId: string,
  type: TransitionType,
  run: number,
  attempt: number,
  at: number,
  extra: Partial<Transition> = {},
): Transition {
  return {
    id: transitionId(jobId, run, attempt, type),
    jobId,
    tenantId: 'acme',
    name: 'email.digest',
    queue: 'email',
    run,
    attempt,
    type,
    at,
    ...extra,
  };
}

describe('applyTransitions (the history writer)', () => {
  let history: Awaited<ReturnType<typeof openTestHistory>>;
  let store: HistoryStore;
  beforeAll(async () => {
    history = await openTestHistory(postgresUrl);
    store = new HistoryStore(history.db);
  });
  afterAll(() => history.close());

  it('turns a job’s whole story into one job row and one row per attempt', async () => {
    const payload = superjson.serialize({
      userId: 'u-42',
      since: new Date(T0 - 86_400_000),
    });
    const story = [
      step('story', 'enqueued', 0, 0, T0, {
        payload,
        idempotencyKey: 'digest-u-42',
        enqueuedBy: 'token-1',
      }),
      step('story', 'started', 0, 1, T0 + 100, { worker: 'w1' }),
      step('story', 'retrying', 0, 1, T0 + 300, {
        error: 'SMTP timeout after 200 ms',
        durationMs: 200,
        worker: 'w1',
      }),
      step('story', 'started', 0, 2, T0 + 1_300, { worker: 'w2' }),
      step('story', 'completed', 0, 2, T0 + 1_500, {
        result: { sent: 3, at: new Date(T0 + 1_490) },
        durationMs: 200,
        worker: 'w2',
      }),
    ];
    expect(await applyTransitions(history.db, story.slice(0, 3))).toBe(3);
    expect(await applyTransitions(history.db, story.slice(3))).toBe(2);

    const found = await store.get('story', 'acme');
    expect(found?.job).toMatchObject({
      state: 'completed',
      run: 0,
      attempts: 2,
      data: { userId: 'u-42', since: new Date(T0 - 86_400_000) },
      result: { sent: 3, at: new Date(T0 + 1_490) },
      lastError: 'SMTP timeout after 200 ms',
      idempotencyKey: 'digest-u-42',
      enqueuedBy: 'token-1',
      enqueuedAt: new Date(T0),
      startedAt: new Date(T0 + 100),
      finishedAt: new Date(T0 + 1_500),
      durationMs: 1_400,
    });
    expect(found?.attempts).toEqual([
      {
        run: 0,
        attempt: 1,
        startedAt: new Date(T0 + 100),
        endedAt: new Date(T0 + 300),
        outcome: 'retrying',
        error: 'SMTP timeout after 200 ms',
        worker: 'w1',
      },
      {
        run: 0,
        attempt: 2,
        startedAt: new Date(T0 + 1_300),
        endedAt: new Date(T0 + 1_500),
        outcome: 'completed',
        error: null,
        worker: 'w2',
      },
    ]);
  });

  it('changes nothing when the same batch is applied twice', async () => {
    const batch = [
      step('replayed', 'enqueued', 0, 0, T0),
      step('replayed', 'started', 0, 1, T0 + 10),
      step('replayed', 'failed', 0, 1, T0 + 20, {
        error: 'boom',
        durationMs: 10,
      }),
    ];
    expect(await applyTransitions(history.db, batch)).toBe(3);
    const before = await store.get('replayed', 'acme');
    expect(await applyTransitions(history.db, batch)).toBe(0);
    expect(await applyTransitions(history.db, [...batch, ...batch])).toBe(0);
    expect(await store.get('replayed', 'acme')).toEqual(before);
    expect(before?.job).toMatchObject({ state: 'failed', attempts: 1 });
    expect(before?.attempts).toHaveLength(1);
  });

  it('does not regress: completed, then a late started, stays completed', async () => {
    await applyTransitions(history.db, [
      step('late', 'completed', 0, 1, T0 + 50, { result: 1, durationMs: 40 }),
    ]);
    await applyTransitions(history.db, [
      step('late', 'started', 0, 1, T0 + 10),
    ]);
    await applyTransitions(history.db, [step('late', 'enqueued', 0, 0, T0)]);
    const found = await store.get('late', 'acme');
    expect(found?.job).toMatchObject({
      state: 'completed',
      result: 1,
      enqueuedAt: new Date(T0),
      startedAt: new Date(T0 + 10),
      durationMs: 40,
      attempts: 1,
    });
    expect(found?.attempts[0]).toMatchObject({
      startedAt: new Date(T0 + 10),
      outcome: 'completed',
    });
  });

  it('lets a new run (retry or redrive) supersede a failure, in either order of arrival', async () => {
    await applyTransitions(history.db, [
      step('rerun', 'enqueued', 0, 0, T0),
      step('rerun', 'started', 0, 1, T0 + 10),
      step('rerun', 'failed', 0, 1, T0 + 20, { error: 'first run failed' }),
    ]);
    await applyTransitions(history.db, [
      step('rerun', 'started', 1, 1, T0 + 5_000),
    ]);
    expect((await store.get('rerun', 'acme'))?.job).toMatchObject({
      state: 'active',
      run: 1,
      finishedAt: null,
      startedAt: new Date(T0 + 5_000),
    });
    // The first run's failure replayed late cannot take the job back.
    await applyTransitions(history.db, [
      step('rerun', 'completed', 1, 1, T0 + 5_100, { durationMs: 100 }),
      { ...step('rerun', 'failed', 0, 1, T0 + 20), id: 'another-id' },
    ]);
    const found = await store.get('rerun', 'acme');
    expect(found?.job).toMatchObject({
      state: 'completed',
      run: 1,
      attempts: 2,
      durationMs: 100,
    });
  });

  it('records a job whose payload, result and error hold NULs (made storable)', async () => {
    await applyTransitions(history.db, [
      step('nul', 'enqueued', 0, 0, T0, {
        payload: superjson.serialize({ 'k\u0000': ['a\u0000b'] }),
        idempotencyKey: 'key\u0000',
        enqueuedBy: 'token\u0000',
      }),
      step('nul', 'retrying', 0, 1, T0 + 10, {
        error: 'nul \u0000 here',
        worker: 'w\u0000',
        durationMs: 5,
      }),
      step('nul', 'completed', 0, 2, T0 + 20, {
        result: { text: 'r\u0000', at: new Date(T0) },
        durationMs: 5,
      }),
    ]);
    const found = await store.get('nul', 'acme');
    expect(found?.job).toMatchObject({
      state: 'completed',
      data: { 'k\uFFFD': ['a\uFFFDb'] },
      result: { text: 'r\uFFFD', at: new Date(T0) },
      lastError: 'nul \uFFFD here',
      idempotencyKey: 'key\uFFFD',
      enqueuedBy: 'token\uFFFD',
    });
    expect(found?.attempts[0]).toMatchObject({
      error: 'nul \uFFFD here',
      worker: 'w\uFFFD',
    });
  });

  it('folds a batch exactly as it writes the same transitions one at a time', async () => {
    const story = (jobId: string) => [
      step(jobId, 'enqueued', 0, 0, T0, {
        payload: superjson.serialize({ n: 1 }),
        idempotencyKey: 'once',
        enqueuedBy: 'token-1',
      }),
      step(jobId, 'failed', 0, 1, T0 + 10, { error: 'first', durationMs: 5 }),
      // A redrive: a new run's enqueue carries no payload, key or enqueuer.
      step(jobId, 'enqueued', 1, 0, T0 + 100),
      step(jobId, 'completed', 1, 1, T0 + 120, { result: 2, durationMs: 5 }),
    ];
    await applyTransitions(history.db, story('batched'));
    for (const t of story('one-by-one'))
      await applyTransitions(history.db, [t]);
    const row = async (id: string) => {
      const { rows } = await sql<Record<string, unknown>>`
        select * from history_jobs where tenant = 'acme' and id = ${id}`.execute(
        history.db,
      );
      const { id: _id, updated_at: _u, ...rest } = rows[0] ?? {};
      return rest;
    };
    const batched = await row('batched');
    expect(batched).toMatchObject({
      state: 'completed',
      run: 1,
      payload: { json: { n: 1 } },
      idempotency_key: 'once',
      enqueued_by: 'token-1',
    });
    expect(await row('one-by-one')).toEqual(batched);
  });

  it('keeps the higher outcome of an attempt run twice (a lost lock), in either order', async () => {
    const completed = step('twice-a', 'completed', 0, 1, T0 + 50, {
      result: 'ok',
      durationMs: 40,
    });
    const failed = step('twice-a', 'failed', 0, 1, T0 + 90, {
      error: 'lock lost',
      durationMs: 80,
    });
    await applyTransitions(history.db, [completed]);
    await applyTransitions(history.db, [failed]);
    const rename = (t: Transition) => ({
      ...t,
      jobId: 'twice-b',
      id: t.id.replace('twice-a', 'twice-b'),
    });
    await applyTransitions(history.db, [rename(failed)]);
    await applyTransitions(history.db, [rename(completed)]);
    for (const id of ['twice-a', 'twice-b']) {
      const found = await store.get(id, 'acme');
      expect(found?.job.state).toBe('completed');
      expect(found?.attempts).toHaveLength(1);
      expect(found?.attempts[0]).toMatchObject({
        outcome: 'completed',
        error: null,
        endedAt: new Date(T0 + 50),
      });
    }
  });

  it('migrates once when two processes open the same database together', async () => {
    const database = await createTestDatabase(postgresUrl);
    const loggers = [captureLogger(), captureLogger()];
    try {
      const handles = await Promise.all(
        loggers.map((logger) =>
          openHistoryDatabase({ connectionString: database.url, logger }),
        ),
      );
      const migrated = loggers
        .flatMap((l) => l.lines)
        .filter((l) => l.msg === 'history migrated');
      const migrations = Object.keys(HISTORY_MIGRATIONS).length;
      // One line per migration: logged by whichever process ran them.
      expect(migrated).toHaveLength(migrations);
      const { rows } = await sql<{
        n: number;
      }>`select count(*)::int as n from history_migration`.execute(
        handles[0]!.db,
      );
      expect(rows[0]?.n).toBe(migrations);
      await Promise.all(handles.map((h) => h.close()));
    } finally {
      await database.drop();
    }
  });
});
