import type { Redis } from 'ioredis';
import type { Keyspace } from '../keyspace.ts';
import { LuaScript } from '../lua-script.ts';
import { scanKeys } from '../scan-keys.ts';
import type { Keyring } from './keyring.ts';
import { resealText } from './reseal.ts';

/** What a re-encryption pass found and changed. */
export interface ReencryptReport {
  /** Stored values (hash fields, strings, rows) rewritten. */
  rewritten: number;
  /** Sealed values now under the current key. */
  resealed: number;
  /** Sealed values no configured key opens (left as they are). */
  unopened: number;
}

// Only if the value is still what was read: a job moving on meanwhile keeps its own write.
const SET_FIELD_IF = new LuaScript(`
if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
  return 1
end
return 0`);
const SET_IF = new LuaScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2], 'KEEPTTL')
  return 1
end
return 0`);

/**
 * Seals again, under the current key, every sealed value Redis keeps in a
 * hash field or a string under the installation's prefix: jobs' data and
 * results, cancelled snapshots, schedules and their templates. Streams
 * (lifecycle events, the history outbox) are not rewritten: they are
 * trimmed as they go, so keep an old key until they have turned over.
 */
export async function reencryptRedis(options: {
  redis: Redis;
  keys: Keyspace;
  keyring: Keyring;
  jobNames: readonly string[];
}): Promise<ReencryptReport> {
  const report: ReencryptReport = { rewritten: 0, resealed: 0, unopened: 0 };
  const { redis, keyring, jobNames } = options;
  for (const key of await scanKeys(redis, `${options.keys.prefix}:*`)) {
    const type = await redis.type(key);
    if (type === 'hash') {
      const fields = await redis.hgetall(key);
      for (const [field, value] of Object.entries(fields)) {
        const next = resealText(keyring, jobNames, value);
        count(report, next);
        if (next.resealed > 0)
          report.rewritten += Number(
            await SET_FIELD_IF.run(redis, [key], [field, value, next.text]),
          );
      }
    } else if (type === 'string') {
      const value = await redis.get(key);
      if (value === null) continue;
      const next = resealText(keyring, jobNames, value);
      count(report, next);
      if (next.resealed > 0)
        report.rewritten += Number(
          await SET_IF.run(redis, [key], [value, next.text]),
        );
    }
  }
  return report;
}

function count(
  report: ReencryptReport,
  next: { resealed: number; unopened: number },
): void {
  report.resealed += next.resealed;
  report.unopened += next.unopened;
}
