import { z } from 'zod';
import { BackoffPolicySchema, type BackoffPolicy } from './job-defaults.ts';

/** Further out than this is a scheduling problem, not a delayed job. */
export const MAX_DELAY_MS = 365 * 24 * 60 * 60 * 1_000;
/** BullMQ orders by priority with lower numbers first; Conveyor exposes 1 (first) … 1000. */
export const MAX_PRIORITY = 1_000;

interface CommonOptions {
  /** 1 runs first; jobs without a priority run after prioritized ones. */
  priority?: number;
  /** At most the job's `limits.maxAttempts` (checked in the registry's request schema). */
  attempts?: number;
  backoff?: BackoffPolicy;
}

/** `delay` (ms from now) and `runAt` (a time; a past one means now) exclude each other. */
type Timing =
  { delay?: number; runAt?: undefined } | { runAt?: Date; delay?: undefined };

/**
 * What a caller may ask of one enqueue. Giving both `delay` and `runAt` does
 * not compile, and is a 400 at run time.
 */
export type EnqueueOptions = CommonOptions &
  Timing & {
    /**
     * The same key with the same payload returns the same job id for the
     * job's `limits.idempotencyTtlMs`; with another payload it is a conflict.
     */
    idempotencyKey?: string;
  };

/**
 * The options of one `enqueueMany` item: the same, without `idempotencyKey`,
 * which the batch schema refuses (a batch is one all-or-nothing write; keys
 * are for `enqueue`). Typed `undefined` so a key does not compile either.
 */
export type EnqueueManyItemOptions = CommonOptions &
  Timing & { idempotencyKey?: undefined };

const OptionsObject = z.strictObject({
  delay: z.number().int().min(0).max(MAX_DELAY_MS).optional(),
  runAt: z.date().optional(),
  priority: z.number().int().min(1).max(MAX_PRIORITY).optional(),
  attempts: z.number().int().min(1).optional(),
  backoff: BackoffPolicySchema.optional(),
  idempotencyKey: z.string().min(1).max(256).optional(),
});

export const EnqueueOptionsSchema: z.ZodType<EnqueueOptions, EnqueueOptions> =
  OptionsObject.refine((o) => o.delay === undefined || o.runAt === undefined, {
    message: 'Give either delay or runAt, not both',
    path: ['runAt'],
  }).refine(
    (o) =>
      o.runAt === undefined || o.runAt.getTime() - Date.now() <= MAX_DELAY_MS,
    { message: 'runAt is more than a year away', path: ['runAt'] },
  ) as z.ZodType<EnqueueOptions, EnqueueOptions>;
