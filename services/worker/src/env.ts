import { QUEUES, type QueueName } from '@conveyor/jobs';
import { readEnv, SharedEnvSchema } from '@conveyor/queue';
import { z } from 'zod';

const queueNames = Object.values(QUEUES) as [QueueName, ...QueueName[]];

/** The worker's settings. The only file that reads `process.env`; `.env.example` documents each. */
export const WorkerEnvSchema = SharedEnvSchema.extend({
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(1_000).default(10),
  WORKER_SHUTDOWN_GRACE_MS: z.coerce
    .number()
    .int()
    .min(0)
    .max(3_600_000)
    .default(25_000),
  /**
   * How long a job's lock lasts between renewals, and how often stalled jobs
   * are looked for. Jobs of a worker that died (kill -9, or a shutdown past
   * its grace period) run again within about twice this.
   */
  WORKER_LOCK_DURATION_MS: z.coerce
    .number()
    .int()
    .min(1_000)
    .max(600_000)
    .default(30_000),
  /** Comma-separated subset of queues to serve (all when empty): lets queues scale apart. */
  WORKER_QUEUES: z
    .string()
    .default('')
    .transform((list) =>
      list
        .split(',')
        .map((q) => q.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.enum(queueNames))),
});

export type WorkerEnv = z.infer<typeof WorkerEnvSchema>;

/** Throws a readable message (never a stack) naming each bad variable. */
export function readWorkerEnv(
  source: NodeJS.ProcessEnv = process.env,
): WorkerEnv {
  return readEnv(WorkerEnvSchema, source);
}
