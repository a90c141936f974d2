import { sql, type Kysely, type Transaction } from 'kysely';
import { deriveJobColumns } from './derive-job-columns.ts';
import { foldJobs, foldOutcomes, foldStarts } from './fold-transitions.ts';
import type { HistoryDatabase } from './history-schema.ts';
import { sanitizeTransition } from './sanitize-transition.ts';
import type { Transition } from './transition.ts';
import { upsertAttempts } from './upsert-attempts.ts';
import { upsertJobs } from './upsert-jobs.ts';

type Trx = Transaction<HistoryDatabase>;

const jobKey = (t: Transition) => `${t.tenantId}\n${t.jobId}`;
const attemptKey = (t: Transition) =>
  `${t.tenantId}\n${t.jobId}\n${t.run}\n${t.attempt}`;

/** As `foldStarts` and `foldOutcomes` choose: the transitions an attempt row records. */
const hasAttemptRow = (t: Transition) =>
  t.type === 'started' || (t.type !== 'enqueued' && t.attempt >= 1);

/**
 * Writes a batch of transitions in one transaction: one statement per
 * table (two for attempts when starts are recorded), then the derived
 * columns of job rows that existed before (new rows get theirs from the
 * batch). Idempotent without a record of ids: every merge only
 * moves a row to a newer key or fills what is empty, and a row the merge
 * would not change is not written, so a replay changes nothing.
 * Order-free: the job's state follows the highest `stateKey`, whatever
 * order transitions arrive in. Returns how many of the batch changed
 * their row (an attempt's; an enqueue's, its job's): a replay, or an
 * outcome lower than the one stored, counts none.
 */
export async function applyTransitions(
  db: Kysely<HistoryDatabase>,
  transitions: readonly Transition[],
): Promise<number> {
  // Made storable first: one NUL or huge error must not cost the whole step.
  const byId = new Map<string, Transition>();
  for (const t of transitions.map(sanitizeTransition)) {
    // An attempt that stalled and ran again starts twice under one id: the
    // first start is the one kept (START_MERGE in upsert-attempts.ts).
    const seen = byId.get(t.id);
    if (seen?.type === 'started' && seen.at <= t.at) continue;
    byId.set(t.id, t);
  }
  const unique = [...byId.values()];
  if (unique.length === 0) return 0;
  const starts = foldStarts(unique);
  const outcomes = foldOutcomes(unique);
  const rows = deriveJobColumns(foldJobs(unique), starts, outcomes);
  return db.transaction().execute(async (trx) => {
    const jobs = await upsertJobs(trx, rows);
    const attempts = await upsertAttempts(trx, starts, outcomes);
    const touched = unique.filter((t) =>
      hasAttemptRow(t)
        ? attempts.has(attemptKey(t))
        : jobs.changed.has(jobKey(t)),
    );
    const stale = touched.filter((t) => !jobs.inserted.has(jobKey(t)));
    if (stale.length > 0) await refreshJobs(trx, stale);
    return touched.length;
  });
}

/** Derived columns, recomputed from the attempts: a replay cannot count twice. */
async function refreshJobs(trx: Trx, todo: Transition[]): Promise<void> {
  const jobs = [...new Map(todo.map((t) => [jobKey(t), t])).values()];
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
