import type { Logger } from '@conveyor/queue';
import type { Worker } from 'bullmq';
import type { TakeableJobs } from '@conveyor/queue';

export interface ProgressWatchdogOptions {
  /** The pool's BullMQ Workers, one per queue. */
  workers: readonly Worker[];
  /** Attempts running now in this process: while any runs, nothing is stuck. */
  activeAttempts(): number;
  /** The shared connection: while it is not ready, readiness already says so. */
  redis: { readonly status: string };
  /** Asked only once no progress was seen for `stuckAfterMs`. */
  takeable: Pick<TakeableJobs, 'count'>;
  /** WORKER_STUCK_AFTER_MS. */
  stuckAfterMs: number;
  logger: Logger;
}
