import { decodeEnvelope, encodeEnvelope, upcastPayload } from '@conveyor/core';
import type { Redis } from 'ioredis';
import type { Keyspace } from '../keyspace.ts';
import { payloadHash } from './idempotency.ts';
import type { TenantJob } from './tenant-job.ts';

/**
 * Whether a request whose payload hash differs from its idempotency claim's
 * is still a replay: the claimed job was stored with an older input version
 * (by a producer of the previous release), and upcast it is the payload
 * given now. Its hash was taken as that release wrote it, so only the
 * stored job can tell. Anything that cannot be read or upcast is no replay
 * (the caller reports the conflict as before).
 */
export async function isUpcastReplay(
  redis: Redis,
  keys: Keyspace,
  prepared: TenantJob,
  claimedId: string,
): Promise<boolean> {
  const { job, envelope } = prepared;
  if (job.version === 1) return false;
  const raw =
    (await redis.hget(keys.bull(job.queue, claimedId), 'data')) ??
    (await redis.hget(keys.cancelledJob(job.queue, claimedId), 'data'));
  if (raw === null) return false;
  try {
    const stored = decodeEnvelope(JSON.parse(raw));
    if (stored.version >= job.version) return false;
    const upcast = upcastPayload(job, stored.payload, stored.version);
    const hashed = encodeEnvelope(upcast, { version: job.version }).payload;
    return payloadHash(hashed) === payloadHash(envelope.payload);
  } catch {
    return false;
  }
}
