import { sql, type Kysely } from 'kysely';
import type { HistoryDatabase } from '@conveyor/history';
import { OTHER_JOB_NAMES } from './search-registry.ts';

const CHUNK = 200_000;

/** Tenant `t00` holds 30 % of the rows (the hard case); 19 others share the rest. */
export const BIG_TENANT = 't00';
export const TENANTS = Array.from(
  { length: 20 },
  (_, i) => `t${String(i).padStart(2, '0')}`,
);
export const SEED_DAYS = 30;

const iso = (at: string) =>
  `to_char((${at}) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
const pick = (values: readonly string[]) =>
  `(array[${values.map((v) => `'${v}'`).join(',')}])[1 + floor(random() * ${values.length})::int]`;
const PHONE = `${pick(['+1415', '+1212', '+4930', '+3314', '+4420'])} || lpad(floor(random() * 10000000)::text, 7, '0')`;

const ORDER_PAYLOAD = `jsonb_build_object('json', jsonb_build_object(
  'orderId', 'o-' || g, 'to', ${PHONE}, 'amountCents', floor(random() * 100000)::int,
  'dueAt', ${iso(`at + random() * interval '14 days'`)},
  'channel', ${pick(['web', 'app', 'phone', 'partner'])},
  'customer', jsonb_build_object('email', 'user' || (g % 100000) || '@example.com',
    'country', (case when r < 0.6 then 'US' when r < 0.75 then 'DE' when r < 0.87 then 'GB' when r < 0.97 then 'FR' else 'JP' end),
    'tier', ${pick(['gold', 'silver', 'bronze'])})),
  'meta', '{"values":{"dueAt":["Date"]},"v":1}'::jsonb)`;
const SMS_PAYLOAD = `jsonb_build_object('json', jsonb_build_object('to', ${PHONE},
  'body', 'Your code is ' || floor(random() * 1000000)::int, 'priority', ${pick(['low', 'normal', 'high'])},
  'segments', 1 + floor(random() * 3)::int))`;
const OTHER_PAYLOAD = `jsonb_build_object('json', jsonb_build_object('ref', 'r-' || g, 'count', floor(random() * 500)::int))`;

const ORDER_RESULT = `jsonb_build_object('json', jsonb_build_object('trackingId', 'TRK' || g,
  'carrier', (case when r < 0.45 then 'ups' when r < 0.75 then 'dhl' when r < 0.99 then 'fedex' else 'usps' end),
  'delivered', random() < 0.9))`;
const SMS_RESULT = `jsonb_build_object('json', jsonb_build_object('providerMessageId', 'pm-' || g,
  'status', ${pick(['queued', 'sent', 'sent', 'sent', 'undelivered'])}))`;
const OTHER_RESULT = `jsonb_build_object('json', jsonb_build_object('ok', true, 'items', floor(random() * 100)::int))`;
const ERROR = `(array['connect ETIMEDOUT 10.0.0.' || floor(random() * 255)::int, 'provider rejected the number as invalid',
  'rate limited: retry after 30 seconds', 'carrier api returned 503 service unavailable',
  'template render failed: missing variable ' || ${pick(['name', 'total', 'link'])}, 'socket hang up'])[1 + floor(random() * 6)::int]
  || (case when random() < 0.01 then ' certificate expired on legacy gateway' else '' end)`;

/**
 * One chunk of rows [from, to], generated inside PostgreSQL: the tenant,
 * name, state and time are drawn once per row (middle select), the payload
 * and result built from them as superjson stores them (`{ json, meta }`).
 */
function chunkSql(from: number, to: number): string {
  const others = OTHER_JOB_NAMES.map((n) => `'${n}'`).join(',');
  return `
insert into history_jobs (tenant, id, name, queue, state, state_key, run, payload, result, last_error,
  attempts, idempotency_key, enqueued_by, enqueued_at, started_at, finished_at, duration_ms, sort_at, updated_at)
