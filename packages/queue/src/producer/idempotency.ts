import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Keyspace } from '../keyspace.ts';

export interface IdempotencyClaim {
  /** True when this call owns the key and must add the job. */
  fresh: boolean;
  /** The job id the key stands for. */
  jobId: string;
  /** Whether the stored payload is the one given now. */
  samePayload: boolean;
}

const sha256 = (text: string) =>
  createHash('sha256').update(text).digest('hex');

export function payloadHash(serializedPayload: unknown): string {
  return sha256(JSON.stringify(serializedPayload));
}

/** Whose idempotency key: scoped by tenant, queue and job name. */
export interface IdempotencyTarget {
  keys: Keyspace;
  tenant: string;
  queue: string;
  jobName: string;
  key: string;
}

/**
 * Claims an idempotency key for a job id, or reports who holds it. The key
 * is stored hashed, so a caller may use anything (an e-mail address, a URL).
 */
export async function claimIdempotencyKey(
  redis: Redis,
  target: IdempotencyTarget,
  candidate: { jobId: string; payloadHash: string; ttlMs: number },
): Promise<IdempotencyClaim> {
  const redisKey = idempotencyRedisKey(target);
  const value = `${candidate.jobId} ${candidate.payloadHash}`;
  // Two tries: the key may expire between a failed SET NX and the GET.
  for (let attempt = 0; attempt < 2; attempt += 1) {
    if (await redis.set(redisKey, value, 'PX', candidate.ttlMs, 'NX')) {
      return { fresh: true, jobId: candidate.jobId, samePayload: true };
    }
    const held = await redis.get(redisKey);
    if (held === null) continue;
    const [jobId = '', hash] = held.split(' ');
    return { fresh: false, jobId, samePayload: hash === candidate.payloadHash };
  }
  throw new Error('idempotency key kept changing');
}

/** Gives a key back when adding its job failed, so a retry can add it. */
export async function releaseIdempotencyKey(
  redis: Redis,
  target: IdempotencyTarget,
  jobId: string,
): Promise<void> {
  const redisKey = idempotencyRedisKey(target);
  const held = await redis.get(redisKey);
  if (held?.startsWith(`${jobId} `)) await redis.del(redisKey);
}

function idempotencyRedisKey(target: IdempotencyTarget): string {
  return target.keys.idempotency(
    target.queue,
    target.tenant,
    sha256(`${target.jobName}\n${target.key}`),
  );
}
