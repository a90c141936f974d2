import { z } from 'zod';

/**
 * A length of time: milliseconds as a number, or a number with a unit
 * (`'500ms'`, `'30s'`, `'5m'`, `'2h'`, `'1d'`). A unit that is not one of
 * these does not compile.
 */
export type Duration = number | `${number}${'ms' | 's' | 'm' | 'h' | 'd'}`;

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/;

/** Milliseconds in a duration; throws on one that is not a duration. */
export function durationMs(duration: Duration): number {
  if (typeof duration === 'number') {
    if (!Number.isFinite(duration) || duration < 0)
      throw new Error(`Invalid duration ${duration}: use ms ≥ 0`);
    return Math.round(duration);
  }
  const match = DURATION.exec(duration);
  if (!match) throw new Error(`Invalid duration "${duration}": e.g. 30s, 5m`);
  const unit = match[2] as keyof typeof UNIT_MS;
  return Math.round(Number(match[1]) * UNIT_MS[unit]);
}

/** A duration on the wire (number or `'5m'`), read as milliseconds. */
export const DurationSchema = z.union([
  z.number().min(0),
  z.string().max(20).regex(DURATION, 'A duration is like 500ms, 30s, 5m, 2h'),
]) as z.ZodType<Duration, Duration>;
