import {
  parseWhere,
  searchFields,
  SearchTimeoutError,
  type FieldCondition,
} from '@conveyor/core';
import { CompiledQuery, sql, type Kysely } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { z } from 'zod';
import {
  ensureSearchIndexes,
  HistoryStore,
  type HistoryDatabase,
  type HistorySearchQuery,
} from '../src/index.ts';
import { filteredJobs } from '../src/search/filtered-jobs.ts';
import { openTestHistory } from './support/test-database.ts';

const postgresUrl = inject('postgresUrl');
const ROWS = 30_000;
const T0 = Date.parse('2026-11-01T00:00:00Z');
const DAY = 86_400_000;
const NAMES = ['search.sms', 'search.mail', 'search.report'] as const;

/** The schema the seeded payloads follow: what the conditions are parsed against. */
const input = z.strictObject({
  to: z.string(),
  cents: z.number().int(),
  at: z.date(),
  channel: z.enum(['sms', 'voice']),
  urgent: z.boolean(),
  user: z.strictObject({ id: z.string() }),
});
const result = z.strictObject({ sid: z.string() });
const fields = [
  ...searchFields(input, 'data'),
  ...searchFields(result, 'result'),
];
const where = (w: Record<string, Record<string, unknown>>) =>
  parseWhere('search.sms', fields, w);

/** Row `i` of the seed, as the SQL below writes it: expectations are computed from the same rules. */
function row(i: number) {
  return {
    id: `job-${String(i).padStart(6, '0')}`,
    tenant: `t${i % 3}`,
    name: NAMES[Math.floor(i / 3) % 3],
    state: i % 7 === 0 ? 'failed' : 'completed',
    to: `+1415${String(i % 1000).padStart(4, '0')}`,
    cents: i % 500,
    at: new Date(T0 + (i % 30) * DAY).toISOString(),
    channel: i % 2 === 0 ? 'sms' : 'voice',
    urgent: i % 5 === 0,
    user: `u${i % 97}`,
    sid: `SM${i}`,
    sortAt: T0 + i * 1_000,
  };
}
type Row = ReturnType<typeof row>;
const ALL = Array.from({ length: ROWS }, (_, i) => row(i));

