import { z } from 'zod';
import type {
  AnyJobDefinition,
  JobInput,
  JobInputArg,
  RuntimeJob,
} from './define-job.ts';
import {
  EnqueueOptionsSchema,
  type EnqueueManyItemOptions,
  type EnqueueOptions,
} from './enqueue-options.ts';
import type { QueueName } from './queue-name.ts';
import { requestData } from './versioned-input.ts';

/** The most jobs one `enqueueMany` call may carry. */
export const MAX_BATCH_SIZE = 1_000;

/**
 * A batch built at run time (`Array.from`, `slice`) as `enqueueMany` takes
 * it: the type asks for at least one job, which only a check can show for
 * an array of computed length. Throws on none, which the API refuses (400).
 */
export function nonEmptyBatch<T>(jobs: readonly T[]): readonly [T, ...T[]] {
  if (jobs.length === 0)
    throw new RangeError('An enqueueMany batch needs at least one job');
  return jobs as readonly [T, ...T[]];
}

export type JobsByName<TJobs extends readonly AnyJobDefinition[]> = {
  [J in TJobs[number] as J['name']]: J;
};

export type JobMap = Record<string, AnyJobDefinition>;
export type JobName<TMap extends JobMap> = keyof TMap & string;
/** The queues a registry's jobs use, as literal names (any name for a registry of any jobs). */
export type QueueOf<TMap extends JobMap> = 0 extends 1 & TMap
  ? QueueName
  : TMap[keyof TMap]['queue'];

/** One job's request once validated (schema defaults applied). */
export interface EnqueueRequestFor<
  TMap extends JobMap,
  TName extends JobName<TMap>,
  TOptions = EnqueueOptions,
> {
  name: TName;
  data: JobInput<TMap[TName]>;
  options?: TOptions;
}

/**
 * One job's request as a caller writes it (schema defaults not yet applied).
 * Correlated (a mapped type indexed by the name): a name widened to
 * `'a' | 'b'` gives the union of a's and b's requests, so data that fits
 * only one of them does not compile; for a generic name it is the one
 * request, so generic wrappers still compile.
 */
export type EnqueueRequestInputFor<
  TMap extends JobMap,
  TName extends JobName<TMap>,
  TOptions = EnqueueOptions,
> = {
  [K in TName]: {
    name: K;
    data: JobInputArg<TMap[K]>;
    options?: TOptions;
  };
}[TName];

/** What `enqueue` accepts once validated: a union discriminated by `name`. */
export type EnqueueRequest<TMap extends JobMap, TOptions = EnqueueOptions> = {
  [K in JobName<TMap>]: EnqueueRequestFor<TMap, K, TOptions>;
}[JobName<TMap>];

/** What a caller writes (schema defaults not yet applied). */
export type EnqueueRequestInput<
  TMap extends JobMap,
  TOptions = EnqueueOptions,
> = EnqueueRequestInputFor<TMap, JobName<TMap>, TOptions>;

/** One `enqueueMany` item once validated: a request without `idempotencyKey`. */
export type EnqueueManyItem<TMap extends JobMap> = EnqueueRequest<
  TMap,
  EnqueueManyItemOptions
>;
/** One `enqueueMany` item as a caller writes it. */
export type EnqueueManyItemInput<TMap extends JobMap> = EnqueueRequestInput<
  TMap,
  EnqueueManyItemOptions
>;

/**
 * A batch as the schema accepts it: at least one item (an empty batch does
 * not compile, and is a 400), none with an `idempotencyKey`. MAX_BATCH_SIZE
 * is checked at run time only: a tuple type cannot count that far.
 */
export interface EnqueueManyRequest<TMap extends JobMap> {
  jobs: [EnqueueManyItem<TMap>, ...EnqueueManyItem<TMap>[]];
}
/** What a caller writes; readonly so an `as const` batch fits too. */
export interface EnqueueManyRequestInput<TMap extends JobMap> {
  jobs: readonly [EnqueueManyItemInput<TMap>, ...EnqueueManyItemInput<TMap>[]];
}

/** Settings of one queue, declared with the registry. */
export interface QueueSettings {
  /**
   * At most this many jobs of the queue run at once across every worker
   * process (BullMQ's global concurrency); null = only each worker's own.
   */
  globalConcurrency: number | null;
}

/** What `defineRegistry` takes beside the jobs: settings per queue, keyed by the jobs' queue names. */
export interface RegistryOptions<TQueue extends string> {
  queues?: Partial<Record<TQueue, { globalConcurrency?: number }>>;
}

