import type { Redis } from 'ioredis';
import { redisRefusal } from './redis-errors.ts';

export interface RedisMemory {
  /** `used_memory`, bytes. */
  used: number;
  /** `maxmemory`, bytes; null when unlimited (0). */
  max: number | null;
  /** used / max, rounded to 3 places; null when unlimited. */
  ratio: number | null;
}

export interface RedisCapacity {
  version: string;
  memory: RedisMemory;
  maxmemoryPolicy: string | null;
  persistence: {
    aof: boolean;
    /** `rdb_last_bgsave_status`: 'err' means the last snapshot failed. */
    rdbLastSave: 'ok' | 'err';
  };
  /**
   * Redis refuses writes for lack of memory: under `noeviction`, within
   * `fullHeadroom(max)` of `maxmemory`, or the write probe was refused.
   */
  full: boolean;
}

/**
 * Redis counts a command's own arguments (its query buffer) before deciding
 * to refuse it, so with a few KB left an enqueue is refused while INFO reads
 * just under the limit and a tiny write still passes. Calling Redis full
 * that close to the limit says what a caller would see: 1% of maxmemory, at
 * most 1 MiB.
 */
export function fullHeadroom(max: number): number {
  return Math.min(Math.ceil(max / 100), 1024 * 1024);
}

/** `INFO`'s `key:value` lines. */
export function parseRedisInfo(info: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of info.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0 && !line.startsWith('#'))
      fields.set(line.slice(0, colon), line.slice(colon + 1).trim());
  }
  return fields;
}

/** The capacity facts in one `INFO` reply (server, memory, persistence). */
export function capacityFromInfo(info: Map<string, string>): RedisCapacity {
  const used = Number(info.get('used_memory') ?? 0);
  const max = Number(info.get('maxmemory') ?? 0) || null;
  const policy = info.get('maxmemory_policy') ?? null;
  // Redis compares against maxmemory what it counts for eviction: replication
  // and AOF buffers are left out, so subtract them as Redis does.
  const counted = used - Number(info.get('mem_not_counted_for_evict') ?? 0);
  return {
    version: info.get('redis_version') ?? 'unknown',
    memory: {
      used,
      max,
      ratio: max ? Math.round((used / max) * 1000) / 1000 : null,
    },
    maxmemoryPolicy: policy,
    persistence: {
      aof: info.get('aof_enabled') === '1',
      rdbLastSave: info.get('rdb_last_bgsave_status') === 'err' ? 'err' : 'ok',
    },
    full:
      policy === 'noeviction' &&
      max !== null &&
      counted >= max - fullHeadroom(max),
  };
}

/**
 * Reads `INFO` (the default sections include server, memory and
 * persistence, on every Redis version) and, with `probeKey`, tries a write.
 * The probe is `SETRANGE key 0 ""`: Redis checks memory before running it
 * like any write that may grow, and on a missing key it stores nothing.
 */
export async function readRedisCapacity(
  redis: Redis,
  options: { probeKey?: string } = {},
): Promise<RedisCapacity> {
  const capacity = capacityFromInfo(parseRedisInfo(await redis.info()));
  if (capacity.full || options.probeKey === undefined) return capacity;
  try {
    await redis.setrange(options.probeKey, 0, '');
    return capacity;
  } catch (error) {
    if (redisRefusal(error) === 'oom') return { ...capacity, full: true };
    throw error;
  }
}
