import { sql, type Kysely, type Transaction } from 'kysely';
import type { HistoryDatabase } from './history-schema.ts';
import { foldJobs, foldOutcomes, foldStarts } from './fold-transitions.ts';
import { sanitizeTransition } from './sanitize-transition.ts';
import type { Transition } from './transition.ts';

type Trx = Transaction<HistoryDatabase>;

/** Rows per statement: far under PostgreSQL's 65,535 parameters. */
const CHUNK = 1_000;

function chunks<T>(rows: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += CHUNK)
    out.push(rows.slice(i, i + CHUNK));
  return out;
}

/**
 * Writes a batch of transitions in one transaction. Idempotent: each id is
 * recorded in `history_transitions_seen`, and a replayed one is skipped.
 * Order-free: the job's state follows the highest `stateKey`, whatever
 * order transitions arrive in. Returns how many were new.
 */
export async function applyTransitions(
  db: Kysely<HistoryDatabase>,
  transitions: readonly Transition[],
): Promise<number> {
  // Made storable first: one NUL or huge error must not cost the whole step.
  const unique = [
    ...new Map(
      transitions.map(sanitizeTransition).map((t) => [t.id, t]),
    ).values(),
  ];
  if (unique.length === 0) return 0;
  return db.transaction().execute(async (trx) => {
    const fresh = await markSeen(
      trx,
      unique.map((t) => t.id),
    );
    const todo = unique.filter((t) => fresh.has(t.id));
    if (todo.length === 0) return 0;
    await upsertJobs(trx, todo);
    await upsertAttempts(trx, todo);
    await refreshJobs(trx, todo);
    return todo.length;
  });
}

async function markSeen(trx: Trx, ids: string[]): Promise<Set<string>> {
  const fresh = new Set<string>();
  // Sorted: two writers given overlapping batches lock ids in one order.
  for (const part of chunks([...ids].sort())) {
    const rows = await trx
      .insertInto('history_transitions_seen')
      .values(part.map((id) => ({ id })))
      .onConflict((oc) => oc.column('id').doNothing())
      .returning('id')
      .execute();
    for (const row of rows) fresh.add(row.id);
  }
  return fresh;
}

const newer = sql<boolean>`excluded.state_key > history_jobs.state_key`;

async function upsertJobs(trx: Trx, todo: Transition[]): Promise<void> {
  for (const part of chunks(foldJobs(todo))) {
    await trx
      .insertInto('history_jobs')
      .values(part)
      .onConflict((oc) =>
        oc.columns(['tenant', 'id']).doUpdateSet({
          state: sql`case when ${newer} then excluded.state else history_jobs.state end`,
          state_key: sql`greatest(excluded.state_key, history_jobs.state_key)`,
          run: sql`case when ${newer} then excluded.run else history_jobs.run end`,
          finished_at: sql`case when ${newer} then excluded.finished_at else history_jobs.finished_at end`,
          result: sql`coalesce(case when ${newer} then excluded.result end, history_jobs.result, excluded.result)`,
          last_error: sql`coalesce(case when ${newer} then excluded.last_error end, history_jobs.last_error, excluded.last_error)`,
          payload: sql`coalesce(history_jobs.payload, excluded.payload)`,
          payload_version: sql`case when history_jobs.payload is null then excluded.payload_version else history_jobs.payload_version end`,
          idempotency_key: sql`coalesce(history_jobs.idempotency_key, excluded.idempotency_key)`,
          enqueued_by: sql`coalesce(history_jobs.enqueued_by, excluded.enqueued_by)`,
          enqueued_via: sql`coalesce(history_jobs.enqueued_via, excluded.enqueued_via)`,
          enqueued_delay_ms: sql`coalesce(history_jobs.enqueued_delay_ms, excluded.enqueued_delay_ms)`,
          enqueued_at: sql`coalesce(history_jobs.enqueued_at, excluded.enqueued_at)`,
          sort_at: sql`least(history_jobs.sort_at, excluded.sort_at)`,
          updated_at: sql`now()`,
        }),
      )
      .execute();
  }
}

/** Rows stored before outcome keys (or by a start alone) have none: any outcome wins. */
const newerOutcome = sql<boolean>`(history_attempts.outcome_key is null or excluded.outcome_key > history_attempts.outcome_key)`;

async function upsertAttempts(trx: Trx, todo: Transition[]): Promise<void> {
  for (const part of chunks(foldStarts(todo))) {
    await trx
      .insertInto('history_attempts')
      .values(part)
      .onConflict((oc) =>
        oc.columns(['tenant', 'job_id', 'run', 'attempt']).doUpdateSet({
          started_at: sql`excluded.started_at`,
          worker: sql`coalesce(excluded.worker, history_attempts.worker)`,
        }),
      )
      .execute();
  }
  for (const part of chunks(foldOutcomes(todo))) {
    await trx
      .insertInto('history_attempts')
      .values(part)
      .onConflict((oc) =>
        oc.columns(['tenant', 'job_id', 'run', 'attempt']).doUpdateSet({
          started_at: sql`coalesce(history_attempts.started_at, excluded.started_at)`,
          ended_at: sql`case when ${newerOutcome} then excluded.ended_at else history_attempts.ended_at end`,
          outcome: sql`case when ${newerOutcome} then excluded.outcome else history_attempts.outcome end`,
          outcome_key: sql`case when ${newerOutcome} then excluded.outcome_key else history_attempts.outcome_key end`,
          error: sql`case when ${newerOutcome} then excluded.error else history_attempts.error end`,
          stack: sql`case when ${newerOutcome} then excluded.stack else history_attempts.stack end`,
          worker: sql`coalesce(history_attempts.worker, excluded.worker)`,
        }),
      )
      .execute();
  }
}

/** Derived columns, recomputed from the attempts: a replay cannot count twice. */
async function refreshJobs(trx: Trx, todo: Transition[]): Promise<void> {
  const jobs = [
    ...new Map(todo.map((t) => [`${t.tenantId}\n${t.jobId}`, t])).values(),
  ];
  const tenants = jobs.map((t) => t.tenantId);
  const ids = jobs.map((t) => t.jobId);
  await sql`
    update history_jobs j set
      attempts = s.attempts,
      started_at = s.started_at,
      duration_ms = case
        when j.finished_at is null or s.started_at is null then null
        else greatest(0, round(extract(epoch from j.finished_at - s.started_at) * 1000))::int
      end
    from (
      select j2.tenant, j2.id,
        count(a.attempt)::int as attempts,
        min(a.started_at) filter (where a.run = j2.run) as started_at
      from history_jobs j2
      left join history_attempts a on a.tenant = j2.tenant and a.job_id = j2.id
      where (j2.tenant, j2.id) in (select * from unnest(${tenants}::text[], ${ids}::text[]))
      group by j2.tenant, j2.id, j2.run
    ) s
    where j.tenant = s.tenant and j.id = s.id`.execute(trx);
}
