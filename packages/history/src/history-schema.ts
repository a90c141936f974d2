import type { ColumnType } from 'kysely';

/** A timestamptz: read as a Date, written as a Date. */
type Timestamp = ColumnType<Date, Date, Date>;
type NullableTimestamp = ColumnType<Date | null, Date | null, Date | null>;
/** jsonb: written as JSON text (pg would send an array as a PostgreSQL array), read parsed. */
type NullableJson = ColumnType<unknown, string | null, string | null>;

/** The job's state in history: BullMQ's states folded to what a reader asks about. */
export type HistoryState =
  'waiting' | 'active' | 'retrying' | 'completed' | 'failed' | 'cancelled';

/**
 * One row per job. `(tenant, id)` is the key: a job belongs to its tenant,
 * so another tenant's transition can never reach it. `state_key` orders the
 * transitions that set `state` (see `stateKey`): a lower key never
 * overwrites a higher one, so late or replayed transitions do not regress it.
 */
export interface HistoryJobsTable {
  tenant: string;
  id: string;
  name: string;
  queue: string;
  state: HistoryState;
  state_key: string;
  run: number;
  /** The envelope's superjson payload (`{ json, meta }`), as stored in Redis. */
  payload: NullableJson;
  /** The input version `payload` was written with (see `versions()`); null: 1, or written before versions. */
  payload_version: ColumnType<
    number | null,
    number | null | undefined,
    number | null
  >;
  /** superjson of the processor's result. */
  result: NullableJson;
  last_error: string | null;
  /** Attempts made, over every run. */
  attempts: ColumnType<number, number | undefined, number>;
  idempotency_key: string | null;
  enqueued_by: string | null;
  /** Through what the API enqueued it (`Transition.enqueuedVia`); null: not recorded. */
  enqueued_via: ColumnType<
    string | null,
    string | null | undefined,
    string | null
  >;
  /** The delay the enqueue asked for (ms); null: none, or not recorded. */
  enqueued_delay_ms: ColumnType<
    number | null,
    number | null | undefined,
    number | null
  >;
  enqueued_at: NullableTimestamp;
  /** The current run's first attempt. */
  started_at: NullableTimestamp;
  finished_at: NullableTimestamp;
  /** finished_at − started_at: the run's span, retries' waits included. */
  duration_ms: number | null;
  /** The listing order (enqueued_at, or the first transition seen): newest first. */
  sort_at: Timestamp;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

export interface HistoryAttemptsTable {
  tenant: string;
  job_id: string;
  run: number;
  attempt: number;
  started_at: NullableTimestamp;
  ended_at: NullableTimestamp;
  outcome: string | null;
  /** The `stateKey` of the transition that set `outcome`: only a higher one replaces it. */
  outcome_key: string | null;
  error: string | null;
  /** The failing attempt's stack (≤ 8 KB); null: it had none, or ran before stacks were kept. */
  stack: ColumnType<string | null, string | null | undefined, string | null>;
  worker: string | null;
}

/** What a bulk action does to each job it matches. */
export type BulkActionKind = 'retry' | 'redrive' | 'cancel' | 'delete';
export type BulkActionState = 'running' | 'completed' | 'failed';
type Json<T> = ColumnType<T, string, string>;

/**
 * One row per bulk action (`bulk.start`): who asked (subject, role, job
 * scope), what (action, filter, the preview's `listed_by` and count), and
 * how far it got. `cursor` is the last page walked, so a restarted API
 * resumes after it once `lease_until` has passed; `(tenant, key)` is unique, so a repeated start with
 * the same key finds the first.
 */
export interface HistoryBulkActionsTable {
  id: string;
  tenant: string;
  key: string | null;
  actor: string;
  role: string;
  /** The principal's job scope (null: any job). */
  scope: ColumnType<string[] | null, string | null, string | null>;
  action: BulkActionKind;
  /** The search filter, as superjson (its dates stay dates). */
  filter: Json<unknown>;
  listed_by: Timestamp;
  previewed: number | null;
  /** The preview count stopped at its cap: more than `previewed` matched. */
  previewed_capped: ColumnType<boolean, boolean | undefined, boolean>;
  matched: ColumnType<number, number | undefined, number>;
  done: ColumnType<number, number | undefined, number>;
  skipped: ColumnType<number, number | undefined, number>;
  failed: ColumnType<number, number | undefined, number>;
  /** Skips by reason: `{ "Job x is completed…": 2 }`, a few reasons at most. */
  skip_reasons: Json<Record<string, number>>;
  cursor: string | null;
  /** Until when one API process runs it; another resumes it after. */
  lease_until: NullableTimestamp;
  /** The lease holder's id, new at each claim: progress from an older holder is refused. */
  runner: string | null;
  state: BulkActionState;
  created_at: ColumnType<Date, Date | undefined, Date>;
  updated_at: ColumnType<Date, Date | undefined, Date>;
  finished_at: NullableTimestamp;
  last_error: string | null;
}

export interface HistoryDatabase {
  history_jobs: HistoryJobsTable;
  history_bulk_actions: HistoryBulkActionsTable;
  history_attempts: HistoryAttemptsTable;
}
