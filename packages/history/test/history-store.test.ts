import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  applyTransitions,
  HistoryStore,
  InvalidCursorError,
  startHistoryRetention,
  transitionId,
  trimHistory,
  type Transition,
  type TransitionType,
} from '../src/index.ts';
import { waitFor } from '@conveyor/testkit';
import { captureLogger, openTestHistory } from './support/test-database.ts';

const postgresUrl = inject('postgresUrl');
const DAY = 86_400_000;
const T0 = Date.parse('2026-11-20T00:00:00Z');

function step(
  tenantId: string,
  jobId: string,
  type: TransitionType,
  at: number,
  extra: Partial<Transition> = {},
): Transition {
  const attempt = type === 'enqueued' ? 0 : 1;
  return {
    id: `${tenantId}/${transitionId(jobId, 0, attempt, type)}`,
    jobId,
    tenantId,
    name: 'email.digest',
    queue: 'email',
    run: 0,
    attempt,
    type,
    at,
    ...extra,
  };
}

/** A finished job: enqueued at `at`, ran `durationMs`, ended `type`. */
function job(
  tenant: string,
  id: string,
  at: number,
  end: 'completed' | 'failed',
  extra: {
    name?: string;
    error?: string;
    key?: string;
    durationMs?: number;
  } = {},
): Transition[] {
  const common = extra.name ? { name: extra.name } : {};
  const ran = extra.durationMs ?? 100;
  return [
    step(tenant, id, 'enqueued', at, { ...common, idempotencyKey: extra.key }),
    step(tenant, id, 'started', at + 10, common),
    step(tenant, id, end, at + 10 + ran, {
      ...common,
      error: extra.error,
      durationMs: ran,
    }),
  ];
}

