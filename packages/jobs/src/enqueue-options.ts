import type { JobsOptions } from 'bullmq';
import { z } from 'zod';
import type { RuntimeJob } from './define-job.ts';

/** Further out than this is a scheduling problem, not a delayed job. */
export const MAX_DELAY_MS = 365 * 24 * 60 * 60 * 1_000;
/** BullMQ orders by priority with lower numbers first; Conveyor exposes 1 (first) … 1000. */
export const MAX_PRIORITY = 1_000;
export const MAX_BACKOFF_DELAY_MS = 60 * 60 * 1_000;

/**
 * What a caller may ask of one enqueue. Attempts are further bounded per job
 * (`limits.maxAttempts`), checked in the registry's request schema.
 */
export const EnqueueOptionsSchema = z
  .object({
    /** Run no sooner than this many ms from now. */
    delay: z.number().int().min(0).max(MAX_DELAY_MS).optional(),
    /** Run no sooner than this time (a past time means now). */
    runAt: z.date().optional(),
    /** 1 runs first; jobs without a priority run after prioritized ones. */
    priority: z.number().int().min(1).max(MAX_PRIORITY).optional(),
    attempts: z.number().int().min(1).optional(),
    backoff: z
      .object({
        type: z.enum(['fixed', 'exponential']),
        delay: z.number().int().min(0).max(MAX_BACKOFF_DELAY_MS),
        jitter: z.number().min(0).max(1).optional(),
      })
      .strict()
      .optional(),
    /**
     * The same key with the same payload returns the same job id for the
     * job's `limits.idempotencyTtlMs`; with another payload it is a conflict.
     */
    idempotencyKey: z.string().min(1).max(256).optional(),
  })
  .strict()
  .refine((o) => o.delay === undefined || o.runAt === undefined, {
    message: 'Give either delay or runAt, not both',
    path: ['runAt'],
  })
  .refine(
    (o) =>
      o.runAt === undefined || o.runAt.getTime() - Date.now() <= MAX_DELAY_MS,
    { message: 'runAt is more than a year away', path: ['runAt'] },
  );

export type EnqueueOptions = z.output<typeof EnqueueOptionsSchema>;

/** The BullMQ options for one job: platform/job defaults, then what the caller asked. */
export function toJobsOptions(
  job: RuntimeJob,
  options: EnqueueOptions | undefined,
  jobId: string,
  now = Date.now(),
): JobsOptions {
  const jobOptions: JobsOptions = { ...job.defaults, jobId };
  if (!options) return jobOptions;
  const delay =
    options.runAt !== undefined
      ? Math.max(0, options.runAt.getTime() - now)
      : options.delay;
  if (delay) jobOptions.delay = delay;
  if (options.priority !== undefined) jobOptions.priority = options.priority;
  if (options.attempts !== undefined) jobOptions.attempts = options.attempts;
  if (options.backoff !== undefined) jobOptions.backoff = options.backoff;
  return jobOptions;
}
