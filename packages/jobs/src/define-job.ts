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

export interface JobDefinition<
  TName extends string = string,
  TInput extends PayloadSchema = PayloadSchema,
  TResult extends PayloadSchema = PayloadSchema,
> {
  readonly name: TName;
  readonly queue: QueueName;
  readonly input: TInput;
  /** What the processor returns; `z.void()` when the job returns nothing. */
  readonly result: TResult;
  readonly defaults: JobDefaults;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a registry holds jobs of any schema
export type AnyJobDefinition = JobDefinition<string, any, any>;

/** How runtime code (producer, worker) sees any job: its schemas as plain parsers of unknown values. */
export interface RuntimeJob {
  readonly name: string;
  readonly queue: QueueName;
  readonly input: z.ZodType;
  readonly result: z.ZodType;
  readonly defaults: JobDefaults;
}

export type JobInput<TJob extends AnyJobDefinition> = z.output<TJob['input']>;
/** What a caller may pass (before schema defaults apply). */
export type JobInputArg<TJob extends AnyJobDefinition> = z.input<TJob['input']>;
export type JobResult<TJob extends AnyJobDefinition> = z.output<TJob['result']>;

/** Job names: dotted lowercase (`sms.send`) or SCREAMING_SNAKE (`TEST_JOB`). No `:`, which BullMQ reserves. */
const JOB_NAME = /^(?:[a-z][a-z0-9-]*(?:\.[a-z][a-z0-9-]*)*|[A-Z][A-Z0-9_]*)$/;

export function defineJob<
  const TName extends string,
  TInput extends PayloadSchema,
  TResult extends PayloadSchema = z.ZodVoid,
>(definition: {
  name: TName;
  queue: QueueName;
  input: ReparseableSchema<TInput>;
  result?: TResult;
  defaults?: Partial<JobDefaults>;
}): JobDefinition<TName, TInput, TResult> {
  if (!JOB_NAME.test(definition.name)) {
    throw new Error(
      `Invalid job name "${definition.name}": use sms.send or TEST_JOB style names`,
    );
  }
  return Object.freeze({
    name: definition.name,
    queue: definition.queue,
    input: definition.input,
    // Without a result schema the processor returns nothing.
    result: (definition.result ?? z.void()) as TResult,
    defaults: mergeJobDefaults(definition.defaults),
  });
}
