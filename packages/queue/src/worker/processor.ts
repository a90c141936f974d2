import type {
  AnyJobDefinition,
  AnyRegistry,
  JobInput,
  JobProgress,
  JobResult,
} from '@conveyor/core';
import type { Logger } from 'pino';

export interface ProcessorContext<TProgress = unknown> {
  jobId: string;
  /** The tenant that enqueued the job (from its token, never from the payload). */
  tenantId: string;
  /** 1 on the first try. */
  attempt: number;
  /** Total tries allowed. */
  attempts: number;
  /** Carries the job id and name on every line. */
  logger: Logger;
  /**
   * Fires when the job is cancelled (from any process), its lock is lost, or
   * the attempt reaches its job's `timeoutMs` (reason: AttemptTimeoutError).
   * Pass it to fetch/timers/child work so they stop too; a cancelled job ends
   * `cancelled` whatever the processor returns afterwards.
   */
  signal: AbortSignal;
  /** Reports progress, checked against the job's progress schema; watchers see it live. */
  progress: (value: TProgress) => Promise<void>;
}

/** Gets the validated payload of one job; returns what the job's `result` schema describes. */
export type Processor<TJob extends AnyJobDefinition> = (
  payload: JobInput<TJob>,
  context: ProcessorContext<JobProgress<TJob>>,
) => Promise<JobResult<TJob>>;

/**
 * One processor per job of the registry: a missing one, an unknown name or a
 * wrong result type does not compile.
 */
export type ProcessorMap<TRegistry extends AnyRegistry> = {
  [K in keyof TRegistry['jobs']]: Processor<TRegistry['jobs'][K]>;
};
