import type {
  AnyJobDefinition,
  JobInput,
  JobProgress,
  JobResult,
} from './define-job.ts';
import type { DeduplicateMode } from './flow.ts';
import type { QueueName } from './queue-name.ts';
import type { AnyRegistry } from './registry.ts';

/**
 * Conveyor's job states. BullMQ's own names (prioritized, waiting-children,
 * …) do not leak: a job in backoff between attempts is `delayed`.
 */
export const JOB_STATES = [
  'waiting',
  'delayed',
  'active',
  'completed',
  'failed',
  'cancelled',
] as const;
export type JobState = (typeof JOB_STATES)[number];

export const TERMINAL_STATES: ReadonlySet<JobState> = new Set([
  'completed',
  'failed',
  'cancelled',
]);

/** What every job view has, whatever its job; `JobView` puts the job's types on it. */
export interface JobViewBase<
  TName extends string = string,
  TProgress = unknown,
  TResult = unknown,
> {
  id: string;
  name: TName;
  queue: QueueName;
  state: JobState;
  progress: TProgress | null;
  result: TResult | null;
  failedReason: string | null;
  attemptsMade: number;
  attempts: number;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  /**
   * True when Redis no longer holds the job (retention removed it) and this
   * view comes from job history: `progress` is then null. Absent otherwise.
   */
  archived?: true;
  /**
   * How the job was deduplicated (its job's `deduplicate` spec): the mode,
   * the key its input gave, and how many other enqueues it stands for (they
   * joined it, or it replaced their waiting job). Absent without one.
   */
  deduplication?: JobDeduplication;
  /**
   * Why a `waiting` job has not started, when flow control knows, or why a
   * `waiting`/`delayed` job was handed back (`reason: 'version'`) (`jobs.get`
   * only): absent for a job neither holds, and in any other state.
   */
  waitingFor?: WaitingFor;
  /**
   * Which input version the payload was stored with, and the version this
   * API's contract writes now: present only when either is above 1, so
   * views of jobs that never changed their input stay as they were. `data`
   * is upcast to `current` when `stored` is older; a payload of a newer
   * version (`stored > current`) is shown as stored.
   */
  payloadVersion?: PayloadVersion;
}

/** A stored payload's input version beside the reading contract's. */
export interface PayloadVersion {
  stored: number;
  current: number;
}

/**
 * What a waiting job waits for. Under flow control: `fair-share`: its
 * tenant's turn (other tenants' jobs go first, by weight); `concurrency`:
 * a slot of its key (`key`); `rate-limit`: its key's rate; `dispatched`: it
 * left flow control and waits for a free worker like any job. For any job:
 * `version`: its input was written with a version newer than the worker
 * that took it knows (`storedVersion` > `knownVersion`), so that worker put
 * it back, delayed, without spending an attempt; it waits for a worker that
 * knows the version (a rolling deploy not finished yet).
 */
export interface WaitingFor {
  reason:
    'fair-share' | 'concurrency' | 'rate-limit' | 'dispatched' | 'version';
  /** The job's flow key (its per-key limits'), null for a job without one (always null for `version`). */
  key: string | null;
  /** While held: its place among its tenant's jobs of the same job and key (1 = next). */
  position?: number;
  /**
   * `concurrency` / `rate-limit`: when its key is next tried (a slot may free
   * sooner); `version`: when it is offered to the workers again.
   */
  retryAt?: Date;
  /** `version`: the input version the job's payload was written with. */
  storedVersion?: number;
  /** `version`: the newest input version the worker that handed it back knows. */
  knownVersion?: number;
  /** `version`: how many times workers have handed this job back so far. */
  handBacks?: number;
}

/** A deduplicated job's mode and key (the tenant's own data), and the enqueues it absorbed. */
export interface JobDeduplication {
  mode: DeduplicateMode;
  key: string;
  absorbed: number;
}

/**
 * A job's data is what its processor received. A job whose stored data is
 * not a Conveyor envelope (written by another tool, or corrupted) is still
 * shown, honestly: `data` is null and `dataError` says why.
 */
type ViewOf<TJob extends AnyJobDefinition, TName extends string> = JobViewBase<
  TName,
  JobProgress<TJob>,
  JobResult<TJob>
> &
  (
    | { data: JobInput<TJob>; dataError: null }
    | { data: null; dataError: string }
  );

/** A job as callers see it; narrowing on `name` (then `dataError`) types `data`, `progress` and `result`. */
export type JobView<TRegistry extends AnyRegistry> = {
  [K in keyof TRegistry['jobs'] & string]: ViewOf<TRegistry['jobs'][K], K>;
}[keyof TRegistry['jobs'] & string];

type EventOf<TJob extends AnyJobDefinition, TName extends string> =
  | {
      jobId: string;
      name: TName;
      type: 'progress';
      progress: JobProgress<TJob>;
    }
  | { jobId: string; name: TName; type: 'completed'; result: JobResult<TJob> }
  | { jobId: string; name: TName; type: 'failed'; reason: string }
  | { jobId: string; name: TName; type: 'cancelled'; reason: string };

/** What `jobs.watch` yields; the last one is always completed, failed or cancelled. */
export type JobEvent<TRegistry extends AnyRegistry> = {
  [K in keyof TRegistry['jobs'] & string]: EventOf<TRegistry['jobs'][K], K>;
}[keyof TRegistry['jobs'] & string];

/**
 * A tenant's jobs per queue: `waiting`, `delayed` and `active` count its
 * unfinished jobs now; `completed`, `failed` and `cancelled` are totals
 * since its first job (retention removes finished jobs, the totals stay).
 * A cancelled job counts as cancelled, never as failed.
 */
export type QueueStats<TQueue extends QueueName = QueueName> = Record<
  TQueue,
  QueueCounts
>;

/**
 * One queue's counts for a tenant; `held` is how many of its `waiting` jobs
 * flow control still holds (fair share, per-key concurrency, rate limits):
 * not yet handed to workers.
 */
export type QueueCounts = Record<JobState, number> & { held: number };

/** A page of a newest-first listing. */
export interface ListPage<T> {
  items: T[];
  /** Pass back to get the next page; null at the end. */
  nextCursor: string | null;
}

/** One failed attempt, as dead letters show it. */
export interface AttemptRecord {
  attempt: number;
  /** ISO time the attempt started (absent on rows written before it was kept). */
  startedAt?: string;
  /** ISO time the attempt ended. */
  at: string;
  /** Why it failed; null for the attempt that completed. */
  error: string | null;
  /**
   * How long the job waited between the previous attempt's end and this
   * one's start: the backoff it actually got (plus pickup). Null for the
   * first attempt, or when either time is unknown.
   */
  waitedMs: number | null;
}

/** A job that used up its attempts (or failed unrecoverably), with why, attempt by attempt. */
export type DeadLetter<TRegistry extends AnyRegistry> = JobView<TRegistry> & {
  history: AttemptRecord[];
};
