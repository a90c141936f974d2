import type { BackoffOptions, KeepJobs } from 'bullmq';

/** The job options a contract may set; everything else is Conveyor's business. */
export interface JobDefaults {
  /** Total tries, the first included. */
  attempts: number;
  backoff: BackoffOptions;
  /** Finished jobs kept for inspection, bounded by count and by age (seconds). */
  removeOnComplete: KeepJobs;
  removeOnFail: KeepJobs;
}

const DAY_S = 24 * 60 * 60;

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
} as const satisfies JobDefaults;

export function mergeJobDefaults(
  overrides: Partial<JobDefaults> | undefined,
): JobDefaults {
  return { ...PLATFORM_JOB_DEFAULTS, ...overrides };
}
