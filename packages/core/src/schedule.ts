import { z } from 'zod';
import { durationMs, DurationSchema, type Duration } from './duration.ts';
import { TenantIdSchema } from './ids.ts';

/**
 * What happens to a tick that came due while nothing was running (workers
 * down, or busy past the following tick): `run-once` runs it late, once,
 * however many ticks were missed; `skip` drops it and waits for the next.
 * Either way a `schedule.missed` event is logged and sent to webhooks.
 */
export type MissedRunPolicy = 'run-once' | 'skip';
export const MISSED_RUN_POLICIES = ['run-once', 'skip'] as const;

/** When a schedule fires: a cron pattern in a time zone, or a fixed interval. Not both. */
export type ScheduleTiming =
  | {
      /** Five fields (minute … weekday), or six with seconds first. */
      cron: string;
      /** An IANA zone (`Europe/Paris`); UTC when omitted. */
      tz?: string;
      every?: undefined;
    }
  | { every: Duration; cron?: undefined; tz?: undefined };

/** A schedule as a job's contract declares it; `data` is typed by the job's input. */
export type ScheduleSpec<TData> = ScheduleTiming & {
  /** Names the schedule within its job: lowercase letters, digits and `-`. */
  key: string;
  data: TData;
  /** Default `run-once`. */
  missed?: MissedRunPolicy;
  /** The tenant its jobs belong to (default `default`). */
  tenant?: string;
};

/** A contract schedule, checked: its data parsed by the job's input, its interval in ms. */
export interface ContractSchedule {
  key: string;
  cron: string | null;
  tz: string | null;
  everyMs: number | null;
  data: unknown;
  missed: MissedRunPolicy;
  tenant: string;
}

export const SCHEDULE_KEY = /^[a-z0-9][a-z0-9-]{0,62}$/;
/** Intervals under a second are polling, not scheduling; over a year, a calendar's job. */
export const MIN_EVERY_MS = 1_000;
export const MAX_EVERY_MS = 366 * 24 * 60 * 60 * 1_000;
// Shape only (5 or 6 fields of cron characters): the runtime parses it fully.
const CRON = /^(?:[\d*/,?LW#A-Za-z-]+\s+){4,5}[\d*/,?LW#A-Za-z-]+$/;

/** A cron pattern, checked for shape here and fully when it is scheduled. */
export const CronSchema = z
  .string()
  .trim()
  .max(120)
  .regex(CRON, 'A cron pattern has 5 fields (or 6 with seconds first)');

/** An IANA time zone this runtime knows. */
export const TimeZoneSchema = z
  .string()
  .max(64)
  .refine(
    isTimeZone,
    'Unknown time zone (use an IANA name, e.g. Europe/Paris)',
  );

/** The timing of a schedule on the wire: cron (+tz) xor every. */
export const ScheduleTimingSchema = z.union([
  z.strictObject({ cron: CronSchema, tz: TimeZoneSchema.optional() }),
  z.strictObject({
    every: DurationSchema.refine((d) => inEveryRange(d), {
      message: `every is between ${MIN_EVERY_MS / 1_000} s and a year`,
    }),
  }),
]);

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function inEveryRange(every: Duration): boolean {
  try {
    const ms = durationMs(every);
    return ms >= MIN_EVERY_MS && ms <= MAX_EVERY_MS;
  } catch {
    return false;
  }
}

/** Checks a contract's schedules against the job's input; the error names the job and key. */
export function checkSchedules(
  jobName: string,
  input: z.ZodType,
  specs: readonly ScheduleSpec<unknown>[],
): readonly ContractSchedule[] {
  const seen = new Set<string>();
  return Object.freeze(
    specs.map((spec) => {
      const where = `Job "${jobName}" schedule "${spec.key}"`;
      if (!SCHEDULE_KEY.test(spec.key))
        throw new Error(`${where}: a key is lowercase letters, digits and -`);
      if (seen.has(spec.key)) throw new Error(`${where}: duplicate key`);
      seen.add(spec.key);
      const timing = ScheduleTimingSchema.safeParse(
        spec.cron !== undefined
          ? { cron: spec.cron, ...(spec.tz ? { tz: spec.tz } : {}) }
          : { every: spec.every },
      );
      if (
        !timing.success ||
        (spec.cron !== undefined) === (spec.every !== undefined)
      )
        throw new Error(
          `${where}: ${timing.error?.issues[0]?.message ?? 'give cron or every, not both'}`,
        );
      const tenant = TenantIdSchema.safeParse(spec.tenant ?? 'default');
      if (!tenant.success) throw new Error(`${where}: invalid tenant`);
      const data = input.safeParse(spec.data);
      if (!data.success)
        throw new Error(
          `${where}: data does not match the input: ${data.error.issues
            .map((i) => `${i.path.join('.') || '(root)'} ${i.message}`)
            .join('; ')}`,
        );
      return Object.freeze({
        key: spec.key,
        cron: spec.cron?.trim() ?? null,
        tz: spec.cron !== undefined ? (spec.tz ?? 'UTC') : null,
        everyMs: spec.every !== undefined ? durationMs(spec.every) : null,
        data: data.data,
        missed: spec.missed ?? 'run-once',
        tenant: tenant.data,
      });
    }),
  );
}
