/**
 * How a dead worker's jobs come back. A running job holds a lock that its
 * worker renews every half lock; a stalled-job check (one per interval across
 * all workers) first marks the active jobs, then at the next check re-queues
 * the marked ones whose lock has lapsed. After a kill -9 the lock lapses
 * within one lock duration L, and a check with the job marked follows within
 * one interval I after that, so the job runs again within
 * `max(L, I) + I` (10 s + 5 s = 15 s at the defaults).
 */
export const DEFAULT_LOCK_DURATION_MS = 10_000;

/** Half the lock: a lapsed lock is noticed soon, at one cheap script per interval. */
export function defaultStalledInterval(lockDurationMs: number): number {
  return Math.max(100, Math.round(lockDurationMs / 2));
}

/** The worst-case delay, after a worker dies, before its active jobs run again. */
export function stallRecoveryBoundMs(
  lockDurationMs: number,
  stalledIntervalMs = defaultStalledInterval(lockDurationMs),
): number {
  return Math.max(lockDurationMs, stalledIntervalMs) + stalledIntervalMs;
}

/**
 * How many times one job may be recovered from a dead or stuck worker before
 * it fails ("job stalled more than allowable limit"). BullMQ's default is 1,
 * which fails a healthy job on its second crash or rolling deploy. Stalls do
 * not use the job's attempts; this budget only stops a job that crashes every
 * worker it lands on from cycling forever. Counted over the job's life.
 */
export const DEFAULT_MAX_STALLS = 10;

/**
 * Whether BullMQ failed a job for stalling more than `maxStalledCount`
 * times: it does so as the job is fetched, so no processor (and no attempt
 * hook) ever sees it.
 */
export function isStallLimitFailure(error: Error): boolean {
  return error.message.includes('stalled more than allowable limit');
}
