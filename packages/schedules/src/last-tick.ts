import { scheduledTick } from '@conveyor/core';
import { LuaScript, type Keyspace } from '@conveyor/queue';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';

/** A schedule's latest fired tick: when, and the id of the job it made. */
export interface FiredTick {
  at: number;
  jobId: string;
}

/**
 * Keeps the later tick only: workers may start two ticks of one schedule
 * out of order (a retry, a backlog), and "last" means the latest tick.
 * KEYS: ticks hash. ARGV: schedule id, tick ms.
 */
const RECORD_SCRIPT = new LuaScript(`
local previous = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '-1')
if tonumber(ARGV[2]) > previous then
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
end
return 1
`);

/** Notes a fired job's tick as its schedule's last (a no-op for other jobs). */
export async function recordTick(
  redis: Redis,
  keys: Keyspace,
  jobId: string,
): Promise<void> {
  const tick = scheduledTick(jobId);
  if (!tick) return;
  await RECORD_SCRIPT.run(
    redis,
    [keys.scheduleTicks()],
    [tick.scheduleId, tick.tickAt],
  );
}

/**
 * The schedule's last tick: its pending run if that is already due (fired,
 * not started yet: no worker free, or none running), else the latest one a
 * worker started. Null: it never fired.
 */
export async function lastTick(
  source: { redis: Redis; keys: Keyspace; queue: Queue | undefined },
  scheduleId: string,
  pendingAt: number | undefined,
): Promise<FiredTick | null> {
  if (pendingAt !== undefined && pendingAt <= Date.now()) {
    const jobId = `repeat:${scheduleId}:${pendingAt}`;
    if (source.queue && (await source.queue.getJob(jobId)))
      return { at: pendingAt, jobId };
  }
  const started = await source.redis.hget(
    source.keys.scheduleTicks(),
    scheduleId,
  );
  if (started === null) return null;
  const at = Number(started);
  return { at, jobId: `repeat:${scheduleId}:${at}` };
}
