import { sql, type Kysely } from 'kysely';
import type { HistoryDatabase } from './history-schema.ts';
import { withStatementTimeout } from './search/with-statement-timeout.ts';

/** Reasons kept per job name. */
export const FAILURE_REASONS_PER_JOB = 20;

export interface FailureReasonsQuery {
  tenant: string;
  name?: string;
  /** Jobs enqueued at or after. */
  from: Date;
  /** Jobs enqueued before. */
  to: Date;
}

/**
 * One failure reason of one job name: how many jobs ended failed with it
 * (their last error), how many attempts failed with it (retried ones
 * included), and when it was last seen. Reasons are grouped by their exact
 * text: errors that embed ids or times do not group.
 */
export interface FailureReason {
  name: string;
  reason: string;
  jobs: number;
  attempts: number;
  lastAt: Date | null;
}

/**
 * The top reasons per job name (by failed jobs, then failed attempts),
 * over jobs enqueued in the range. The tenant is in every part of the SQL.
 */
export function failureReasons(
  db: Kysely<HistoryDatabase>,
  query: FailureReasonsQuery,
  timeoutMs: number,
): Promise<FailureReason[]> {
  const { tenant, from, to } = query;
  const byName =
    query.name === undefined ? sql`true` : sql`j.name = ${query.name}`;
  return withStatementTimeout(db, timeoutMs, async (trx) => {
    const { rows } = await sql<FailureReason>`
      with failed_jobs as (
        select j.name, j.last_error as reason, count(*)::int as jobs, max(j.finished_at) as last_at
        from history_jobs j
        where j.tenant = ${tenant} and j.state = 'failed' and j.last_error is not null
          and j.sort_at >= ${from} and j.sort_at < ${to} and ${byName}
        group by 1, 2
      ), failed_attempts as (
        select j.name, a.error as reason, count(*)::int as attempts, max(a.ended_at) as last_at
        from history_attempts a
        join history_jobs j on j.tenant = a.tenant and j.id = a.job_id
        where a.tenant = ${tenant} and j.tenant = ${tenant}
          and a.outcome in ('retrying', 'failed') and a.error is not null
          and j.sort_at >= ${from} and j.sort_at < ${to} and ${byName}
        group by 1, 2
      ), ranked as (
        select coalesce(f.name, a.name) as name, coalesce(f.reason, a.reason) as reason,
          coalesce(f.jobs, 0) as jobs, coalesce(a.attempts, 0) as attempts,
          greatest(f.last_at, a.last_at) as last_at,
          row_number() over (
            partition by coalesce(f.name, a.name)
            order by coalesce(f.jobs, 0) desc, coalesce(a.attempts, 0) desc,
              greatest(f.last_at, a.last_at) desc nulls last, coalesce(f.reason, a.reason)
          ) as rank
        from failed_jobs f
        full join failed_attempts a on a.name = f.name and a.reason = f.reason
      )
      select name, reason, jobs, attempts, last_at as "lastAt"
      from ranked where rank <= ${FAILURE_REASONS_PER_JOB}
      order by name, rank`.execute(trx);
    return rows;
  });
}