select tenant, 'j' || lpad(g::text, 8, '0'), name, 'default', state, '0:' || state, 0,
  case name when 'order.ship' then ${ORDER_PAYLOAD} when 'sms.notify' then ${SMS_PAYLOAD} else ${OTHER_PAYLOAD} end,
  case when state <> 'completed' then null when name = 'order.ship' then ${ORDER_RESULT}
    when name = 'sms.notify' then ${SMS_RESULT} else ${OTHER_RESULT} end,
  case when state in ('failed', 'retrying', 'cancelled') then ${ERROR} end,
  case when state = 'waiting' then 0 else 1 end,
  case when random() < 0.1 then 'idem-' || g end, 'bench', at,
  case when state <> 'waiting' then at + interval '1 second' end,
  case when state in ('completed', 'failed', 'cancelled') then at + interval '2 seconds' end,
  case when state in ('completed', 'failed') then floor(random() * 5000)::int end,
  at, at + interval '2 seconds'
from (
  select g, random() as r,
    case when r1 < 0.3 then '${BIG_TENANT}' else 't' || lpad((1 + floor(r2 * 19))::int::text, 2, '0') end as tenant,
    case when r3 < 0.25 then 'order.ship' when r3 < 0.55 then 'sms.notify'
      else (array[${others}])[1 + floor((r3 - 0.55) / 0.45 * ${OTHER_JOB_NAMES.length})::int] end as name,
    case when r4 < 0.85 then 'completed' when r4 < 0.92 then 'failed' when r4 < 0.95 then 'retrying'
      when r4 < 0.97 then 'cancelled' when r4 < 0.99 then 'waiting' else 'active' end as state,
    now() - r5 * interval '${SEED_DAYS} days' as at
  from (select g, random() r1, random() r2, random() r3, random() r4, random() r5
        from generate_series(${from}, ${to}) g) base
) drawn`;
}

const ATTEMPTS_SQL = `
insert into history_attempts (tenant, job_id, run, attempt, started_at, ended_at, outcome, error, worker)
select tenant, id, 0, 1, started_at, finished_at,
  case when state in ('completed', 'failed', 'retrying', 'cancelled') then state end, last_error,
  'worker-' || (abs(hashtext(id)) % 8)
from history_jobs where state <> 'waiting' and (id like '%0' or state in ('failed', 'retrying'))`;

export interface SeedTiming {
  insertSeconds: number;
  indexSeconds: Record<string, number>;
}

/**
 * Fills `history_jobs` with `rows` jobs (and an attempt for a tenth of them
 * and every failure) the fast way: secondary indexes dropped, rows made by
 * generate_series, indexes rebuilt (each timed), ANALYZE.
 */
export async function seedHistory(
  db: Kysely<HistoryDatabase>,
  rows: number,
  log: (message: string) => void,
): Promise<SeedTiming> {
  const { rows: indexes } = await sql<{ indexname: string; indexdef: string }>`
    select indexname, indexdef from pg_indexes
    where tablename = 'history_jobs' and indexname <> 'history_jobs_pk'`.execute(
    db,
  );
  for (const index of indexes)
    await sql`drop index ${sql.ref(index.indexname)}`.execute(db);
  const started = performance.now();
  for (let from = 1; from <= rows; from += CHUNK) {
    await sql.raw(chunkSql(from, Math.min(rows, from + CHUNK - 1))).execute(db);
    log(
      `  seeded ${Math.min(rows, from + CHUNK - 1).toLocaleString('en-US')} rows`,
    );
  }
  await sql.raw(ATTEMPTS_SQL).execute(db);
  const insertSeconds = (performance.now() - started) / 1_000;
  const indexSeconds: Record<string, number> = {};
  await db.connection().execute(async (conn) => {
    await sql`set maintenance_work_mem = '512MB'`.execute(conn);
    for (const index of indexes) {
      const t = performance.now();
      await sql.raw(index.indexdef).execute(conn);
      indexSeconds[index.indexname] = (performance.now() - t) / 1_000;
    }
  });
  await sql`analyze history_jobs`.execute(db);
  await sql`analyze history_attempts`.execute(db);
  return { insertSeconds, indexSeconds };
}
