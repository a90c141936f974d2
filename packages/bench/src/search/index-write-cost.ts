import {
  applyTransitions,
  transitionId,
  type HistoryDatabase,
  type Transition,
  type TransitionType,
} from '@conveyor/history';
import { sql, type Kysely } from 'kysely';
import { TENANTS } from './seed-history.ts';

/** The drainer's default batch (entries read and written per transaction). */
const BATCH = 2_000;
export const SEARCH_INDEXES = [
  'history_jobs_payload_search',
  'history_jobs_result_search',
] as const;

export interface DrainReading {
  phase: string;
  transitions: number;
  perSecond: number;
}

function transition(
  phase: string,
  n: number,
  type: TransitionType,
): Transition {
  const jobId = `${phase}-${n}`;
  const attempt = type === 'enqueued' ? 0 : 1;
  const base = {
    id: transitionId(jobId, 0, attempt, type),
    type,
    at: Date.now(),
    jobId,
    tenantId: TENANTS[n % TENANTS.length] ?? 't00',
    name: 'order.ship',
    queue: 'default',
    run: 0,
    attempt,
  };
  if (type === 'enqueued')
    return {
      ...base,
      payload: {
        json: {
          orderId: `o-${jobId}`,
          to: `+1415${String(n).padStart(7, '0')}`,
          amountCents: n % 100_000,
          dueAt: new Date().toISOString(),
          channel: 'web',
          customer: { email: `u${n}@example.com`, country: 'US', tier: 'gold' },
        },
        meta: { values: { dueAt: ['Date'] }, v: 1 },
      },
      enqueuedBy: 'bench',
    };
  if (type === 'started') return { ...base, worker: 'bench-worker' };
  return {
    ...base,
    durationMs: 5,
    result: {
      json: { trackingId: `TRK-${jobId}`, carrier: 'ups', delivered: true },
    },
  };
}

/**
 * Applies `count` transitions the way the drainer does (batches of 2,000,
 * one transaction each): a third enqueues with a payload, a third starts, a
 * third completions with a result. A job's enqueue lands one batch before
 * its start and completion, as it does when jobs take a moment to run.
 */
export async function measureDrain(
  db: Kysely<HistoryDatabase>,
  phase: string,
  count: number,
): Promise<DrainReading> {
  const perBatch = Math.floor(BATCH / 3);
  const groups = Math.ceil(count / 3 / perBatch);
  const group = (g: number, types: TransitionType[]) =>
    Array.from({ length: perBatch }, (_, k) => g * perBatch + k).flatMap((n) =>
      types.map((type) => transition(phase, n, type)),
    );
  let applied = 0;
  const started = performance.now();
  for (let g = 0; g <= groups; g += 1) {
    const batch = [
      ...(g < groups ? group(g, ['enqueued']) : []),
      ...(g > 0 ? group(g - 1, ['started', 'completed']) : []),
    ];
    applied += await applyTransitions(db, batch);
  }
  const seconds = (performance.now() - started) / 1_000;
  return { phase, transitions: applied, perSecond: applied / seconds };
}

export async function dropSearchIndexes(
  db: Kysely<HistoryDatabase>,
): Promise<void> {
  for (const name of SEARCH_INDEXES)
    await sql`drop index if exists ${sql.ref(name)}`.execute(db);
}

/** As the API's `ensureSearchIndexes` builds them (here without CONCURRENTLY; default maintenance_work_mem); returns seconds. */
export async function createSearchIndexes(
  db: Kysely<HistoryDatabase>,
): Promise<number> {
  const started = performance.now();
  await sql`create index if not exists history_jobs_payload_search on history_jobs using gin (payload jsonb_path_ops)`.execute(
    db,
  );
  await sql`create index if not exists history_jobs_result_search on history_jobs using gin (result jsonb_path_ops)`.execute(
    db,
  );
  return (performance.now() - started) / 1_000;
}

export interface RelationSize {
  name: string;
  bytes: number;
}

/** history_jobs (heap and TOAST) and each of its indexes. */
export async function relationSizes(
  db: Kysely<HistoryDatabase>,
): Promise<RelationSize[]> {
  const { rows } = await sql<{ name: string; bytes: string }>`
    select 'history_jobs (table + TOAST)' as name,
      (pg_table_size('history_jobs'))::text as bytes
    union all
    select indexname, pg_relation_size(quote_ident(indexname))::text
    from pg_indexes where tablename = 'history_jobs'`.execute(db);
  return rows.map((r) => ({ name: r.name, bytes: Number(r.bytes) }));
}
