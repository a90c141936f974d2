import {
  sql,
  type Insertable,
  type RawBuilder,
  type Transaction,
} from 'kysely';
import type { HistoryDatabase, HistoryJobsTable } from './history-schema.ts';
import { columnList, unnestRows, type Columns } from './unnest-rows.ts';

type JobRow = Insertable<HistoryJobsTable>;

const COLUMNS: Columns<JobRow> = [
  ['tenant', 'text'],
  ['id', 'text'],
  ['name', 'text'],
  ['queue', 'text'],
  ['state', 'text'],
  ['state_key', 'text'],
  ['run', 'integer'],
  ['payload', 'jsonb'],
  ['payload_version', 'integer'],
  ['result', 'jsonb'],
  ['last_error', 'text'],
  ['idempotency_key', 'text'],
  ['enqueued_by', 'text'],
  ['enqueued_via', 'text'],
  ['enqueued_delay_ms', 'integer'],
  ['enqueued_at', 'timestamptz'],
  ['finished_at', 'timestamptz'],
  ['sort_at', 'timestamptz'],
  // Derived: taken as given only by a new row (see `deriveJobColumns`).
  ['attempts', 'integer'],
  ['started_at', 'timestamptz'],
  ['duration_ms', 'integer'],
];

const newer = sql`excluded.state_key > history_jobs.state_key`;

/**
 * How a stored job row merges with a batch's: the state follows the higher
 * key, what the enqueue gave keeps its first value, the newest error and
 * result stay. Each rule is order-free and idempotent, so a replayed or
 * late transition leaves the row as it was.
 */
const MERGE: readonly (readonly [string, RawBuilder<unknown>])[] = [
  [
    'state',
    sql`case when ${newer} then excluded.state else history_jobs.state end`,
  ],
  ['state_key', sql`greatest(excluded.state_key, history_jobs.state_key)`],
  ['run', sql`case when ${newer} then excluded.run else history_jobs.run end`],
  [
    'finished_at',
    sql`case when ${newer} then excluded.finished_at else history_jobs.finished_at end`,
  ],
  [
    'result',
    sql`coalesce(case when ${newer} then excluded.result end, history_jobs.result, excluded.result)`,
  ],
  [
    'last_error',
    sql`coalesce(case when ${newer} then excluded.last_error end, history_jobs.last_error, excluded.last_error)`,
  ],
  ['payload', sql`coalesce(history_jobs.payload, excluded.payload)`],
  [
    'payload_version',
    sql`case when history_jobs.payload is null then excluded.payload_version else history_jobs.payload_version end`,
  ],
  [
    'idempotency_key',
    sql`coalesce(history_jobs.idempotency_key, excluded.idempotency_key)`,
  ],
  [
    'enqueued_by',
    sql`coalesce(history_jobs.enqueued_by, excluded.enqueued_by)`,
  ],
  [
    'enqueued_via',
    sql`coalesce(history_jobs.enqueued_via, excluded.enqueued_via)`,
  ],
  [
    'enqueued_delay_ms',
    sql`coalesce(history_jobs.enqueued_delay_ms, excluded.enqueued_delay_ms)`,
  ],
  [
    'enqueued_at',
    sql`coalesce(history_jobs.enqueued_at, excluded.enqueued_at)`,
  ],
  ['sort_at', sql`least(history_jobs.sort_at, excluded.sort_at)`],
];

const SET = sql.join([
  ...MERGE.map(([column, value]) => sql`${sql.ref(column)} = ${value}`),
  sql`updated_at = now()`,
]);

/** Only rows the merge changes are written (and returned): a replay writes nothing. */
const CHANGES = sql`(${sql.join(MERGE.map(([, value]) => value))}) is distinct from (${sql.join(
  MERGE.map(([column]) => sql`history_jobs.${sql.ref(column)}`),
)})`;

export interface UpsertedJobs {
  /** `tenant\njob` of the rows inserted or changed. */
  changed: Set<string>;
  /** Those of them inserted: their derived columns are already right. */
  inserted: Set<string>;
}

/**
 * Upserts a batch's job rows (folded: one per job, sorted so concurrent
 * writers lock in one order) in one statement.
 */
export async function upsertJobs(
  trx: Transaction<HistoryDatabase>,
  rows: readonly JobRow[],
): Promise<UpsertedJobs> {
  const out: UpsertedJobs = { changed: new Set(), inserted: new Set() };
  if (rows.length === 0) return out;
  const { rows: changed } = await sql<{
    tenant: string;
    id: string;
    inserted: boolean;
  }>`
    insert into history_jobs (${columnList(COLUMNS)})
    ${unnestRows(COLUMNS, rows)}
    on conflict (tenant, id) do update set ${SET}
    where ${CHANGES}
    returning tenant, id, (xmax = 0) as inserted`.execute(trx);
  for (const row of changed) {
    const key = `${row.tenant}\n${row.id}`;
    out.changed.add(key);
    if (row.inserted) out.inserted.add(key);
  }
  return out;
}
