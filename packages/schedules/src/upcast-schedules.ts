import {
  envelopeVersion,
  readStoredPayload,
  type AnyRegistry,
  type JobEnvelope,
} from '@conveyor/core';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import {
  encodeSealedEnvelope,
  LuaScript,
  openPayload,
  type Keyspace,
} from '@conveyor/queue';
import type { StoredSchedule } from './stored-schedule.ts';
import { tenantScheduleHashes } from './tenant-schedule-hashes.ts';

/** Replaces a hash field only if it still holds what was read: a concurrent upsert wins. KEYS: hash. ARGV: field, expected, next. */
const SWAP_SCRIPT = new LuaScript(`
if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
return 1
`);

export interface UpcastSchedulesResult {
  /** `{tenant}/{name}` of API schedules and scheduler ids rewritten at the current version. */
  upcast: string[];
  /** The same, for those whose data has no path to it (left as stored). */
  failed: string[];
}

interface Home {
  registry: AnyRegistry;
  redis: Redis;
  keys: Keyspace;
  logger: Logger;
}

/**
 * Rewrites schedules whose data an older release stored: tenants' API
 * schedule records, and every job scheduler's template (the data each
 * next tick is made from), upcast to the job's current input version. One
 * that cannot be upcast is left as stored and logged (`conveyor compat`
 * reports it too). Runs already made keep their data: workers upcast it.
 */
export async function upcastSchedules(
  home: Home,
): Promise<UpcastSchedulesResult> {
  const result: UpcastSchedulesResult = { upcast: [], failed: [] };
  // Nothing to upcast until a job declares a second version: no scan at all.
  const versioned = home.registry.names.filter(
    (name) => (home.registry.get(name)?.version ?? 1) > 1,
  );
  if (versioned.length === 0) return result;
  const queues = new Set(versioned.map((n) => home.registry.get(n)?.queue));
  for (const hash of await tenantScheduleHashes(home.redis, home.keys))
    for (const [name, json] of Object.entries(await home.redis.hgetall(hash)))
      await upcastRecord(home, { hash, name, json }, result);
  for (const queue of home.registry.queues.filter((q) => queues.has(q))) {
    const index = home.keys.bull(queue, 'repeat');
    for (const id of await home.redis.zrange(index, '0', '-1'))
      await upcastTemplate(home, home.keys.bull(queue, `repeat:${id}`), result);
  }
  if (result.upcast.length || result.failed.length)
    home.logger.info(result, 'stored schedules upcast');
  return result;
}

async function upcastRecord(
  home: Home,
  entry: { hash: string; name: string; json: string },
  result: UpcastSchedulesResult,
): Promise<void> {
  let stored: StoredSchedule;
  try {
    stored = JSON.parse(entry.json) as StoredSchedule;
  } catch {
    return;
  }
  const data = upcastData(home, stored.job, stored.data);
  if (data === undefined) return;
  const label = `${stored.data.tenantId ?? ''}/${entry.name}`;
  if (data === null) {
    result.failed.push(label);
    return;
  }
  const next = JSON.stringify({ ...stored, data });
  await SWAP_SCRIPT.run(
    home.redis,
    [entry.hash],
    [entry.name, entry.json, next],
  );
  result.upcast.push(label);
}

async function upcastTemplate(
  home: Home,
  key: string,
  result: UpcastSchedulesResult,
): Promise<void> {
  const [name, json] = await home.redis.hmget(key, 'name', 'data');
  if (!name || !json) return;
  let stored: JobEnvelope;
  try {
    stored = JSON.parse(json) as JobEnvelope;
  } catch {
    return;
  }
  const data = upcastData(home, name, stored);
  if (data === undefined) return;
  const label = key.slice(key.lastIndexOf(':repeat:') + ':repeat:'.length);
  if (data === null) {
    result.failed.push(label);
    return;
  }
  await SWAP_SCRIPT.run(
    home.redis,
    [key],
    ['data', json, JSON.stringify(data)],
  );
  result.upcast.push(label);
}

/**
 * The envelope at the job's current version; undefined when there is
 * nothing to do (current, newer, unknown job, no envelope), null when the
 * data has no path (logged).
 */
function upcastData(
  home: Home,
  jobName: string,
  stored: JobEnvelope,
): JobEnvelope | null | undefined {
  const job = home.registry.get(jobName);
  const version = envelopeVersion(stored);
  if (!job || version === null || version >= job.version) return undefined;
  try {
    const read = readStoredPayload(job, stored, (sealed) =>
      openPayload(job, 'data', sealed),
    );
    const { payload: _old, v: _v, pv: _pv, s: _s, ...meta } = stored;
    return {
      ...meta,
      ...encodeSealedEnvelope(job, read.payload, { version: job.version }),
    };
  } catch (error) {
    home.logger.warn(
      { job: jobName, version, err: error },
      'a stored schedule cannot be upcast: left as stored',
    );
    return null;
  }
}