export interface Registry<TMap extends JobMap = JobMap> {
  readonly jobs: TMap;
  readonly names: readonly JobName<TMap>[];
  /** The queues at least one job uses, each once. */
  readonly queues: readonly QueueOf<TMap>[];
  /** A queue's settings (defaults when the registry declared none). */
  queueSettings(queue: string): QueueSettings;
  /** The job called `name`, for runtime code that routes by a name it read from Redis or a request. */
  get(name: string): RuntimeJob | undefined;
  /**
   * The enqueue input schema, derived from the jobs: `{ name, data, options? }`
   * where `data` is validated by that job's own schema. It is the tRPC `.input()`.
   */
  readonly enqueueRequest: z.ZodType<
    EnqueueRequest<TMap>,
    EnqueueRequestInput<TMap>
  >;
  /** A job name of this registry, for read filters: an unknown name is a 400 listing the known ones. */
  readonly jobName: z.ZodType<JobName<TMap>, JobName<TMap>>;
  /** `{ jobs: [...] }`, 1 to MAX_BATCH_SIZE requests; issues name each failing index. */
  readonly enqueueManyRequest: z.ZodType<
    EnqueueManyRequest<TMap>,
    EnqueueManyRequestInput<TMap>
  >;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any registry, whatever its jobs (Registry is invariant)
export type AnyRegistry = Registry<any>;

export type RegistryJobs<TRegistry extends AnyRegistry> = TRegistry['jobs'];

function requestSchema(job: RuntimeJob) {
  return z
    .strictObject({
      name: z.literal(job.name),
      data: requestData(job),
      options: EnqueueOptionsSchema.optional(),
    })
    .refine(
      (r) =>
        r.options?.attempts === undefined ||
        r.options.attempts <= job.limits.maxAttempts,
      {
        message: `${job.name} allows at most ${job.limits.maxAttempts} attempts`,
        path: ['options', 'attempts'],
      },
    );
}

/**
 * The first literal name two of the jobs share, or `never`. Names typed as
 * plain `string` are skipped: only the load-time check can see those.
 */
type DuplicateName<
  TJobs extends readonly AnyJobDefinition[],
  TSeen extends string = never,
> = TJobs extends readonly [
  infer THead extends AnyJobDefinition,
  ...infer TRest extends readonly AnyJobDefinition[],
]
  ? string extends THead['name']
    ? DuplicateName<TRest, TSeen>
    : THead['name'] extends TSeen
      ? THead['name']
      : DuplicateName<TRest, TSeen | THead['name']>
  : never;

/** `unknown` (no constraint) when names are unique; else a requirement no tuple meets, naming the job. */
type UniqueNames<TJobs extends readonly AnyJobDefinition[]> = [
  DuplicateName<TJobs>,
] extends [never]
  ? unknown
  : { duplicate: `Job "${DuplicateName<TJobs>}" is defined twice` };

export function defineRegistry<
  const TJobs extends readonly [AnyJobDefinition, ...AnyJobDefinition[]],
>(
  definitions: TJobs & UniqueNames<TJobs>,
  options: RegistryOptions<TJobs[number]['queue'] & string> = {},
): Registry<JobsByName<TJobs>> {
  type Map = JobsByName<TJobs>;
  const jobs: Record<string, RuntimeJob> = {};
  for (const job of definitions as readonly RuntimeJob[]) {
    if (Object.hasOwn(jobs, job.name))
      throw new Error(`Job "${job.name}" is defined twice`);
    jobs[job.name] = job;
  }
  const names = Object.keys(jobs);
  const branches = Object.values(jobs).map(requestSchema);
  const enqueueRequest = z.discriminatedUnion(
    'name',
    branches as unknown as [z.ZodObject, ...z.ZodObject[]],
    {
      error: (issue) =>
        issue.code === 'invalid_union'
          ? `Unknown job name; expected one of: ${names.join(', ')}`
          : undefined,
    },
  );
  const jobName = z.enum(names as [string, ...string[]], {
    error: () => `Unknown job name; expected one of: ${names.join(', ')}`,
  });
  const item = enqueueRequest.refine(
    (r) =>
      (r as { options?: EnqueueOptions }).options?.idempotencyKey === undefined,
    {
      message: 'idempotencyKey is not supported in enqueueMany; use enqueue',
      path: ['options', 'idempotencyKey'],
    },
  );
  const enqueueManyRequest = z.strictObject({
    // The count is checked before any item: ten million empty items must be
    // refused at once, not validated one by one first.
    jobs: z.array(z.unknown()).min(1).max(MAX_BATCH_SIZE).pipe(z.array(item)),
  });
  return Object.freeze({
    jobs: jobs as unknown as Map,
    names,
    queues: [
      ...new Set(Object.values(jobs).map((job) => job.queue)),
    ] as QueueOf<Map>[],
    get: (name: string) => (Object.hasOwn(jobs, name) ? jobs[name] : undefined),
    queueSettings: queueSettingsOf(options, Object.values(jobs)),
    jobName,
    enqueueRequest:
      enqueueRequest as unknown as Registry<Map>['enqueueRequest'],
    enqueueManyRequest:
      enqueueManyRequest as unknown as Registry<Map>['enqueueManyRequest'],
  });
}

/** Checks the declared queue settings at load: known queues, sane numbers. */
function queueSettingsOf(
  options: RegistryOptions<string>,
  jobs: readonly RuntimeJob[],
): (queue: string) => QueueSettings {
  const declared = (options.queues ?? {}) as Record<
    string,
    { globalConcurrency?: number } | undefined
  >;
  const known = new Set(jobs.map((job) => job.queue));
  const settings = new Map<string, QueueSettings>();
  for (const [queue, spec] of Object.entries(declared)) {
    if (!known.has(queue))
      throw new Error(`Queue "${queue}" has settings but no job uses it`);
    const limit = spec?.globalConcurrency;
    if (
      limit !== undefined &&
      (!Number.isInteger(limit) || limit < 1 || limit > 100_000)
    )
      throw new Error(
        `Queue "${queue}": globalConcurrency must be an integer from 1 to 100000`,
      );
    settings.set(queue, Object.freeze({ globalConcurrency: limit ?? null }));
  }
  const none: QueueSettings = Object.freeze({ globalConcurrency: null });
  return (queue) => settings.get(queue) ?? none;
}
