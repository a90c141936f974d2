import { z } from 'zod';
import type { JobInput, JobInputArg, RuntimeJob } from './define-job.ts';
import type { Duration } from './duration.ts';
import { CONTRACT_SCHEDULE_ID } from './ids.ts';
import type { JobState } from './job-view.ts';
import type { JobName, JobMap, Registry } from './registry.ts';
import {
  CronSchema,
  MISSED_RUN_POLICIES,
  SCHEDULE_KEY,
  ScheduleTimingSchema,
  TimeZoneSchema,
  type MissedRunPolicy,
} from './schedule.ts';
import { DurationSchema } from './duration.ts';

type Timing =
  | { cron: string; tz?: string; every?: undefined }
  | { every: Duration; cron?: undefined; tz?: undefined };

type UpsertFor<TMap extends JobMap, K extends JobName<TMap>, TData> = {
  /** The schedule's name within the tenant: lowercase letters, digits and `-`. */
  name: string;
  job: K;
  data: TData;
  missed?: MissedRunPolicy;
} & Timing;

/** What `schedules.upsert` accepts: `data` typed by the named job's input. */
export type ScheduleUpsert<TMap extends JobMap> = {
  [K in JobName<TMap>]: UpsertFor<TMap, K, JobInput<TMap[K]>>;
}[JobName<TMap>];
export type ScheduleUpsertInput<TMap extends JobMap> = {
  [K in JobName<TMap>]: UpsertFor<TMap, K, JobInputArg<TMap[K]>>;
}[JobName<TMap>];

/**
 * When a schedule last fired, and the job that tick made. `jobId` and
 * `state` are null when the caller may not read that job (a contract
 * schedule firing another tenant's jobs) or retention removed it.
 */
export interface ScheduleTick {
  at: Date;
  jobId: string | null;
  state: JobState | null;
}

/**
 * A schedule as reads return it: a tenant's own (`runtime`), or one a job's
 * contract declares (`contract`, named by its scheduler id
 * `c.{job}.{key}`, read-only). `nextRuns` is empty while paused.
 */
export interface ScheduleView {
  name: string;
  source: 'contract' | 'runtime';
  /**
   * The tenant whose jobs it fires; null on a contract schedule that fires for
   * another tenant than the caller's (its `data` is null then too).
   */
  tenant: string | null;
  job: string;
  cron: string | null;
  tz: string | null;
  /** The interval in ms, for an `every` schedule. */
  everyMs: number | null;
  data: unknown;
  missed: MissedRunPolicy;
  paused: boolean;
  /** Null for a contract schedule: the contract is its record. */
  createdAt: Date | null;
  updatedAt: Date | null;
  /** The next ticks (up to 5), as the scheduler computes them. */
  nextRuns: Date[];
  /** The latest tick a worker started (or one now due); null: never fired. */
  lastTick: ScheduleTick | null;
}

export const ScheduleNameSchema = z
  .string()
  .regex(
    SCHEDULE_KEY,
    'A schedule name is 1–63 lowercase letters, digits or -',
  );

/**
 * What reads and changes name: a tenant's schedule, or a contract's by its
 * id (`c.feed.sync.configured`), so that changing one is refused in words
 * rather than as a malformed name.
 */
export const ScheduleRefSchema = z
  .string()
  .max(200)
  .regex(
    new RegExp(`${SCHEDULE_KEY.source}|${CONTRACT_SCHEDULE_ID.source}`),
    'A schedule name is 1–63 lowercase letters, digits or -',
  );

function upsertSchema(job: RuntimeJob) {
  return z
    .strictObject({
      name: ScheduleRefSchema,
      job: z.literal(job.name),
      data: job.input,
      missed: z.enum(MISSED_RUN_POLICIES).optional(),
      cron: CronSchema.optional(),
      tz: TimeZoneSchema.optional(),
      every: DurationSchema.optional(),
    })
    .superRefine((value, ctx) => {
      const timing =
        value.cron !== undefined && value.every === undefined
          ? { cron: value.cron, ...(value.tz ? { tz: value.tz } : {}) }
          : value.every !== undefined && value.cron === undefined
            ? value.tz === undefined
              ? { every: value.every }
              : null
            : null;
      if (!timing) {
        ctx.addIssue({
          code: 'custom',
          message: 'Give cron (with an optional tz) or every, not both',
          path: ['cron'],
        });
        return;
      }
      for (const issue of ScheduleTimingSchema.safeParse(timing).error
        ?.issues ?? [])
        ctx.addIssue({
          code: 'custom',
          message: issue.message,
          path: issue.path,
        });
    });
}

/** The `schedules.upsert` input, derived from the jobs like the enqueue request. */
export function scheduleUpsertSchema<TMap extends JobMap>(
  registry: Registry<TMap>,
): z.ZodType<ScheduleUpsert<TMap>, ScheduleUpsertInput<TMap>> {
  const branches = registry.names.map((name) =>
    upsertSchema(registry.get(name) as RuntimeJob),
  );
  return z.discriminatedUnion(
    'job',
    branches as unknown as [
      ReturnType<typeof upsertSchema>,
      ...ReturnType<typeof upsertSchema>[],
    ],
  ) as unknown as z.ZodType<ScheduleUpsert<TMap>, ScheduleUpsertInput<TMap>>;
}