describe('HistoryStore (reads)', () => {
  let history: Awaited<ReturnType<typeof openTestHistory>>;
  let store: HistoryStore;
  beforeAll(async () => {
    history = await openTestHistory(postgresUrl);
    store = new HistoryStore(history.db);
  });
  afterAll(() => history.close());

  it('keeps tenants apart in list, get and stats, same job ids included', async () => {
    await applyTransitions(history.db, [
      ...job('tenant-a', 'shared-id', T0, 'completed'),
      ...job('tenant-a', 'only-a', T0 + 1_000, 'failed', {
        error: 'secret of A',
      }),
      ...job('tenant-b', 'shared-id', T0 + 2_000, 'failed', {
        error: 'B failed',
      }),
    ]);
    const range = { from: new Date(T0 - DAY), to: new Date(T0 + DAY) };
    const listA = await store.list({ tenant: 'tenant-a', ...range });
    const listB = await store.list({ tenant: 'tenant-b', ...range });
    expect(listA.items.map((j) => j.id)).toEqual(['only-a', 'shared-id']);
    expect(listB.items.map((j) => [j.id, j.state, j.tenant])).toEqual([
      ['shared-id', 'failed', 'tenant-b'],
    ]);
    expect(await store.get('only-a', 'tenant-b')).toBeNull();
    expect((await store.get('shared-id', 'tenant-a'))?.job.state).toBe(
      'completed',
    );
    expect((await store.get('shared-id', 'tenant-b'))?.job.state).toBe(
      'failed',
    );
    expect(
      (await store.list({ tenant: 'tenant-b', text: 'secret' })).items,
    ).toEqual([]);
    expect((await store.list({ tenant: 'nobody' })).items).toEqual([]);
    const statsB = await store.stats({ tenant: 'tenant-b', ...range });
    expect(statsB).toEqual([
      expect.objectContaining({
        name: 'email.digest',
        total: 1,
        counts: { failed: 1 },
      }),
    ]);
    expect(await store.stats({ tenant: 'nobody', ...range })).toEqual([]);
  });

  it('filters by name, state, time range, idempotency key and error text', async () => {
    const base = T0 + 10 * DAY;
    await applyTransitions(history.db, [
      ...job('filters', 'f1', base, 'completed', {
        name: 'sms.send',
        key: 'k-1',
      }),
      ...job('filters', 'f2', base + 1_000, 'failed', {
        error: 'SMTP connection refused by mx.example',
      }),
      ...job('filters', 'f3', base + DAY, 'failed', {
        error: 'quota exceeded for user',
      }),
      step('filters', 'f4', 'enqueued', base + DAY + 1),
    ]);
    const ids = async (
      q: Omit<Parameters<HistoryStore['list']>[0], 'tenant'>,
    ) => (await store.list({ tenant: 'filters', ...q })).items.map((j) => j.id);
    expect(await ids({ name: 'sms.send' })).toEqual(['f1']);
    expect(await ids({ state: 'failed' })).toEqual(['f3', 'f2']);
    expect(await ids({ state: 'waiting' })).toEqual(['f4']);
    expect(await ids({ from: new Date(base + DAY) })).toEqual(['f4', 'f3']);
    expect(await ids({ to: new Date(base + DAY) })).toEqual(['f2', 'f1']);
    expect(await ids({ idempotencyKey: 'k-1' })).toEqual(['f1']);
    expect(await ids({ text: 'smtp refused' })).toEqual(['f2']);
    expect(await ids({ text: 'quota', state: 'failed' })).toEqual(['f3']);
    expect(await ids({ text: 'nothing-like-this' })).toEqual([]);
  });

  it('pages newest first with a cursor: no duplicate and no gap while new jobs arrive', async () => {
    const base = T0 + 30 * DAY;
    const first = Array.from({ length: 25 }, (_, i) =>
      step(
        'paging',
        `p-${String(i).padStart(2, '0')}`,
        'enqueued',
        base + Math.floor(i / 2) * 1_000,
      ),
    );
    await applyTransitions(history.db, first);
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await store.list({ tenant: 'paging', limit: 4, cursor });
      seen.push(...page.items.map((j) => j.id));
      cursor = page.nextCursor ?? undefined;
      pages++;
      // Newer jobs keep arriving while the reader pages.
      await applyTransitions(history.db, [
        step('paging', `new-${pages}`, 'enqueued', base + 100 * 1_000 + pages),
      ]);
    } while (cursor);
    const expected = [...first]
      .sort((a, b) => b.at - a.at || (a.jobId < b.jobId ? 1 : -1))
      .map((t) => t.jobId);
    expect(seen).toEqual(expected);
    expect(pages).toBe(7);
    await expect(
      store.list({ tenant: 'paging', cursor: 'garbage' }),
    ).rejects.toThrow(InvalidCursorError);
  });

  it('reports counts and duration percentiles per job and day', async () => {
    const day1 = T0 + 60 * DAY;
    const transitions = Array.from({ length: 10 }, (_, i) =>
      job('stats', `s-${i}`, day1 + i * 1_000, i < 8 ? 'completed' : 'failed', {
        durationMs: (i + 1) * 100,
      }),
    ).flat();
    transitions.push(
      ...job('stats', 'next-day', day1 + DAY, 'completed', {
        name: 'sms.send',
      }),
    );
    await applyTransitions(history.db, transitions);
    const rows = await store.stats({
      tenant: 'stats',
      from: new Date(day1),
      to: new Date(day1 + 2 * DAY),
    });
    expect(rows).toHaveLength(2);
    const [first, second] = rows;
    expect(first).toMatchObject({
      day: new Date(day1),
      name: 'email.digest',
      total: 10,
      counts: { completed: 8, failed: 2 },
    });
    // Job durations are start → finish: 10 ms after enqueue, then 100…1,000 ms.
    expect(first?.durationMs?.p50).toBeCloseTo(550, 0);
    expect(first?.durationMs?.p99).toBeGreaterThan(990);
    expect(second).toMatchObject({
      day: new Date(day1 + DAY),
      name: 'sms.send',
      total: 1,
    });
  });

  it('trims only finished jobs older than the retention, with their attempts', async () => {
    const base = Date.now();
    await applyTransitions(history.db, [
      ...job('trim', 'old-done', base, 'completed'),
      ...job('trim', 'old-failed', base, 'failed', { error: 'x' }),
      ...job('trim', 'recent', base, 'completed'),
      step('trim', 'old-waiting', 'enqueued', base),
    ]);
    const back = new Date(base - 91 * DAY);
    await sql`update history_jobs set finished_at = ${back}, sort_at = ${back}
      where tenant = 'trim' and id in ('old-done', 'old-failed')`.execute(
      history.db,
    );
    await sql`update history_jobs set sort_at = ${back} where tenant = 'trim' and id = 'old-waiting'`.execute(
      history.db,
    );
    expect(
      await trimHistory(history.db, { olderThanDays: 90, batchSize: 1 }),
    ).toBe(2);
    const left = await store.list({ tenant: 'trim' });
    expect(left.items.map((j) => j.id).sort()).toEqual([
      'old-waiting',
      'recent',
    ]);
    const { rows } = await sql<{
      n: number;
    }>`select count(*)::int as n from history_attempts
      where tenant = 'trim' and job_id like 'old-%'`.execute(history.db);
    expect(rows[0]?.n).toBe(0);
    expect(await trimHistory(history.db, { olderThanDays: 90 })).toBe(0);
  });

  it('trims in the background, at once and then every interval', async () => {
    await applyTransitions(
      history.db,
      job('bg-trim', 'old', Date.now(), 'completed'),
    );
    const back = new Date(Date.now() - 2 * DAY);
    await sql`update history_jobs set finished_at = ${back} where tenant = 'bg-trim'`.execute(
      history.db,
    );
    const logger = captureLogger();
    const retention = startHistoryRetention({
      db: history.db,
      logger,
      olderThanDays: 1,
      intervalMs: 50,
    });
    try {
      await waitFor(
        async () =>
          (await store.get('old', 'bg-trim')) === null ? true : undefined,
        5_000,
        'the background trim',
      );
      expect(
        logger.lines.some((l) => l.msg === 'history retention trimmed jobs'),
      ).toBe(true);
    } finally {
      await retention.stop();
    }
  });
});
