import { z } from 'zod';
import { DEFAULT_PREFIX } from '../keyspace.ts';

export const LOG_LEVELS = [
  'fatal',
  'error',
  'warn',
  'info',
  'debug',
  'trace',
  'silent',
] as const;

/**
 * The settings every Conveyor service shares. A service's own schema extends
 * this one (`SharedEnvSchema.extend({ … })`) and reads it with `readEnv`.
 */
export const SharedEnvSchema = z.object({
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).default('redis://127.0.0.1:6379'),
  CONVEYOR_PREFIX: z.string().min(1).default(DEFAULT_PREFIX),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
});

/** A comma-separated variable (`a, b,c`; empty = none), each item checked by `item`. */
export function commaList<TItem extends z.ZodType<unknown, string>>(
  item: TItem,
) {
  return z
    .string()
    .default('')
    .transform((list) =>
      list
        .split(',')
        .map((entry) => entry.trim())
        .filter(Boolean),
    )
    .pipe(z.array(item));
}
