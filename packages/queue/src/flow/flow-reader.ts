import type { WaitingFor } from '@conveyor/core';
import type { Redis } from 'ioredis';
import type { Keyspace } from '../keyspace.ts';

/** The waiting job to explain: where it is and whose it is. */
export interface FlowJobRef {
  queue: string;
  id: string;
  tenant: string;
  /** Its job name: a lane is `{tenant}:{job}:{key}`. */
  name: string;
}

const BLOCKED = new Set(['concurrency', 'rate-limit']);

/**
 * Why a waiting job under flow control has not started, read from the keys
 * the dispatch script keeps (keyspace.ts, `{Q}:cv:fc:*`): held (`cvh`) in a
 * lane that sleeps (a full key or an empty bucket, as `why` says), else
 * held for its tenant's turn; or dispatched (`cvd`), waiting for a worker.
 * Null for a job flow control never held. Reads only; every key is on the
 * queue's slot, so one pipeline.
 */
export async function readWaitingFor(
  redis: Redis,
  keys: Keyspace,
  job: FlowJobRef,
): Promise<WaitingFor | null> {
  const [held, spec, dispatched] = await redis.hmget(
    keys.bull(job.queue, job.id),
    'cvh',
    'cvf',
    'cvd',
  );
  const lane = held === '1' ? laneOf(spec) : null;
  if (lane !== null) return heldFor(redis, keys, job, lane);
  if (dispatched === '1')
    return { reason: 'dispatched', key: keyOf(laneOf(spec), job) };
  return null;
}

async function heldFor(
  redis: Redis,
  keys: Keyspace,
  job: FlowJobRef,
  lane: string,
): Promise<WaitingFor> {
  const fc = keys.flowPrefix(job.queue);
  const replies = await redis
    .pipeline()
    .zscore(`${fc}sleep`, lane)
    .hget(`${fc}why`, lane)
    .zrank(`${fc}lane:${lane}`, job.id)
    .exec();
  const [wake, why, rank] = (replies ?? []).map(([, value]) => value) as [
    string | null,
    string | null,
    number | null,
  ];
  const key = keyOf(lane, job);
  const position = rank === null ? {} : { position: rank + 1 };
  if (wake !== null && why !== null && BLOCKED.has(why))
    return {
      reason: why as 'concurrency' | 'rate-limit',
      key,
      ...position,
      retryAt: new Date(Number(wake)),
    };
  return { reason: 'fair-share', key, ...position };
}

/** The lane from the job's `cvf` (`{"l": lane, …}`), null when unreadable. */
function laneOf(spec: string | null | undefined): string | null {
  if (!spec) return null;
  try {
    const { l } = JSON.parse(spec) as { l?: unknown };
    return typeof l === 'string' ? l : null;
  } catch {
    return null;
  }
}

/** The key part of `{tenant}:{job}:{key}`; null when empty (a job without one). */
function keyOf(lane: string | null, job: FlowJobRef): string | null {
  if (lane === null) return null;
  const head = `${job.tenant}:${job.name}:`;
  const key = lane.startsWith(head) ? lane.slice(head.length) : lane;
  return key === '' ? null : key;
}
