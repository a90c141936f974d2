import type { AttemptRecord } from '@conveyor/core';

/** A row as the worker writes it; `waitedMs` is derived when rows are read. */
export type AttemptRow = Omit<AttemptRecord, 'waitedMs'>;

/**
 * Attempt history: each failed attempt, and the completing attempt of a job
 * that was retried, is one JSON row in the job's BullMQ log (a list beside
 * the job, trimmed by `keepLogs`). The worker writes rows, readers parse
 * them; this module is the only one that knows the format.
 */
export function formatAttempt(row: AttemptRow): string {
  return JSON.stringify(row);
}

/**
 * Rows in attempt order, each with the wait before it (its start minus the
 * previous row's end). Log rows that are not attempt records (a processor
 * may log too) are skipped.
 */
export function parseAttempts(rows: readonly string[]): AttemptRecord[] {
  const records: AttemptRecord[] = [];
  for (const row of rows) {
    const value = parseRow(row);
    if (!value) continue;
    const previous = records.at(-1);
    const waitedMs =
      previous && value.startedAt
        ? Date.parse(value.startedAt) - Date.parse(previous.at)
        : null;
    records.push({ ...value, waitedMs });
  }
  return records;
}

function parseRow(row: string): AttemptRow | null {
  try {
    const value = JSON.parse(row) as Partial<AttemptRow>;
    if (typeof value.attempt !== 'number' || typeof value.at !== 'string')
      return null;
    if (typeof value.error !== 'string' && value.error !== null) return null;
    return {
      attempt: value.attempt,
      ...(typeof value.startedAt === 'string'
        ? { startedAt: value.startedAt }
        : {}),
      at: value.at,
      error: value.error,
    };
  } catch {
    return null;
  }
}
