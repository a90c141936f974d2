import type {
  AnyJobDefinition,
  AnyRegistry,
  JobInput,
  JobResult,
} from '@conveyor/jobs';
import type { Logger } from 'pino';

export interface ProcessorContext {
  jobId: string;
  /** 1 on the first try. */
  attempt: number;
  /** Total tries allowed. */
  attempts: number;
  /** Carries the job id and name on every line. */
  logger: Logger;
  /**
   * Fires when the job is cancelled or the worker is forced to stop. Pass it
   * to fetch/timers/child work so they stop too.
   */
  signal: AbortSignal;
}

/** Gets the validated payload of one job; returns what the job's `result` schema describes. */
export type Processor<TJob extends AnyJobDefinition> = (
  payload: JobInput<TJob>,
  context: ProcessorContext,
) => Promise<JobResult<TJob>>;

/**
 * One processor per job of the registry: a missing one, an unknown name or a
 * wrong result type does not compile.
 */
export type ProcessorMap<TRegistry extends AnyRegistry> = {
  [K in keyof TRegistry['jobs']]: Processor<TRegistry['jobs'][K]>;
};
