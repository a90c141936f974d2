import {
  InvalidScheduleError,
  type JobEnvelope,
  type MissedRunPolicy,
  type ScheduleTiming,
} from '@conveyor/core';
import { LuaScript } from '@conveyor/queue';
import { cronProblem } from './cron-problem.ts';
import { nextTicks, type StoredTiming } from './schedule-timing.ts';

/** A tenant's schedule as stored in its `schedules` hash (JSON per name). */
export interface StoredSchedule {
  name: string;
  job: string;
  timing: StoredTiming;
  /** The parsed data, in an envelope so Dates survive. */
  data: JobEnvelope;
  missed: MissedRunPolicy;
  paused: boolean;
  createdAt: number;
  updatedAt: number;
}

/** What an upsert stores: a parsed request (the API validated `data` with the job's input). */
export type ScheduleWrite = {
  name: string;
  job: string;
  data: unknown;
  missed?: MissedRunPolicy | undefined;
} & ScheduleTiming;

/**
 * Stores a new schedule only if the tenant is under its limit (a changed
 * one always): the count and the write in one step, so concurrent upserts
 * cannot overshoot. KEYS: schedules hash. ARGV: name, JSON, max (-1 = none).
 * Returns 1, or 0 when refused.
 */
export const STORE_SCRIPT = new LuaScript(`
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then
  local max = tonumber(ARGV[3])
  if max >= 0 and redis.call('HLEN', KEYS[1]) >= max then return 0 end
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return 1
`);

/**
 * A pattern with the right shape that cron-parser still refuses (`99 * * * *`)
 * fails before anything is stored, said in Conveyor's words (cronProblem):
 * the library's text names its internals and may change with any release.
 */
export function assertSchedulable(timing: StoredTiming): void {
  try {
    nextTicks(timing, Date.now(), 1);
  } catch {
    throw new InvalidScheduleError(cronProblem(timing.cron ?? ''));
  }
}

export function changed(
  before: StoredSchedule,
  after: StoredSchedule,
): boolean {
  const what = (s: StoredSchedule) =>
    JSON.stringify([s.job, s.timing, s.data, s.missed]);
  return what(before) !== what(after);
}
