import { z } from 'zod';
import { durationMs, DurationSchema, type Duration } from './duration.ts';

/** Wait `delay` ms before every retry. */
export interface FixedBackoff {
  type: 'fixed';
  delay: number;
  /** 0–1: the share of each wait drawn at random (0.5 = between half and all of it). */
  jitter?: number;
}

/** Wait `delay`·2^(n-1) ms before retry n. */
export interface ExponentialBackoff {
  type: 'exponential';
  delay: number;
  jitter?: number;
}

/**
 * Explicit waits: before retry n, `delays[n-1]`; retries beyond the ladder
 * wait its last step (`['1m', '5m', '15m']`: 1 min, 5 min, then 15 min
 * for every later retry). An empty ladder does not compile.
 */
export interface LadderBackoff {
  type: 'ladder';
  delays: readonly [Duration, ...Duration[]];
  jitter?: number;
}

/** How long to wait between attempts. A kind not listed here does not compile. */
export type BackoffPolicy = FixedBackoff | ExponentialBackoff | LadderBackoff;

/** The most steps a ladder may have. */
export const MAX_LADDER_STEPS = 20;

/** Finished jobs kept for inspection: at most `count` of them, none older than `age` seconds. */
export interface RetentionPolicy {
  count?: number;
  age?: number;
}

/** The job options a contract may set; everything else is Conveyor's business. */
export interface JobDefaults {
  /** Total tries, the first included. */
  attempts: number;
  backoff: BackoffPolicy;
  removeOnComplete: RetentionPolicy;
  removeOnFail: RetentionPolicy;
  /**
   * The longest one attempt may run. At the deadline the processor's signal
   * aborts and the attempt fails with a timeout (retried like any failure);
   * an isolated processor's thread is terminated.
   */
  timeoutMs: number;
}

const DAY_S = 24 * 60 * 60;
/** The longest a backoff step may be: longer waits are schedules, not retries. */
export const MAX_BACKOFF_DELAY_MS = 60 * 60 * 1_000;
/** The longest attempt a contract may declare: longer work belongs in smaller jobs. */
export const MAX_ATTEMPT_TIMEOUT_MS = 24 * 60 * 60 * 1_000;

/**
 * Platform defaults. Exponential backoff with "equal jitter" (0.5): attempt n
 * waits between delay·2^(n-1)/2 and delay·2^(n-1), so consecutive waits never
 * overlap (they always grow) while retries of a failed batch still spread out.
 * Failed jobs are kept longer than completed ones: they are what people debug.
 */
export const PLATFORM_JOB_DEFAULTS = {
  attempts: 3,
  backoff: { type: 'exponential', delay: 1_000, jitter: 0.5 },
  removeOnComplete: { count: 1_000, age: DAY_S },
  removeOnFail: { count: 10_000, age: 7 * DAY_S },
  timeoutMs: 5 * 60 * 1_000,
} as const satisfies JobDefaults;

/** The ranges TypeScript cannot express; checked when a job is defined. */
export const BackoffPolicySchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('fixed'),
    delay: z.number().int().min(0).max(MAX_BACKOFF_DELAY_MS),
    jitter: z.number().min(0).max(1).optional(),
  }),
  z.strictObject({
    type: z.literal('exponential'),
    delay: z.number().int().min(0).max(MAX_BACKOFF_DELAY_MS),
    jitter: z.number().min(0).max(1).optional(),
  }),
  z.strictObject({
    type: z.literal('ladder'),
    delays: z
      .array(DurationSchema)
      .min(1)
      .max(MAX_LADDER_STEPS)
      .refine((delays) => delays.every(withinBackoffBound), {
        message: `Each step is at most ${MAX_BACKOFF_DELAY_MS / 60_000} min`,
      }),
    jitter: z.number().min(0).max(1).optional(),
  }),
]) as z.ZodType<BackoffPolicy, BackoffPolicy>;

function withinBackoffBound(step: Duration): boolean {
  try {
    return durationMs(step) <= MAX_BACKOFF_DELAY_MS;
  } catch {
    return false;
  }
}

const RetentionSchema = z.strictObject({
  count: z.number().int().min(0).optional(),
  age: z.number().int().min(1).optional(),
});

export const JobDefaultsSchema = z.strictObject({
  attempts: z.number().int().min(1),
  backoff: BackoffPolicySchema,
  removeOnComplete: RetentionSchema,
  removeOnFail: RetentionSchema,
  // Below 100 ms a timer cannot be told apart from scheduling noise.
  timeoutMs: z.number().int().min(100).max(MAX_ATTEMPT_TIMEOUT_MS),
});

export function mergeJobDefaults(
  overrides: Partial<JobDefaults> | undefined,
): JobDefaults {
  return { ...PLATFORM_JOB_DEFAULTS, ...overrides };
}
