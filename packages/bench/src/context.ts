import { deletePrefix, uniquePrefix } from '@conveyor/testkit';
import { Redis } from 'ioredis';
import { pino, type Logger } from 'pino';
import type { Profiler } from './profiler.ts';

export type Side = 'raw' | 'conveyor';

export interface BenchContext {
  redisUrl: string;
  quick: boolean;
  /** Pino at the default level, writing nowhere: the cost of logging without the terminal. */
  logger: Logger;
  log(message: string): void;
  /** Set by `--profile`. */
  profiler?: Profiler | undefined;
}

/** One measured sample of a metric, for side A (raw) or B (Conveyor). */
export interface Sample {
  metric: string;
  side: Side;
  value: number;
  /** The repetition it came from (set by the harness). */
  rep?: number;
}

/** One side's measured work; with `--profile`, under the CPU profiler. */
export function measured<T>(
  ctx: BenchContext,
  side: Side,
  work: () => Promise<T>,
): Promise<T> {
  return ctx.profiler ? ctx.profiler.run(side, work) : work();
}

export function quietLogger(): Logger {
  return pino({ level: 'info' }, { write: () => undefined });
}

/** A fresh key prefix for one measurement, deleted afterwards. */
export async function withPrefix<T>(
  ctx: BenchContext,
  label: string,
  work: (prefix: string) => Promise<T>,
): Promise<T> {
  const prefix = uniquePrefix(`bench-${label}`);
  try {
    return await work(prefix);
  } finally {
    await deletePrefix(ctx.redisUrl, prefix);
  }
}

export function newRedis(
  ctx: BenchContext,
  options: { blocking?: boolean } = {},
): Redis {
  return new Redis(
    ctx.redisUrl,
    options.blocking ? { maxRetriesPerRequest: null } : {},
  );
}

/** Runs `count` calls, `inFlight` at a time; returns seconds. */
export async function saturate(
  count: number,
  inFlight: number,
  call: (i: number) => Promise<unknown>,
): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < count) {
        const i = next;
        next += 1;
        await call(i);
      }
    }),
  );
  return (performance.now() - started) / 1_000;
}
