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
  jobs: JobRow[],
  starts: readonly AttemptRow[],
  outcomes: readonly AttemptRow[],
): JobRow[] {
  const attempts = new Map<string, Map<string, AttemptRow>>();
  for (const rows of [starts, outcomes])
    for (const a of rows) {
      const job = `${a.tenant}\n${a.job_id}`;
      let byAttempt = attempts.get(job);
      if (!byAttempt)
        attempts.set(job, (byAttempt = new Map<string, AttemptRow>()));
      const key = `${a.run}\n${a.attempt}`;
      if (!byAttempt.get(key)?.started_at) byAttempt.set(key, a);
    }
  // The fold's own rows, completed in place: a batch holds thousands.
  for (const job of jobs) {
    const own = attempts.get(`${job.tenant}\n${job.id}`);
    let startedAt: number | null = null;
    for (const a of own?.values() ?? []) {
      const at = a.run === job.run ? time(a.started_at) : null;
      if (at !== null && (startedAt === null || at < startedAt)) startedAt = at;
    }
    const finishedAt = time(job.finished_at);
    job.attempts = own?.size ?? 0;
    job.started_at = startedAt === null ? null : new Date(startedAt);
    job.duration_ms =
      finishedAt === null || startedAt === null
        ? null
        : Math.max(0, finishedAt - startedAt);
  }
  return jobs;
}
