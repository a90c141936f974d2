import {
  CANCELLED_REASON_PREFIX,
  decodeEnvelope,
  type AnyJobDefinition,
  type AnyRegistry,
  type JobInput,
  type JobProgress,
  type JobResult,
  type QueueName,
} from '@conveyor/jobs';

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

type ViewOf<TJob extends AnyJobDefinition, TName extends string> = {
  id: string;
  name: TName;
  queue: QueueName;
  state: JobState;
  data: JobInput<TJob>;
  progress: JobProgress<TJob> | null;
  result: JobResult<TJob> | null;
  failedReason: string | null;
  attemptsMade: number;
  attempts: number;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
};

/** A job as callers see it; narrowing on `name` types `data`, `progress` and `result`. */
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

export const TERMINAL_STATES: ReadonlySet<JobState> = new Set([
  'completed',
  'failed',
  'cancelled',
]);

export function toJobState(
  bullState: string,
  failedReason: string | undefined,
): JobState {
  switch (bullState) {
    case 'delayed':
    case 'active':
    case 'completed':
      return bullState;
    case 'failed':
      return failedReason?.startsWith(CANCELLED_REASON_PREFIX)
        ? 'cancelled'
        : 'failed';
    default: // waiting, prioritized, waiting-children
      return 'waiting';
  }
}

/** A cancellation's reason, or the failure reason as it was thrown. */
export function cleanReason(reason: string | undefined): string | null {
  if (!reason) return null;
  return reason.startsWith(CANCELLED_REASON_PREFIX)
    ? reason.slice(CANCELLED_REASON_PREFIX.length)
    : reason;
}

/** Progress and results are stored as envelopes; anything else (BullMQ's default 0) is "none". */
export function decodeOptional(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || !('v' in value))
    return null;
  try {
    return decodeEnvelope(value).payload ?? null;
  } catch {
    return null;
  }
}
