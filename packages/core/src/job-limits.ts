import { z } from 'zod';

/** What a caller may ask of one job at enqueue time, beyond the platform's own bounds. */
export interface JobLimits {
  /** The most attempts an `enqueue` may request (`options.attempts`). */
  maxAttempts: number;
  /** How long an idempotency key keeps returning the same job id. */
  idempotencyTtlMs: number;
  /**
   * The largest encoded job (the envelope's JSON), in bytes. Redis holds
   * every job in memory and each worker loads it whole; big inputs belong in
   * object storage, referenced by the payload.
   */
  maxPayloadBytes: number;
}

export const DEFAULT_JOB_LIMITS: JobLimits = Object.freeze({
  maxAttempts: 10,
  // As long as completed jobs are kept (PLATFORM_JOB_DEFAULTS.removeOnComplete.age).
  idempotencyTtlMs: 24 * 60 * 60 * 1_000,
  maxPayloadBytes: 64 * 1_024,
});

export const JobLimitsSchema = z.strictObject({
  maxAttempts: z.number().int().min(1).max(1_000),
  idempotencyTtlMs: z
    .number()
    .int()
    .min(1_000)
    .max(30 * 24 * 60 * 60 * 1_000),
  // Below 1 KiB no envelope fits; above 16 MiB Redis and the workers suffer.
  maxPayloadBytes: z
    .number()
    .int()
    .min(1_024)
    .max(16 * 1_024 * 1_024),
});
