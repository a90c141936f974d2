import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import {
  capacityFromInfo,
  parseRedisInfo,
  type RedisCapacity,
} from '@conveyor/queue';

/** BullMQ refuses Redis older than 5.0 and recommends at least this one. */
export const MIN_RECOMMENDED_REDIS = '6.2.0';

export interface RedisSelfCheck {
  version: string;
  memory: RedisCapacity['memory'];
  maxmemoryPolicy: string | null;
  aof: boolean;
  /** null where `CONFIG GET` is not allowed (many managed Redis services). */
  appendfsync: string | null;
  /** The `save` schedule; '' means RDB snapshots are off. */
  rdbSave: string | null;
  warnings: string[];
}

/**
 * Logs, once Redis is reachable, the settings jobs depend on (version,
 * maxmemory and policy, AOF and RDB) at info, and each risky one at warn.
 * Never throws: a self-check must not stop a service from starting.
 */
export async function redisSelfCheck(
  redis: Redis,
  logger: Logger,
): Promise<RedisSelfCheck | null> {
  try {
    if (redis.status !== 'ready')
      await new Promise((resolve) => redis.once('ready', resolve));
    const check = await readSelfCheck(redis);
    logger.info(
      { redis: { ...check, warnings: undefined } },
      `Redis ${check.version}: ${describe(check)}`,
    );
    for (const warning of check.warnings) logger.warn(warning);
    return check;
  } catch (error) {
    logger.warn({ err: error }, 'Redis self-check could not read settings');
    return null;
  }
}

async function readSelfCheck(redis: Redis): Promise<RedisSelfCheck> {
  const capacity = capacityFromInfo(parseRedisInfo(await redis.info()));
  const [appendfsync, rdbSave] = await Promise.all([
    configValue(redis, 'appendfsync'),
    configValue(redis, 'save'),
  ]);
  const check = {
    version: capacity.version,
    memory: capacity.memory,
    maxmemoryPolicy: capacity.maxmemoryPolicy,
    aof: capacity.persistence.aof,
    appendfsync,
    rdbSave,
  };
  return { ...check, warnings: risks(check) };
}

function risks(check: Omit<RedisSelfCheck, 'warnings'>): string[] {
  const warnings: string[] = [];
  if (check.maxmemoryPolicy && check.maxmemoryPolicy !== 'noeviction')
    warnings.push(
      `Redis maxmemory-policy is "${check.maxmemoryPolicy}"; set it to "noeviction" or Redis may delete jobs under memory pressure`,
    );
  if (!check.aof && check.rdbSave === '')
    warnings.push(
      'Redis persistence is off (no AOF, no RDB snapshots): a Redis restart loses every job',
    );
  if (
    check.version !== 'unknown' &&
    olderThan(check.version, MIN_RECOMMENDED_REDIS)
  )
    warnings.push(
      `Redis ${check.version} is older than ${MIN_RECOMMENDED_REDIS}, the oldest BullMQ recommends; upgrade Redis`,
    );
  return warnings;
}

function describe(check: RedisSelfCheck): string {
  const { max } = check.memory;
  const memory = max
    ? `maxmemory ${(max / 1024 / 1024).toFixed(1)} MB (${check.maxmemoryPolicy ?? 'unknown policy'})`
    : 'no maxmemory (grows until the host runs out)';
  const aof = check.aof
    ? `AOF on (appendfsync ${check.appendfsync ?? 'unknown'})`
    : 'AOF off';
  const rdb =
    check.rdbSave === null
      ? 'RDB save unknown'
      : check.rdbSave
        ? `RDB save "${check.rdbSave}"`
        : 'RDB off';
  return `${memory}, ${aof}, ${rdb}`;
}

/** `CONFIG GET name`, or null where CONFIG is disabled or renamed. */
async function configValue(redis: Redis, name: string) {
  try {
    const reply = await redis.config('GET', name);
    return reply[1] ?? null;
  } catch {
    return null;
  }
}

function olderThan(version: string, minimum: string): boolean {
  const parts = (v: string) => v.split('.').map((n) => Number(n) || 0);
  const [a, b] = [parts(version), parts(minimum)];
  for (let i = 0; i < 3; i++) {
    const diff = (a[i] ?? 0) - (b[i] ?? 0);
    if (diff !== 0) return diff < 0;
  }
  return false;
}
