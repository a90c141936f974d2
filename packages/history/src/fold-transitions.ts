import type { Insertable } from 'kysely';
import type {
  HistoryAttemptsTable,
  HistoryJobsTable,
} from './history-schema.ts';
import { storableSuperjson } from './sanitize-transition.ts';
import {
  isTerminal,
  STATE_OF,
  stateKey,
  type Transition,
} from './transition.ts';

type JobRow = Insertable<HistoryJobsTable>;
type AttemptRow = Insertable<HistoryAttemptsTable>;

const byKey = <T>(rows: Map<string, T>) =>
  [...rows.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, row]) => row);

/**
 * One row per job from a batch's transitions: the highest `stateKey` sets
 * the state, the enqueue gives payload and key, the newest error stays.
 * PostgreSQL's upsert then merges it with what is stored by the same
 * rules. Rows come sorted by key, so concurrent writers lock in one order.
 */
export function foldJobs(transitions: readonly Transition[]): JobRow[] {
  const rows = new Map<
    string,
    JobRow & { errorKey: string; resultKey: string }
  >();
  for (const t of transitions) {
    const key = stateKey(t);
    const pk = `${t.tenantId}\n${t.jobId}`;
    const row = rows.get(pk) ?? {
      tenant: t.tenantId,
      id: t.jobId,
      name: t.name,
      queue: t.queue,
      state: STATE_OF[t.type],
      state_key: '',
      run: t.run,
      payload: null,
      payload_version: null,
      result: null,
      last_error: null,
      idempotency_key: null,
      enqueued_by: null,
      enqueued_via: null,
      enqueued_delay_ms: null,
      enqueued_at: null,
      finished_at: null,
      sort_at: new Date(t.at),
      errorKey: '',
      resultKey: '',
    };
    rows.set(pk, row);
    if (key > row.state_key) {
      row.state = STATE_OF[t.type];
      row.state_key = key;
      row.run = t.run;
      row.finished_at = isTerminal(t.type) ? new Date(t.at) : null;
    }
    if (t.at < row.sort_at.getTime()) row.sort_at = new Date(t.at);
    if (t.type === 'enqueued') {
      // First value wins, as the upsert's coalesce does: a later run's
      // enqueue (which carries none) must not erase the first one's.
      if (t.payload !== undefined && row.payload === null) {
        row.payload = JSON.stringify(t.payload);
        row.payload_version = t.payloadVersion ?? null;
      }
      row.idempotency_key ??= t.idempotencyKey ?? null;
      row.enqueued_by ??= t.enqueuedBy ?? null;
      row.enqueued_via ??= t.enqueuedVia ?? null;
      row.enqueued_delay_ms ??= t.delayMs ?? null;
      row.enqueued_at ??= new Date(t.at);
    }
    if (t.error !== undefined && key > row.errorKey) {
      row.last_error = t.error;
      row.errorKey = key;
    }
    if (t.type === 'completed' && key > row.resultKey) {
      row.result = storableSuperjson(t.result);
      row.resultKey = key;
    }
  }
  // The marks stay on the rows: only the table's columns are written.
  return byKey(rows);
}

/** Attempt rows from `started` transitions: when and where each began. */
export function foldStarts(transitions: readonly Transition[]): AttemptRow[] {
  const rows = new Map<string, AttemptRow>();
  for (const t of transitions) {
    if (t.type !== 'started') continue;
    const pk = `${t.tenantId}\n${t.jobId}\n${t.run}\n${t.attempt}`;
    // The earliest start of an attempt that ran again after a stall.
    const earlier = rows.get(pk)?.started_at;
    if (earlier && earlier.getTime() <= t.at) continue;
    rows.set(pk, {
      tenant: t.tenantId,
      job_id: t.jobId,
      run: t.run,
      attempt: t.attempt,
      started_at: new Date(t.at),
      worker: t.worker ?? null,
    });
  }
  return byKey(rows);
}

/**
 * Attempt rows from outcomes: how each ended. The start is inferred from
 * the duration, for an outcome whose `started` has not arrived (yet).
 */
export function foldOutcomes(transitions: readonly Transition[]): AttemptRow[] {
  const rows = new Map<string, AttemptRow & { key: string }>();
  for (const t of transitions) {
    if (t.type === 'enqueued' || t.type === 'started' || t.attempt < 1)
      continue;
    const pk = `${t.tenantId}\n${t.jobId}\n${t.run}\n${t.attempt}`;
    const key = stateKey(t);
    if ((rows.get(pk)?.key ?? '') > key) continue;
    rows.set(pk, {
      key,
      tenant: t.tenantId,
      job_id: t.jobId,
      run: t.run,
      attempt: t.attempt,
      started_at:
        t.durationMs === undefined ? null : new Date(t.at - t.durationMs),
      ended_at: new Date(t.at),
      outcome: t.type,
      outcome_key: key,
      error: t.error ?? null,
      stack: t.stack ?? null,
      worker: t.worker ?? null,
    });
  }
  return byKey(rows);
}
