import { z } from 'zod';
import { mergeJobDefaults, type JobDefaults } from './defaults.ts';
import type { QueueName } from './queues.ts';

/**
 * A payload schema whose parsed value is again a valid input. The worker
 * re-validates what the producer stored, so a schema that transforms one type
 * into another (string → number) would fail there; defaults are fine.
 */
export type PayloadSchema = z.ZodType<unknown, unknown>;
type ReparseableSchema<TSchema extends PayloadSchema> =
  z.output<TSchema> extends z.input<TSchema> ? TSchema : never;

/** What a caller may ask of one job at enqueue time, beyond the platform's own bounds. */
export interface JobLimits {
  /** The most attempts an `enqueue` may request (`options.attempts`). */
  maxAttempts: number;
  /** How long an idempotency key keeps returning the same job id. */
  idempotencyTtlMs: number;
}

export const DEFAULT_JOB_LIMITS: JobLimits = Object.freeze({
  maxAttempts: 10,
  // As long as completed jobs are kept (PLATFORM_JOB_DEFAULTS.removeOnComplete.age).
  idempotencyTtlMs: 24 * 60 * 60 * 1_000,
});

export interface JobDefinition<
  TName extends string = string,
  TInput extends PayloadSchema = PayloadSchema,
  TResult extends PayloadSchema = PayloadSchema,
  TProgress extends PayloadSchema = PayloadSchema,
> {
  readonly name: TName;
  readonly queue: QueueName;
  readonly input: TInput;
  /** What the processor returns; `z.void()` when the job returns nothing. */
  readonly result: TResult;
  /** What the processor may report while it runs; `z.never()` when it reports nothing. */
  readonly progress: TProgress;
  readonly defaults: JobDefaults;
  readonly limits: JobLimits;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a registry holds jobs of any schema
export type AnyJobDefinition = JobDefinition<string, any, any, any>;

/** How runtime code (producer, worker, API) sees any job: its schemas as plain parsers of unknown values. */
export interface RuntimeJob {
  readonly name: string;
  readonly queue: QueueName;
  readonly input: z.ZodType;
  readonly result: z.ZodType;
  readonly progress: z.ZodType;
  readonly defaults: JobDefaults;
  readonly limits: JobLimits;
}

export type JobInput<TJob extends AnyJobDefinition> = z.output<TJob['input']>;
/** What a caller may pass (before schema defaults apply). */
export type JobInputArg<TJob extends AnyJobDefinition> = z.input<TJob['input']>;
export type JobResult<TJob extends AnyJobDefinition> = z.output<TJob['result']>;
export type JobProgress<TJob extends AnyJobDefinition> = z.output<
  TJob['progress']
>;

/** Job names: dotted lowercase (`sms.send`) or SCREAMING_SNAKE (`TEST_JOB`). No `:`, which BullMQ reserves. */
const JOB_NAME = /^(?:[a-z][a-z0-9-]*(?:\.[a-z][a-z0-9-]*)*|[A-Z][A-Z0-9_]*)$/;

export function defineJob<
  const TName extends string,
  TInput extends PayloadSchema,
  TResult extends PayloadSchema = z.ZodVoid,
  TProgress extends PayloadSchema = z.ZodNever,
>(definition: {
  name: TName;
  queue: QueueName;
  input: ReparseableSchema<TInput>;
  result?: TResult;
  progress?: TProgress;
  defaults?: Partial<JobDefaults>;
  limits?: Partial<JobLimits>;
}): JobDefinition<TName, TInput, TResult, TProgress> {
  if (!JOB_NAME.test(definition.name)) {
    throw new Error(
      `Invalid job name "${definition.name}": use sms.send or TEST_JOB style names`,
    );
  }
  const defaults = mergeJobDefaults(definition.defaults);
  const limits = { ...DEFAULT_JOB_LIMITS, ...definition.limits };
  if (defaults.attempts > limits.maxAttempts) {
    throw new Error(
      `Job "${definition.name}": default attempts (${defaults.attempts}) exceed limits.maxAttempts (${limits.maxAttempts})`,
    );
  }
  return Object.freeze({
    name: definition.name,
    queue: definition.queue,
    input: definition.input,
    // Without a result schema the processor returns nothing; without a
    // progress schema it reports none.
    result: (definition.result ?? z.void()) as TResult,
    progress: (definition.progress ?? z.never()) as TProgress,
    defaults,
    limits,
  });
}
