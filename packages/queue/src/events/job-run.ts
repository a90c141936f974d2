/**
 * Which run of a job this is: 0 as enqueued, one more each time `retry` or
 * a dead-letter redrive (or restoring a cancelled job) runs it again with
 * fresh attempts. Kept in the envelope (`run`), so it survives stalls and
 * crashes unchanged: a replayed attempt gets the event ids it had, a new
 * run gets new ones (its failure is news, not a replay).
 */
export function jobRun(data: unknown): number {
  const run =
    typeof data === 'object' && data !== null
      ? (data as { run?: unknown }).run
      : undefined;
  return typeof run === 'number' && Number.isInteger(run) && run > 0 ? run : 0;
}

/** The same data, as the next run's. */
export function nextRun<T>(data: T): T {
  if (typeof data !== 'object' || data === null) return data;
  return { ...data, run: jobRun(data) + 1 };
}
