import { envelopeVersion, type WaitingFor } from '@conveyor/core';
import type { Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Keyspace } from '../keyspace.ts';

/**
 * A job's latest hand-back (`{Q}:cv:handback:{jobId}`, keyspace.ts): a
 * worker took it, found its input written with a version it does not know,
 * and put it back delayed. Kept a day: long enough to explain a stuck
 * rolling deploy, gone without anyone deleting it.
 */
export interface HandBackRecord {
  /** The input version the payload was written with. */
  stored: number;
  /** The newest version the worker that handed it back knows; 0 when it does not know the job. */
  known: number;
  /** Hand-backs of this job so far (the delay doubles with each). */
  count: number;
  /** When it was handed back (ms since the epoch, the worker's clock). */
  at: number;
  /** When it is offered to the workers again. */
  retryAt: number;
}

export const HAND_BACK_TTL_MS = 24 * 60 * 60 * 1_000;

/** The first hand-back waits a second, each next one twice as long, up to 30 s. */
export function handBackDelayMs(count: number): number {
  return Math.min(1_000 * 2 ** Math.min(Math.max(count - 1, 0), 5), 30_000);
}

/** The stored input version of a job (from its envelope's `pv`), 1 when unmarked. */
export function storedVersionOf(job: Pick<Job, 'data'>): number {
  return envelopeVersion(job.data) ?? 1;
}

export async function readHandBackRecord(
  redis: Redis,
  key: string,
): Promise<HandBackRecord | null> {
  const raw = await redis.get(key);
  if (raw === null) return null;
  try {
    const record = JSON.parse(raw) as Partial<HandBackRecord>;
    const fields = [
      record.stored,
      record.known,
      record.count,
      record.at,
      record.retryAt,
    ];
    return fields.every((n) => typeof n === 'number')
      ? (record as HandBackRecord)
      : null;
  } catch {
    return null;
  }
}

export async function writeHandBackRecord(
  redis: Redis,
  key: string,
  record: HandBackRecord,
): Promise<void> {
  await redis.set(key, JSON.stringify(record), 'PX', HAND_BACK_TTL_MS);
}

/**
 * Why a waiting or delayed job has not run, when a worker handed it back as
 * too new (a newer input version, or a job its contract lacks); null
 * otherwise. One GET for every waiting or delayed job read singly (a
 * hand-back leaves no mark on the job itself). One a worker has started
 * since the hand-back (a worker that knows it) is no longer waiting.
 */
export async function readHandBack(
  redis: Redis,
  keys: Keyspace,
  queue: string,
  job: Pick<Job, 'id' | 'data' | 'processedOn'>,
): Promise<WaitingFor | null> {
  if (!job.id) return null;
  const record = await readHandBackRecord(redis, keys.handBack(queue, job.id));
  if (!record || record.at < (job.processedOn ?? 0)) return null;
  return {
    reason: 'version',
    key: null,
    storedVersion: record.stored,
    knownVersion: record.known,
    handBacks: record.count,
    retryAt: new Date(record.retryAt),
  };
}
