import type { QueueName } from '@conveyor/core';
import type { Redis } from 'ioredis';
import { parseFailedReason } from '../cancellation.ts';
import type { Keyspace } from '../keyspace.ts';
import { decodeStoredJson } from './to-job-view.ts';

/** A watch event before it is stamped with the job's id and name. */
export type WatchEvent = { type: string } & Record<string, unknown>;

/** A job's end (or null) and last progress, with the queue stream's last id when they were read. */
export interface JobSnapshot {
  streamId: string;
  terminal: WatchEvent | null;
  progress: unknown;
}

/** The job's state read in one MULTI with the stream's last id: nothing can happen between the two. */
export async function readJobSnapshot(
  redis: Redis,
  keys: Keyspace,
  queue: QueueName,
  id: string,
): Promise<JobSnapshot> {
  const replies = await redis
    .multi()
    .xrevrange(keys.events(queue), '+', '-', 'COUNT', 1)
    .hmget(keys.bull(queue, id), 'progress', 'returnvalue', 'failedReason')
    .zscore(keys.bull(queue, 'completed'), id)
    .zscore(keys.bull(queue, 'failed'), id)
    .hget(keys.cancelledJob(queue, id), 'reason')
    .exec();
  const [top, fields, completed, failed, cancelledReason] = (replies ?? []).map(
    ([, value]) => value,
  ) as [
    [string, string[]][],
    (string | null)[],
    string | null,
    string | null,
    string | null,
  ];
  const [progress, returnvalue, failedReason] = fields;
  let terminal: WatchEvent | null = null;
  if (cancelledReason !== null)
    terminal = { type: 'cancelled', reason: cancelledReason };
  else if (completed !== null)
    terminal = { type: 'completed', result: decodeStoredJson(returnvalue) };
  else if (failed !== null) terminal = failedEvent(failedReason ?? '');
  return {
    streamId: top[0]?.[0] ?? '0-0',
    terminal,
    progress: progress ? decodeStoredJson(progress) : null,
  };
}

/** BullMQ's `failed`, which is Conveyor's `cancelled` when the reason says so. */
export function failedEvent(failedReason: string): WatchEvent {
  const { cancelled, reason } = parseFailedReason(failedReason);
  return { type: cancelled ? 'cancelled' : 'failed', reason };
}
