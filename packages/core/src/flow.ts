import { z } from 'zod';
import { durationMs, DurationSchema, type Duration } from './duration.ts';
import { FlowKeyError } from './errors/flow-key-error.ts';

/**
 * How a job's runs are admitted to the workers, declared in its contract.
 * Everything here is enforced before a job is handed to a worker (by the
 * dispatch step, docs/architecture.md "Flow control"), so a job that must
 * wait spends no attempt.
 *
 * `key` partitions the job's runs by a value of its input (the user, the
 * brand, the provider account): `concurrency` and `rateLimit` then hold per
 * tenant and key. Keys are always per tenant: two tenants' "42" never share
 * a slot.
 */
export interface FlowSpec<TInput> {
  /**
   * Share the queue's workers between tenants by weight (set per tenant by
   * an admin; default 1): a tenant's backlog never holds another's jobs
   * behind it. Priorities keep their meaning inside a tenant.
   */
  fairShare?: boolean;
  /** The partition key, from the validated input. At most 200 characters. */
  key?: (input: TInput) => string;
  /**
   * At most this many runs at once, across every worker process: of one
   * key within a tenant (with `key`), else of this job within a tenant.
   */
  concurrency?: number;
  /**
   * At most `max` starts per `per` (a token bucket holding `max`): per tenant
   * and key with `key`; without one, for the job across every tenant (a
   * provider's account-wide limit).
   */
  rateLimit?: { max: number; per: Duration };
}

/**
 * BullMQ's deduplication modes, by a key of the input (per tenant):
 * - `simple`: while a job of the key is unfinished, enqueues return it;
 * - `throttle`: for `ttl` after a job of the key was added, enqueues return it;
 * - `debounce`: an enqueue within `ttl` replaces the waiting job's data and
 *   delay (the last one wins), and the timer starts again;
 * - `keep-last-if-active`: like `debounce`, and an enqueue while the job
 *   runs is kept to run once after it.
 * Answers say which job an enqueue became (`deduplicatedInto`).
 */
export interface DeduplicateSpec<TInput> {
  mode: DeduplicateMode;
  key: (input: TInput) => string;
  /** Required except for `simple`; debounce modes delay each job by it. */
  ttl?: Duration;
}

export const DEDUPLICATE_MODES = [
  'simple',
  'throttle',
  'debounce',
  'keep-last-if-active',
] as const;
export type DeduplicateMode = (typeof DEDUPLICATE_MODES)[number];

/** A flow spec, checked, as runtime code reads it. */
export interface RuntimeFlow {
  fairShare: boolean;
  key: ((input: unknown) => string) | null;
  concurrency: number | null;
  rateLimit: { max: number; perMs: number } | null;
}

/** A deduplicate spec, checked, as runtime code reads it. */
export interface RuntimeDeduplicate {
  mode: DeduplicateMode;
  key: (input: unknown) => string;
  ttlMs: number | null;
}

/** The longest partition or deduplication key (it becomes part of a Redis key). */
export const MAX_FLOW_KEY_LENGTH = 200;

const FlowNumbersSchema = z.strictObject({
  concurrency: z.number().int().min(1).max(10_000).optional(),
  rateLimit: z
    .strictObject({
      max: z.number().int().min(1).max(1_000_000),
      per: DurationSchema,
    })
    .optional(),
});

/** Checks a job's flow spec at load; the message names the job and field. */
export function checkFlow(
  jobName: string,
  spec: FlowSpec<never> | undefined,
): RuntimeFlow | null {
  if (!spec) return null;
  const parsed = FlowNumbersSchema.safeParse({
    concurrency: spec.concurrency,
    rateLimit: spec.rateLimit,
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = ['flow', ...(issue?.path ?? []).map(String)].join('.');
    throw new Error(`Job "${jobName}": ${path}: ${issue?.message ?? ''}`);
  }
  const rate = parsed.data.rateLimit;
  const perMs = rate ? durationMs(rate.per) : 0;
  if (rate && perMs < 1)
    throw new Error(`Job "${jobName}": flow.rateLimit.per must be ≥ 1 ms`);
  const flow: RuntimeFlow = {
    fairShare: spec.fairShare === true,
    key: (spec.key as RuntimeFlow['key']) ?? null,
    concurrency: parsed.data.concurrency ?? null,
    rateLimit: rate ? { max: rate.max, perMs } : null,
  };
  if (!flow.fairShare && flow.concurrency === null && !flow.rateLimit)
    throw new Error(
      `Job "${jobName}": flow needs fairShare, concurrency or rateLimit`,
    );
  return Object.freeze(flow);
}

/** Checks a job's deduplicate spec at load. */
export function checkDeduplicate(
  jobName: string,
  spec: DeduplicateSpec<never> | undefined,
): RuntimeDeduplicate | null {
  if (!spec) return null;
  if (!DEDUPLICATE_MODES.includes(spec.mode))
    throw new Error(
      `Job "${jobName}": deduplicate.mode must be one of ${DEDUPLICATE_MODES.join(', ')}`,
    );
  const ttlMs = spec.ttl === undefined ? null : durationMs(spec.ttl);
  if (spec.mode !== 'simple' && (ttlMs === null || ttlMs < 1))
    throw new Error(
      `Job "${jobName}": deduplicate.ttl is required for mode ${spec.mode}`,
    );
  return Object.freeze({
    mode: spec.mode,
    key: spec.key as (input: unknown) => string,
    ttlMs,
  });
}

/** A key function's answer, checked: a string of 1 to MAX_FLOW_KEY_LENGTH characters. */
export function flowKeyOf(
  jobName: string,
  keyOf: (input: unknown) => string,
  input: unknown,
): string {
  const key: unknown = keyOf(input);
  if (
    typeof key !== 'string' ||
    key.length === 0 ||
    key.length > MAX_FLOW_KEY_LENGTH
  )
    throw new FlowKeyError(jobName);
  return key;
}
