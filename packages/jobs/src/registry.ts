import { z } from 'zod';
import type {
  AnyJobDefinition,
  JobInput,
  JobInputArg,
  RuntimeJob,
} from './define-job.ts';
import type { QueueName } from './queues.ts';

export type JobsByName<TJobs extends readonly AnyJobDefinition[]> = {
  [J in TJobs[number] as J['name']]: J;
};

type JobMap = Record<string, AnyJobDefinition>;
export type JobName<TMap extends JobMap> = keyof TMap & string;

/** What `enqueue` accepts once validated: a union discriminated by `name`. */
export type EnqueueRequest<TMap extends JobMap> = {
  [K in JobName<TMap>]: { name: K; data: JobInput<TMap[K]> };
}[JobName<TMap>];

/** What a caller writes (schema defaults not yet applied). */
export type EnqueueRequestInput<TMap extends JobMap> = {
  [K in JobName<TMap>]: { name: K; data: JobInputArg<TMap[K]> };
}[JobName<TMap>];

export interface Registry<TMap extends JobMap = JobMap> {
  readonly jobs: TMap;
  readonly names: readonly JobName<TMap>[];
  /** The queues at least one job uses, each once. */
  readonly queues: readonly QueueName[];
  /** The job called `name`, for runtime code that routes by a name it read from Redis or a request. */
  get(name: string): RuntimeJob | undefined;
  /**
   * The enqueue input schema, derived from the jobs: `{ name, data }` where
   * `data` is validated by that job's own schema. It is the tRPC `.input()`.
   */
  readonly enqueueRequest: z.ZodType<
    EnqueueRequest<TMap>,
    EnqueueRequestInput<TMap>
  >;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any registry, whatever its jobs (Registry is invariant)
export type AnyRegistry = Registry<any>;

export type RegistryJobs<TRegistry extends AnyRegistry> = TRegistry['jobs'];

export function defineRegistry<
  const TJobs extends readonly [AnyJobDefinition, ...AnyJobDefinition[]],
>(definitions: TJobs): Registry<JobsByName<TJobs>> {
  const jobs: Record<string, RuntimeJob> = {};
  for (const job of definitions as readonly RuntimeJob[]) {
    if (Object.hasOwn(jobs, job.name))
      throw new Error(`Job "${job.name}" is defined twice`);
    jobs[job.name] = job;
  }
  const names = Object.keys(jobs);
  const branches = (definitions as readonly RuntimeJob[]).map((job) =>
    z.object({ name: z.literal(job.name), data: job.input }).strict(),
  );
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
  const typedJobs = jobs as unknown as JobsByName<TJobs>;
  return Object.freeze({
    jobs: typedJobs,
    names,
    queues: [...new Set(Object.values(jobs).map((job) => job.queue))],
    get: (name: string) => (Object.hasOwn(jobs, name) ? jobs[name] : undefined),
    enqueueRequest: enqueueRequest as unknown as Registry<
      JobsByName<TJobs>
    >['enqueueRequest'],
  });
}
