import { sql, type Kysely } from 'kysely';
import type { HistoryDatabase } from './history-schema.ts';

export const DEFAULT_RETENTION_DAYS = 90;

export interface TrimHistoryOptions {
  /** Finished jobs older than this go (with their attempts); default 90. */
  olderThanDays?: number;
  /** Rows per DELETE: short transactions, no long lock; default 1,000. */
  batchSize?: number;
  /** @deprecated Ignored: no record of applied transitions is kept any more. */
  seenDays?: number;
  now?: Date;
}

const DAY_MS = 86_400_000;

/**
 * Deletes finished jobs (and, by cascade, their attempts) that finished
 * before the cutoff, a batch per statement; unfinished jobs stay whatever
 * their age. Returns how many jobs went.
 */
export async function trimHistory(
  db: Kysely<HistoryDatabase>,
  options: TrimHistoryOptions = {},
): Promise<number> {
  const now = options.now?.getTime() ?? Date.now();
  const cutoff = new Date(
    now - (options.olderThanDays ?? DEFAULT_RETENTION_DAYS) * DAY_MS,
  );
  const batch = options.batchSize ?? 1_000;
  let trimmed = 0;
  for (;;) {
    const { numAffectedRows } = await sql`
      delete from history_jobs where (tenant, id) in (
        select tenant, id from history_jobs
        where finished_at is not null and finished_at < ${cutoff}
        limit ${batch})`.execute(db);
    const n = Number(numAffectedRows ?? 0);
    trimmed += n;
    if (n < batch) break;
  }
  return trimmed;
}
