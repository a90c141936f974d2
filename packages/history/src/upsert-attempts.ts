import {
  sql,
  type Insertable,
  type RawBuilder,
  type Transaction,
} from 'kysely';
import type {
  HistoryAttemptsTable,
  HistoryDatabase,
} from './history-schema.ts';
import { columnList, unnestRows, type Columns } from './unnest-rows.ts';

type AttemptRow = Insertable<HistoryAttemptsTable>;
type Merge = readonly (readonly [string, RawBuilder<unknown>])[];

const KEY: Columns<AttemptRow> = [
  ['tenant', 'text'],
  ['job_id', 'text'],
  ['run', 'integer'],
  ['attempt', 'integer'],
];

const START_COLUMNS: Columns<AttemptRow> = [
  ...KEY,
  ['started_at', 'timestamptz'],
  ['worker', 'text'],
];

const OUTCOME_COLUMNS: Columns<AttemptRow> = [
  ...START_COLUMNS,
  ['ended_at', 'timestamptz'],
  ['outcome', 'text'],
  ['outcome_key', 'text'],
  ['error', 'text'],
  ['stack', 'text'],
];

/**
 * The earliest start wins, and its worker with it: an attempt that stalled
 * and ran again sends a second `started` under the same id, and a replayed
 * batch must not move the start back and forth. A real start still replaces
 * one inferred from an outcome's duration (`at − durationMs` is never
 * earlier than the real start it was measured from).
 */
const START_MERGE: Merge = [
  ['started_at', sql`least(history_attempts.started_at, excluded.started_at)`],
  [
    'worker',
    sql`case when history_attempts.started_at is null or excluded.started_at <= history_attempts.started_at then coalesce(excluded.worker, history_attempts.worker) else history_attempts.worker end`,
  ],
];

/** Rows stored before outcome keys (or by a start alone) have none: any outcome wins. */
const newerOutcome = sql`(history_attempts.outcome_key is null or excluded.outcome_key > history_attempts.outcome_key)`;

const OUTCOME_MERGE: Merge = [
  [
    'started_at',
    sql`coalesce(history_attempts.started_at, excluded.started_at)`,
  ],
  ...['ended_at', 'outcome', 'outcome_key', 'error', 'stack'].map(
    (column) =>
      [
        column,
        sql`case when ${newerOutcome} then excluded.${sql.ref(column)} else history_attempts.${sql.ref(column)} end`,
      ] as const,
  ),
  ['worker', sql`coalesce(history_attempts.worker, excluded.worker)`],
];

/**
 * Upserts a batch's attempts: one statement for the starts, one for the
 * outcomes (each skipped when there are none). Returns the
 * `tenant\njob\nrun\nattempt` keys of the rows inserted or changed.
 */
export async function upsertAttempts(
  trx: Transaction<HistoryDatabase>,
  starts: readonly AttemptRow[],
  outcomes: readonly AttemptRow[],
): Promise<Set<string>> {
  const changed = new Set<string>();
  for (const [columns, merge, rows] of [
    [START_COLUMNS, START_MERGE, starts],
    [OUTCOME_COLUMNS, OUTCOME_MERGE, outcomes],
  ] as const) {
    if (rows.length === 0) continue;
    const { rows: written } = await sql<{
      tenant: string;
      job_id: string;
      run: number;
      attempt: number;
    }>`
      insert into history_attempts (${columnList(columns)})
      ${unnestRows(columns, rows)}
      on conflict (tenant, job_id, run, attempt) do update
      set ${sql.join(merge.map(([column, value]) => sql`${sql.ref(column)} = ${value}`))}
      where (${sql.join(merge.map(([, value]) => value))}) is distinct from (${sql.join(
        merge.map(([column]) => sql`history_attempts.${sql.ref(column)}`),
      )})
      returning tenant, job_id, run, attempt`.execute(trx);
    for (const r of written)
      changed.add(`${r.tenant}\n${r.job_id}\n${r.run}\n${r.attempt}`);
  }
  return changed;
}
