import { z } from 'zod';
import {
  JobDefaultsSchema,
  mergeJobDefaults,
  type JobDefaults,
} from './job-defaults.ts';
import {
  checkDeduplicate,
  checkFlow,
  type DeduplicateSpec,
  type FlowSpec,
  type RuntimeDeduplicate,
  type RuntimeFlow,
} from './flow.ts';
import type { QueueName } from './queue-name.ts';
import {
  DEFAULT_JOB_LIMITS,
  JobLimitsSchema,
  type JobLimits,
} from './job-limits.ts';
import {
  checkDurability,
  type Durability,
  type DurabilitySpec,
} from './durability.ts';
import {
  checkSchedules,
  type ContractSchedule,
  type ScheduleSpec,
} from './schedule.ts';
import { assertSchemaRules } from './schema-rules.ts';
import {
  checkVersions,
  type SchemaVersion,
  type SchemaVersions,
} from './versions.ts';
import {
  checkSearchIndexes,
  type RangeIndexPath,
} from './search/search-indexes.ts';
import type { SearchField } from './search/search-where.ts';
import {
  sensitiveFieldsOf,
  type SensitiveFields,
} from './sensitive/sensitive-paths.ts';

export type PayloadSchema = z.ZodType<unknown, unknown>;
/**
 * A schema whose parsed value is again a valid input. The worker checks the
 * stored (already parsed) value against the same schema, so a schema that
 * turns one type into another (string → number) would fail there; defaults
 * are fine. Applies to input, result and progress alike. What types cannot
 * see (value-changing transforms, stripped keys) `schema-rules.ts` refuses at
 * load.
 */
type ReparseableSchema<TSchema extends PayloadSchema> =
  z.output<TSchema> extends z.input<TSchema> ? TSchema : never;

export interface JobDefinition<
  TName extends string = string,
  TInput extends PayloadSchema = PayloadSchema,
  TResult extends PayloadSchema = PayloadSchema,
  TProgress extends PayloadSchema = PayloadSchema,
  TQueue extends QueueName = QueueName,
