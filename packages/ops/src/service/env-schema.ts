import { z } from 'zod';
import {
  DEFAULT_PREFIX,
  DEFAULT_SENTINEL_NAME,
  isRedisAddress,
} from '@conveyor/queue';

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
  /** One server's URL, a Cluster's `redis-cluster://host:port,…` or a `redis-sentinel://host:port,…/name`. */
  REDIS_URL: z
    .string()
    .refine(
      isRedisAddress,
      'a redis://, rediss://, redis-cluster:// or redis-sentinel:// address',
    )
    .default('redis://127.0.0.1:6379'),
  /** Redis Cluster seed nodes (`host:port,host:port`): when set, REDIS_URL is not used. */
  REDIS_CLUSTER_NODES: commaList(
    z.string().regex(/^[^\s,/:]+:\d{1,5}$/, 'host:port'),
  ),
  /** Sentinels (`host:port,host:port`) watching the primary: when set (and no Cluster), REDIS_URL is not used. */
  REDIS_SENTINELS: commaList(
    z.string().regex(/^[^\s,/:]+:\d{1,5}$/, 'host:port'),
  ),
  /** The master group the Sentinels monitor (`sentinel monitor <name> …`). */
  REDIS_SENTINEL_NAME: z.string().min(1).default(DEFAULT_SENTINEL_NAME),
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
