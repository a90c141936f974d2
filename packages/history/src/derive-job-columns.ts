import type { Insertable } from 'kysely';
import type {
  HistoryAttemptsTable,
  HistoryJobsTable,
} from './history-schema.ts';

type JobRow = Insertable<HistoryJobsTable>;
type AttemptRow = Insertable<HistoryAttemptsTable>;

const time = (d: Date | null | undefined) => d?.getTime() ?? null;

/**
 * The derived columns (attempts, the run's start, its duration) of job
 * rows the batch creates, from the batch's own attempt rows: a job row that
 * did not exist has no attempts stored (they belong to it), so these are
 * what recomputing them from the table would give, without updating each
 * new row a second time. Rows that already existed are recomputed from
 * the table after the upserts. `starts` before `outcomes`, as they are
 * written: a real start wins over one inferred from a duration.
 */
export function deriveJobColumns(
  jobs: readonly JobRow[],
  starts: readonly AttemptRow[],
  outcomes: readonly AttemptRow[],
): JobRow[] {
  const attempts = new Map<string, Map<string, AttemptRow>>();
  for (const a of [...starts, ...outcomes]) {
    const job = `${a.tenant}\n${a.job_id}`;
    const byAttempt = attempts.get(job) ?? new Map<string, AttemptRow>();
    attempts.set(job, byAttempt);
    const key = `${a.run}\n${a.attempt}`;
    if (!byAttempt.get(key)?.started_at) byAttempt.set(key, a);
  }
  return jobs.map((job) => {
    const own = [...(attempts.get(`${job.tenant}\n${job.id}`)?.values() ?? [])];
    const starts = own
      .filter((a) => a.run === job.run)
      .map((a) => time(a.started_at))
      .filter((t): t is number => t !== null);
    const startedAt = starts.length > 0 ? Math.min(...starts) : null;
    const finishedAt = time(job.finished_at);
    return {
      ...job,
      attempts: own.length,
      started_at: startedAt === null ? null : new Date(startedAt),
      duration_ms:
        finishedAt === null || startedAt === null
          ? null
          : Math.max(0, finishedAt - startedAt),
    };
  });
}
