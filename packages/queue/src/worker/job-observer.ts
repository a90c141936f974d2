import type {
  AttemptIdentity,
  LifecycleEvent,
} from '../events/lifecycle-event.ts';

/** What an observer learns about an attempt when it starts. */
export interface AttemptInfo extends AttemptIdentity {
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
  | { kind: 'retrying'; error: string; delayMs?: number; stack?: string }
  | { kind: 'failed'; error: string; stack?: string }
  | { kind: 'timed-out'; error: string; final: boolean }
  | { kind: 'cancelled'; reason: string };

/**
 * A job a worker handed back without running it: its input was written
 * with a newer version than the worker's contract knows (a rolling deploy
 * in progress). No attempt was spent; it runs again after `delayMs`.
 */
export interface HandBack {
  jobId: string;
  tenantId: string;
  name: string;
  queue: string;
  storedVersion: number;
  knownVersion: number;
  /** Hand-backs of this job so far. */
  count: number;
  delayMs: number;
}

/**
 * The worker's one extension point: told around every attempt of every
 * job, in the process that runs it, and of every lifecycle event (the
 * event log, metrics, tracing, history and webhooks are one each). Every
 * member is optional; the pool calls only the ones an observer has, so an
 * observer without `beforeAttempt`/`afterAttempt` costs attempts no await.
 * A member that throws (or rejects) is logged and ignored: it never
 * changes a job's outcome.
 */
export interface JobObserver {
  /** Before the attempt runs (in tracing's span, when traced). */
  beforeAttempt?(info: AttemptInfo): void | Promise<void>;
  /** After it ran, before its events and before BullMQ records it. */
  afterAttempt?(
    info: AttemptInfo,
    outcome: AttemptOutcome,
    durationMs: number,
  ): void | Promise<void>;
  /**
   * Every lifecycle event, in order. Awaited before BullMQ records the
   * attempt (so an event an observer stored is never lost to a crash).
   * Keep it cheap: it runs on the job's path.
   */
  onEvent?(event: LifecycleEvent): void | Promise<void>;
  /** A job handed back as too new (metrics); not awaited, keep it synchronous. */
  onHandBack?(handBack: HandBack): void;
}
