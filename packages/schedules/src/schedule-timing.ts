import type { ScheduleTiming } from '@conveyor/core';
import { durationMs } from '@conveyor/core';
import type { RepeatOptions } from 'bullmq';
import { CronExpressionParser } from 'cron-parser';

/** A schedule's timing as stored: cron (+ zone) or an interval in ms. */
export type StoredTiming =
  | { cron: string; tz: string; everyMs?: undefined }
  | { everyMs: number; cron?: undefined; tz?: undefined };

export function storedTiming(timing: ScheduleTiming): StoredTiming {
  return timing.cron !== undefined
    ? { cron: timing.cron.trim(), tz: timing.tz ?? 'UTC' }
    : { everyMs: durationMs(timing.every) };
}

/** BullMQ's repeat options for a timing. */
export function repeatOptions(
  timing: StoredTiming,
): Omit<RepeatOptions, 'key'> {
  return timing.cron !== undefined
    ? { pattern: timing.cron, tz: timing.tz }
    : { every: timing.everyMs };
}

/**
 * The `count` ticks after `from`: for an interval, `from` + n·every (BullMQ
 * counts each run from the previous one, offset from when the schedule was
 * made, so pass a real tick); for a cron, its next matches in its zone.
 * Throws on a pattern cron-parser refuses: that is how a bad pattern is
 * caught before it reaches Redis.
 */
export function nextTicks(
  timing: StoredTiming,
  from: number,
  count: number,
): number[] {
  if (timing.cron === undefined) {
    const { everyMs } = timing;
    return Array.from({ length: count }, (_, i) => from + (i + 1) * everyMs);
  }
  return CronExpressionParser.parse(timing.cron, {
    currentDate: new Date(from),
    tz: timing.tz,
  })
    .take(count)
    .map((date) => date.getTime());
}

/** The timing of a fired job, from the repeat options BullMQ stored on it. */
export function timingOfRepeat(
  repeat: Omit<RepeatOptions, 'key'> | undefined,
): StoredTiming | null {
  if (repeat?.pattern) return { cron: repeat.pattern, tz: repeat.tz ?? 'UTC' };
  if (repeat?.every) return { everyMs: repeat.every };
  return null;
}
