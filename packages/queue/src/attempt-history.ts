import type { AttemptRecord } from '@conveyor/jobs';

/**
 * Attempt history: each failed attempt is one JSON row in the job's BullMQ
 * log (a list beside the job, trimmed by `keepLogs`). The worker writes rows,
 * dead letters read them; this module is the only one that knows the format.
 */
export function formatAttempt(record: AttemptRecord): string {
  return JSON.stringify(record);
}

/** Log rows that are not attempt records (a processor may log too) are skipped. */
export function parseAttempts(rows: readonly string[]): AttemptRecord[] {
  return rows.flatMap((row) => {
    try {
      const value = JSON.parse(row) as Partial<AttemptRecord>;
      return typeof value.attempt === 'number' &&
        typeof value.at === 'string' &&
        typeof value.error === 'string'
        ? [{ attempt: value.attempt, at: value.at, error: value.error }]
        : [];
    } catch {
      return [];
    }
  });
}