describe('history search over a seeded history (typed payload and result filters)', () => {
  let history: Awaited<ReturnType<typeof openTestHistory>>;
  let store: HistoryStore;
  beforeAll(async () => {
    history = await openTestHistory(postgresUrl);
    store = new HistoryStore(history.db);
    await seed(history.db);
    // The containment indexes, as the API builds them when it connects.
    const quiet = { info: () => {}, warn: () => {}, error: () => {} };
    expect(
      await ensureSearchIndexes({
        connectionString: history.url,
        specs: [],
        logger: quiet,
      }),
    ).toBe(2);
  }, 120_000);
  afterAll(() => history.close());

  const base = (
    tenant: string,
    conditions: FieldCondition[],
    extra: Partial<HistorySearchQuery> = {},
  ) => ({
    tenant,
    name: 'search.sms',
    conditions,
    from: new Date(T0),
    to: new Date(T0 + ROWS * 1_000 + DAY),
    ...extra,
  });

  async function allIds(query: HistorySearchQuery): Promise<string[]> {
    const ids: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await store.list({
        ...query,
        limit: 200,
        ...(cursor ? { cursor } : {}),
      });
      ids.push(...page.items.map((j) => j.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return ids;
  }

  const expected = (tenant: string, keep: (r: Row) => boolean) =>
    ALL.filter((r) => r.tenant === tenant && r.name === 'search.sms' && keep(r))
      .sort((a, b) => b.sortAt - a.sortAt)
      .map((r) => r.id);

  it.each([
    [
      'equality on a string',
      { 'data.to': { eq: '+14150042' } },
      (r: Row) => r.to === '+14150042',
    ],
    [
      'a number range',
      { 'data.cents': { gte: 100, lt: 110 } },
      (r: Row) => r.cents >= 100 && r.cents < 110,
    ],
    [
      'a date range',
      {
        'data.at': { gte: new Date(T0 + 3 * DAY), lte: new Date(T0 + 4 * DAY) },
      },
      (r: Row) =>
        r.at >= new Date(T0 + 3 * DAY).toISOString() &&
        r.at <= new Date(T0 + 4 * DAY).toISOString(),
    ],
    [
      'a string prefix',
      { 'data.to': { prefix: '+141509' } },
      (r: Row) => r.to.startsWith('+141509'),
    ],
    [
      'an enum and a boolean',
      { 'data.channel': { eq: 'voice' }, 'data.urgent': { eq: true } },
      (r: Row) => r.channel === 'voice' && r.urgent,
    ],
    [
      'a nested field',
      { 'data.user.id': { eq: 'u7' } },
      (r: Row) => r.user === 'u7',
    ],
    [
      'a result field',
      { 'result.sid': { eq: 'SM2997' } },
      (r: Row) => r.sid === 'SM2997',
    ],
    [
      'a number equality',
      { 'data.cents': { eq: 42 } },
      (r: Row) => r.cents === 42,
    ],
  ])(
    'finds exactly the jobs matching %s, newest first, across pages',
    async (_, w, keep) => {
      const ids = await allIds(base('t0', where(w)));
      expect(ids).toEqual(expected('t0', keep));
      expect(ids.length).toBeGreaterThan(0);
    },
  );

  it('combines typed conditions with state and error words, and counts what it lists', async () => {
    const query = base('t1', where({ 'data.cents': { lt: 250 } }), {
      state: 'failed',
      text: 'provider timeout',
    });
    const ids = await allIds(query);
    expect(ids).toEqual(
      expected('t1', (r) => r.cents < 250 && r.state === 'failed'),
    );
    expect(await store.count(query)).toEqual({
      count: ids.length,
      capped: false,
    });
    const capped = new HistoryStore(history.db, { countCap: 5 });
    expect(await capped.count(query)).toEqual({ count: 5, capped: true });
  });

  it("never returns another tenant's rows, whatever the filter", async () => {
    for (const tenant of ['t0', 't1', 't2']) {
      const ids = await allIds(
        base(tenant, where({ 'data.user.id': { eq: 'u11' } })),
      );
      expect(ids).toEqual(expected(tenant, (r) => r.user === 'u11'));
      expect(
        ids.every((id) => ALL[Number(id.slice(4))]?.tenant === tenant),
      ).toBe(true);
    }
    const none = await allIds(
      base('t9', where({ 'data.to': { prefix: '+1' } })),
    );
    expect(none).toEqual([]);
  });

  it('keeps pages stable while matching jobs are inserted', async () => {
    const query = {
      ...base('t2', where({ 'data.channel': { eq: 'sms' } })),
      to: new Date(T0 + 10 * DAY),
    };
    const first = await store.list({ ...query, limit: 50 });
    await sql`
      insert into history_jobs (tenant, id, name, queue, state, state_key, payload, sort_at)
      select 't2', 'late-' || g, 'search.sms', 'search', 'waiting', '0',
        jsonb_build_object('json', jsonb_build_object('channel', 'sms')), ${new Date(T0 + 5 * DAY)}::timestamptz + g * interval '1 ms'
      from generate_series(1, 100) g`.execute(history.db);
    const rest = await allIds({ ...query, cursor: first.nextCursor ?? '' });
    const seen = [...first.items.map((j) => j.id), ...rest];
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.filter((id) => !id.startsWith('late-'))).toEqual(
      expected('t2', (r) => r.channel === 'sms' && r.sortAt < T0 + 10 * DAY),
    );
  });

  it('answers equality from the GIN payload index (the plan, at this volume)', async () => {
    await sql`analyze history_jobs`.execute(history.db);
    const wheres: Record<string, Record<string, unknown>>[] = [
      { 'data.to': { eq: '+14150042' } },
      { 'result.sid': { eq: 'SM2997' } },
    ];
    for (const w of wheres) {
      const query = filteredJobs(history.db, base('t0', where(w)))
        .selectAll()
        .orderBy('sort_at', 'desc')
        .orderBy('id', 'desc')
        .limit(21)
        .compile();
      const { rows } = await history.db.executeQuery<{ 'QUERY PLAN': unknown }>(
        CompiledQuery.raw(`explain (format json) ${query.sql}`, [
          ...query.parameters,
        ]),
      );
      const plan = JSON.stringify(rows[0]?.['QUERY PLAN']);
      expect(plan).toMatch(/history_jobs_(payload|result)_search/);
    }
  });

  it("builds the range indexes a job declares, once, and the planner uses them for that job's ranges", async () => {
    const specs = fields
      .filter((f) => f.path === 'data.at' || f.path === 'data.cents')
      .map((field) => ({ job: 'search.sms', field }));
    const logger = { info: () => {}, warn: () => {}, error: () => {} };
    const ensure = () =>
      ensureSearchIndexes({ connectionString: history.url, specs, logger });
    expect(await ensure()).toBe(2);
    expect(await ensure()).toBe(0);
    await sql`analyze history_jobs`.execute(history.db);
    const ranges: Record<string, Record<string, unknown>>[] = [
      {
        'data.at': {
          gte: new Date(T0 + 3 * DAY),
          lt: new Date(T0 + 3 * DAY + 1),
        },
      },
      { 'data.cents': { gt: 10, lt: 12 } },
    ];
    for (const w of ranges) {
      const plan = await planOf(history.db, base('t0', where(w)));
      expect(plan).toMatch(/history_search_[0-9a-f]{16}/);
      // And the answers are the same as without an index.
      expect((await allIds(base('t0', where(w)))).length).toBeGreaterThan(0);
    }
    expect(await allIds(base('t0', where(ranges[1] ?? {})))).toEqual(
      expected('t0', (r) => r.cents > 10 && r.cents < 12),
    );
  });

  it('stops a build in progress when asked (shutdown), quietly, and the next start rebuilds what it left', async () => {
    const specs = fields
      .filter((f) => f.path === 'data.cents')
      .map((field) => ({ job: 'search.sms', field }));
    const warnings: unknown[] = [];
    const logger = {
      info: () => {},
      warn: (...args: unknown[]) => warnings.push(args),
      error: () => {},
    };
    await sql`drop index if exists history_jobs_payload_search`.execute(
      history.db,
    );
    // Another transaction holds the table so the build waits inside its
    // `create index concurrently`: the abort lands mid-build, every time.
    const holder = new pg.Client({ connectionString: history.url });
    await holder.connect();
    await holder.query('begin');
    await holder.query(
      'lock table history_jobs in share update exclusive mode',
    );
    const stop = new AbortController();
    const building = ensureSearchIndexes({
      connectionString: history.url,
      specs,
      logger,
      signal: stop.signal,
    });
    await waitForBuildBlocked(history.db);
    stop.abort();
    // It returns while the table is still held: the statement was stopped, not finished.
    expect(await building).toBe(0);
    await holder.query('rollback');
    await holder.end();
    expect(warnings).toEqual([]);
    // The next start finds the payload index missing (or left invalid) and builds it.
    expect(
      await ensureSearchIndexes({
        connectionString: history.url,
        specs,
        logger,
      }),
    ).toBeGreaterThanOrEqual(1);
    const { rows } = await sql<{ valid: boolean }>`
      select i.indisvalid as valid from pg_index i join pg_class c on c.oid = i.indexrelid
      where c.relname = 'history_jobs_payload_search'`.execute(history.db);
    expect(rows).toEqual([{ valid: true }]);
  });

  it('is cancelled by its statement timeout and says how to narrow it', async () => {
    const slow = new HistoryStore(history.db, { statementTimeoutMs: 1 });
    const query = base(
      't0',
      where({ 'data.to': { prefix: '+1' }, 'data.cents': { gte: 0 } }),
      { name: undefined },
    );
    await expect(
      slow.count({ ...query, text: 'timeout' }),
    ).rejects.toBeInstanceOf(SearchTimeoutError);
    // The pool is still good afterwards.
    expect(
      (await store.count(base('t0', where({ 'data.to': { eq: '+14150042' } }))))
        .count,
    ).toBeGreaterThan(0);
  });
});

/** Until a `create index` waits on a lock (generous: a loaded machine). */
async function waitForBuildBlocked(db: Kysely<HistoryDatabase>): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const { rows } = await sql<{ n: number }>`
      select count(*)::int as n from pg_stat_activity
      where wait_event_type = 'Lock' and query ilike 'create index concurrently%'`.execute(
      db,
    );
    if ((rows[0]?.n ?? 0) > 0) return;
    if (Date.now() > deadline) throw new Error('the build never started');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The plan PostgreSQL picks for a search's first page, as JSON text. */
async function planOf(
  db: Kysely<HistoryDatabase>,
  query: HistorySearchQuery,
): Promise<string> {
  const compiled = filteredJobs(db, query)
    .selectAll()
    .orderBy('sort_at', 'desc')
    .orderBy('id', 'desc')
    .limit(21)
    .compile();
  const { rows } = await db.executeQuery<{ 'QUERY PLAN': unknown }>(
    CompiledQuery.raw(`explain (format json) ${compiled.sql}`, [
      ...compiled.parameters,
    ]),
  );
  return JSON.stringify(rows[0]?.['QUERY PLAN']);
}

/** ROWS jobs, generated in SQL by the same rules as `row(i)`. */
async function seed(db: Kysely<HistoryDatabase>) {
  await sql`
    insert into history_jobs (tenant, id, name, queue, state, state_key, payload, result, last_error, sort_at, enqueued_at)
    select
      't' || (i % 3),
      'job-' || lpad(i::text, 6, '0'),
      (array['search.sms', 'search.mail', 'search.report'])[(i / 3) % 3 + 1],
      'search',
      case when i % 7 = 0 then 'failed' else 'completed' end,
      '0',
      jsonb_build_object(
        'json', jsonb_build_object(
          'to', '+1415' || lpad((i % 1000)::text, 4, '0'),
          'cents', i % 500,
          'at', to_char(${new Date(T0)}::timestamptz at time zone 'UTC' + (i % 30) * interval '1 day', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
          'channel', case when i % 2 = 0 then 'sms' else 'voice' end,
          'urgent', i % 5 = 0,
          'user', jsonb_build_object('id', 'u' || (i % 97))),
        'meta', jsonb_build_object('values', jsonb_build_object('at', jsonb_build_array('Date')))),
      jsonb_build_object('json', jsonb_build_object('sid', 'SM' || i)),
      case when i % 7 = 0 then 'provider timeout after 30 s' end,
      ${new Date(T0)}::timestamptz + i * interval '1 second',
      ${new Date(T0)}::timestamptz + i * interval '1 second'
    from generate_series(0, ${ROWS - 1}) i`.execute(db);
}
