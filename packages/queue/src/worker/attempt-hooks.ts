/** What a hook learns about an attempt when it starts. */
export interface AttemptInfo {
  jobId: string;
  /** The tenant that enqueued the job. */
  tenantId: string;
  name: string;
  queue: string;
  /** 0 as enqueued, +1 per retry or redrive (which start attempts again at 1). */
  run: number;
  /** 1 on the first try. */
  attempt: number;
  /** Total tries allowed. */
  attempts: number;
  /** When the attempt started (ms since the epoch). */
  startedAt: number;
  /**
   * When the job could first run (enqueued, plus its delay: a fired tick's
   * due time), on the first attempt of its first run only: a retry's wait
   * is its backoff, and a redriven job keeps its old enqueue time.
   */
  readyAt?: number;
}

/**
 * How an attempt ended. `retrying` = failed, with attempts left (`delayMs`
 * when the processor asked for its own wait, a RetryLaterError); `timed-out`
 * = outlived the job's `timeoutMs`, `final` when no attempt is left.
 */
export type AttemptOutcome =
  | { kind: 'completed'; result: unknown }
  | { kind: 'retrying'; error: string; delayMs?: number }
  | { kind: 'failed'; error: string }
  | { kind: 'timed-out'; error: string; final: boolean }
  | { kind: 'cancelled'; reason: string };

/**
 * The worker's hook point: called around every attempt of every job, in the
 * process that runs it. Metrics, tracing and job history plug in here. A hook
 * that throws is logged and ignored: it never changes a job's outcome.
 */
export interface AttemptHooks {
  beforeAttempt?(info: AttemptInfo): void | Promise<void>;
  afterAttempt?(
    info: AttemptInfo,
    outcome: AttemptOutcome,
    durationMs: number,
  ): void | Promise<void>;
}
