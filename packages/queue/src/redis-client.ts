import { Cluster, Redis, type RedisOptions } from 'ioredis';
import type { Logger } from 'pino';
import {
  isSentinelAddress,
  parseSentinelAddress,
  sentinelAddress,
  sentinelOptions,
} from './redis-sentinel-address.ts';
import { redisRefusal } from './redis-errors.ts';

/**
 * The connection kinds Conveyor uses, each with explicit settings:
 *
 * - `api`: fails fast. With the offline queue off, a command issued while
 *   Redis is down is rejected at once instead of holding an HTTP request
 *   until a reconnect; it reconnects in the background (≤ 1 s between tries),
 *   so the API recovers by itself.
 * - `producer`: the same, for a backend service that enqueues in-process.
 * - `worker`: blocks and never gives up on a command
 *   (`maxRetriesPerRequest: null`, as BullMQ requires for workers).
 */
export type RedisPreset = 'api' | 'producer' | 'worker';

const FAIL_FAST: RedisOptions = {
  enableOfflineQueue: false,
  maxRetriesPerRequest: 1,
  connectTimeout: 2_000,
  retryStrategy: (attempt) => Math.min(attempt * 100, 1_000),
};

export const REDIS_PRESETS: Record<RedisPreset, RedisOptions> = {
  api: FAIL_FAST,
  producer: FAIL_FAST,
  worker: { maxRetriesPerRequest: null },
};

export interface RedisClientOptions {
  preset: RedisPreset;
  /** Outages are logged once per episode (lost, then restored), not once per reconnect attempt. */
  logger?: Logger;
}

/** The scheme of a Redis Cluster address: `redis-cluster://host:port,host:port` (seed nodes). */
export const CLUSTER_SCHEME = 'redis-cluster:';

/**
 * Where Redis is, as one string that travels wherever a URL did (env,
 * options, child processes): a `redis://`/`rediss://` URL for one server,
 * `redis-cluster://host:port,…` for a Cluster's seed nodes
 * (`clusterAddress`, what `REDIS_CLUSTER_NODES` becomes), or
 * `redis-sentinel://host:port,…/name` for a primary watched by Sentinels
 * (`sentinelAddress`, from `REDIS_SENTINELS` and `REDIS_SENTINEL_NAME`).
 */
export function clusterAddress(nodes: readonly string[]): string {
  return `${CLUSTER_SCHEME}//${nodes.join(',')}`;
}

export function isClusterAddress(address: string): boolean {
  return address.startsWith(`${CLUSTER_SCHEME}//`);
}

export function isRedisAddress(address: string): boolean {
  if (isSentinelAddress(address)) return parseSentinelAddress(address) !== null;
  if (isClusterAddress(address)) {
    const nodes = clusterNodes(address);
    return (
      nodes.length > 0 &&
      nodes.every(
        ({ host, port }) =>
          host.length > 0 && Number.isInteger(port) && port > 0,
      )
    );
  }
  return URL.canParse(address) && /^rediss?:$/.test(new URL(address).protocol);
}

/**
 * The address a service connects to: the Cluster's seed nodes when given,
 * else the Sentinels (with the master group's name), else REDIS_URL.
 */
export function redisAddress(env: {
  REDIS_URL: string;
  REDIS_CLUSTER_NODES: readonly string[];
  REDIS_SENTINELS?: readonly string[];
  REDIS_SENTINEL_NAME?: string;
}): string {
  if (env.REDIS_CLUSTER_NODES.length > 0)
    return clusterAddress(env.REDIS_CLUSTER_NODES);
  if (env.REDIS_SENTINELS?.length)
    return sentinelAddress(env.REDIS_SENTINELS, env.REDIS_SENTINEL_NAME);
  return env.REDIS_URL;
}

/**
 * A primary demoted to a replica answers writes with READONLY while the
 * socket stays open: reconnect (through the Sentinels, the slot map or the
 * URL's DNS name, to the new primary). The refused command is rejected, not
 * resent: ioredis would resend a command queued in a MULTI on its own, out
 * of its transaction. The caller retries it as any refusal (the API answers
 * 503, BullMQ retries its own calls).
 */
export function reconnectOnReadonly(error: Error): 1 | false {
  return redisRefusal(error) === 'readonly' ? 1 : false;
}

function clusterNodes(address: string): { host: string; port: number }[] {
  return address
    .slice(CLUSTER_SCHEME.length + 2)
    .split(',')
    .filter(Boolean)
    .map((node) => {
      const at = node.lastIndexOf(':');
      return { host: node.slice(0, at), port: Number(node.slice(at + 1)) };
    });
}

/**
 * A connection of one preset. For a Cluster address this is an ioredis
 * `Cluster`, typed as `Redis`: both expose the same commands, transactions
 * and scripts, and BullMQ takes either. `redis.isCluster` tells them apart
 * where it matters (docs/architecture.md, "Redis Cluster"). For a Sentinel
 * address it is a `Redis` that asks the Sentinels where the primary is, on
 * every (re)connect; its `duplicate()` does the same.
 */
export function createRedisClient(
  url: string,
  options: RedisClientOptions,
): Redis {
  const preset: RedisOptions = {
    ...REDIS_PRESETS[options.preset],
    reconnectOnError: reconnectOnReadonly,
  };
  const redis = isClusterAddress(url)
    ? (new Cluster(clusterNodes(url), {
        redisOptions: preset,
        enableOfflineQueue: preset.enableOfflineQueue ?? true,
        clusterRetryStrategy: (attempt) => Math.min(attempt * 100, 1_000),
        // Every command to the node that owns its slot: reads see the writes.
        scaleReads: 'master',
      }) as unknown as Redis)
    : isSentinelAddress(url)
      ? new Redis({ ...preset, ...sentinelOptions(url) })
      : new Redis(url, preset);
  const { logger } = options;
  let down = false;
  // Without an error listener ioredis would crash the process on an outage.
  redis.on('error', (error: Error) => {
    if (down) return;
    down = true;
    logger?.warn({ err: error.message }, 'Redis connection lost; retrying');
  });
  redis.on('ready', () => {
    if (down) logger?.info('Redis connection restored');
    down = false;
  });
  return redis;
}

/**
 * A new connection like `redis` (a server's or a Cluster's), with `options`
 * on top: for the blocking reads that must not share a connection. A
 * Cluster takes its per-node options under `redisOptions` and its offline
 * queue at the top.
 */
export function duplicateRedis(redis: Redis, options: RedisOptions): Redis {
  if (!redis.isCluster) return redis.duplicate(options);
  const cluster = redis as unknown as Cluster;
  return cluster.duplicate(undefined, {
    ...(options.enableOfflineQueue === undefined
      ? {}
      : { enableOfflineQueue: options.enableOfflineQueue }),
    redisOptions: { ...cluster.options.redisOptions, ...options },
  }) as unknown as Redis;
}