> {
  readonly name: TName;
  readonly queue: TQueue;
  readonly input: TInput;
  /** What the processor returns; `z.void()` when the job returns nothing. */
  readonly result: TResult;
  /** What the processor may report while it runs; `z.never()` when it reports nothing. */
  readonly progress: TProgress;
  readonly defaults: JobDefaults;
  readonly limits: JobLimits;
  /** Fired by the platform; reconciled with Redis whenever a worker or API starts. */
  readonly schedules: readonly ContractSchedule[];
  /** Fair share, per-key concurrency and rate limits; null when the job has none. */
  readonly flow: RuntimeFlow | null;
  /** Deduplication by a key of the input; null when the job has none. */
  readonly deduplicate: RuntimeDeduplicate | null;
  /** The input version payloads are written with now (1 without `versions`). */
  readonly version: number;
  /** Every input version, oldest first; the last is `input`. */
  readonly versions: readonly SchemaVersion[];
  /** Number and date fields history indexes for range searches (`searchIndexes`). */
  readonly searchIndexes: readonly SearchField[];
  /** Where input and result mark values `sensitive()`: stored encrypted. */
  readonly sensitive: SensitiveFields;
  /** Replicas an enqueue waits for; null leaves it to the deployment (`REDIS_ACK_REPLICAS`). */
  readonly durability: Durability | null;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a registry holds jobs of any schema
export type AnyJobDefinition = JobDefinition<string, any, any, any, string>;

/** How runtime code (producer, worker, API) sees any job: its schemas as plain parsers of unknown values. */
export interface RuntimeJob {
  readonly name: string;
  readonly queue: QueueName;
  readonly input: z.ZodType;
  readonly result: z.ZodType;
  readonly progress: z.ZodType;
  readonly defaults: JobDefaults;
  readonly limits: JobLimits;
  readonly schedules: readonly ContractSchedule[];
  readonly flow: RuntimeFlow | null;
  readonly deduplicate: RuntimeDeduplicate | null;
  readonly version: number;
  readonly versions: readonly SchemaVersion[];
  readonly searchIndexes: readonly SearchField[];
  readonly sensitive: SensitiveFields;
  readonly durability: Durability | null;
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
/** Queue names become Redis key parts: letters, digits, `-` and `_`, no `:` or braces. */
const QUEUE_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;

/**
 * The part of the name rules a type can check: a literal job name with a `:`
 * (BullMQ's key separator) does not compile, nor a queue name with `:` or
 * braces (Redis key parts, hash tags); the rest is checked at load. A refused
 * name adds a property no spec has, so the error names the rule. (Checked
 * beside `name`, not on it: `name: TName` must stay plain for TName to be
 * inferred when a job is defined inline in `defineRegistry([...])`.)
 */
type CheckedNames<
  TName extends string,
  TQueue extends QueueName,
> = (TName extends `${string}:${string}`
  ? { nameError: 'job names may not contain a colon (BullMQ reserves it)' }
  : unknown) &
  (TQueue extends `${string}${':' | '{' | '}'}${string}`
    ? { queueError: 'queue names may not contain a colon or braces' }
    : unknown);

export interface JobSpec<
  TName extends string,
  TInput extends PayloadSchema,
  TResult extends PayloadSchema,
  TProgress extends PayloadSchema,
  TQueue extends QueueName = QueueName,
> {
  name: TName;
  queue: TQueue;
  input: ReparseableSchema<TInput>;
  result?: ReparseableSchema<TResult>;
  progress?: ReparseableSchema<TProgress>;
  defaults?: Partial<JobDefaults>;
  limits?: Partial<JobLimits>;
  /**
   * Runs the platform fires on a cron or interval, with data typed by the
   * input: data that does not match does not compile.
   */
  schedules?: readonly ScheduleSpec<NoInfer<z.input<TInput>>>[];
  /**
   * How runs are admitted: fair share between tenants, concurrency and rate
   * limits per key of the input (a key function over a field the input
   * lacks does not compile).
   */
  flow?: FlowSpec<NoInfer<z.output<TInput>>>;
  /** Debounce, throttle or simple deduplication by a key of the input. */
  deduplicate?: DeduplicateSpec<NoInfer<z.output<TInput>>>;
  /**
   * The input's release history, `versions(v1).next(v2, upcast)…`, ending
   * in `input` itself: payloads stored with an older version are upcast
   * before the processor sees them.
   */
  versions?: SchemaVersions<NoInfer<TInput>>;
  /**
   * Number and date fields history keeps a range index for (one partial
   * index per field, built in the background when the API starts), so
   * `history.search` answers ranges on them at volume. Each costs writes.
   */
  searchIndexes?: readonly RangeIndexPath<
    z.output<TInput>,
    z.output<TResult>
  >[];
  /**
   * Replicas that must confirm this job's enqueue before it is answered
   * (Redis `WAIT`), whatever the deployment sets: for jobs that must
   * survive losing the primary. Costs a round trip to the replicas.
   */
  durability?: DurabilitySpec;
}

export function defineJob<
  const TName extends string,
  TInput extends PayloadSchema,
  TResult extends PayloadSchema = z.ZodVoid,
  TProgress extends PayloadSchema = z.ZodNever,
  const TQueue extends QueueName = QueueName,
>(
  spec: JobSpec<TName, TInput, TResult, TProgress, TQueue> &
    CheckedNames<TName, TQueue>,
): JobDefinition<TName, TInput, TResult, TProgress, TQueue> {
  const { name, queue } = spec;
  checkNames(name, queue);
  const defaults = checked(name, 'defaults', JobDefaultsSchema, {
    ...mergeJobDefaults(spec.defaults),
  });
  const limits = checked(name, 'limits', JobLimitsSchema, {
    ...DEFAULT_JOB_LIMITS,
    ...spec.limits,
  });
  if (defaults.attempts > limits.maxAttempts) {
    throw new Error(
      `Job "${name}": default attempts (${defaults.attempts}) exceed limits.maxAttempts (${limits.maxAttempts})`,
    );
  }
  // Without a result schema the processor returns nothing; without a
  // progress schema it reports none.
  const result = (spec.result ?? z.void()) as TResult;
  const progress = (spec.progress ?? z.never()) as TProgress;
  assertSchemaRules(name, 'input', spec.input);
  assertSchemaRules(name, 'result', result);
  assertSchemaRules(name, 'progress', progress);
  const schedules = checkSchedules(name, spec.input, spec.schedules ?? []);
  const flow = checkFlow(name, spec.flow);
  const deduplicate = checkDeduplicate(name, spec.deduplicate);
  const history = checkVersions(name, spec);
  return Object.freeze({
    name,
    queue,
    input: spec.input,
    result,
    progress,
    defaults,
    limits,
    schedules,
    flow,
    deduplicate,
    version: history.length,
    versions: history,
    searchIndexes: checkSearchIndexes(
      name,
      { input: spec.input, result },
      spec.searchIndexes as readonly string[] | undefined,
    ),
    sensitive: sensitiveFieldsOf({
      input: spec.input,
      result,
      versions: history,
    }),
    durability: checkDurability(name, spec.durability),
  });
}

/** Job and queue names that types could not refuse (see CheckedNames). */
function checkNames(name: string, queue: string): void {
  if (!JOB_NAME.test(name))
    throw new Error(
      `Invalid job name "${name}": use sms.send or TEST_JOB style names`,
    );
  if (!QUEUE_NAME.test(queue))
    throw new Error(
      `Job "${name}": invalid queue name "${queue}": letters, digits, - and _ (at most 64)`,
    );
}

/** Validates a job's numbers (TypeScript has no ranges); the message names the job and field. */
function checked<T>(
  jobName: string,
  what: string,
  schema: z.ZodType<T>,
  value: unknown,
): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues
    .map((i) => `${[what, ...i.path.map(String)].join('.')}: ${i.message}`)
    .join('; ');
  throw new Error(`Job "${jobName}": ${problems}`);
}
