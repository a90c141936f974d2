import { createHash } from 'node:crypto';
import type { ChainableCommander, Redis } from 'ioredis';
import type { Keyspace } from '../keyspace.ts';
import { LuaScript } from '../lua-script.ts';

export interface IdempotencyClaim {
  /** True when this call owns the key and must add the job. */
  fresh: boolean;
  /** The job id the key stands for. */
  jobId: string;
  /** Whether the stored payload is the one given now. */
  samePayload: boolean;
  /** Whether the job's add was confirmed (see `markStored`). */
  stored: boolean;
  /** When the key was claimed (ms); null for a claim written before this was recorded. */
  claimedAt: number | null;
}

/** Whose idempotency key: scoped by tenant, queue and job name. */
export interface IdempotencyTarget {
  keys: Keyspace;
  tenant: string;
  queue: string;
  jobName: string;
  key: string;
}

const sha256 = (text: string) =>
  createHash('sha256').update(text).digest('hex');

export function payloadHash(serializedPayload: unknown): string {
  return sha256(JSON.stringify(serializedPayload));
}

/**
 * Claims an idempotency key for a job id, or reports who holds it. The key
 * is stored hashed, so a caller may use anything (an e-mail address, a URL).
 * Its value is `"{jobId} {payloadHash} {claimedAt}"`, with ` stored` appended
 * once the job's add was confirmed: a claim without it belongs to an enqueue
 * still under way, or one that died before its add (the next call with the
 * key completes it).
 */
export async function claimIdempotencyKey(
  redis: Redis,
  target: IdempotencyTarget,
  candidate: { jobId: string; payloadHash: string; ttlMs: number },
): Promise<IdempotencyClaim> {
  const redisKey = idempotencyRedisKey(target);
  const claimedAt = Date.now();
  const value = `${candidate.jobId} ${candidate.payloadHash} ${claimedAt}`;
  // Two tries: the key may expire between a failed SET NX and the GET.
  for (let attempt = 0; attempt < 2; attempt += 1) {
    if (await redis.set(redisKey, value, 'PX', candidate.ttlMs, 'NX')) {
      return {
        fresh: true,
        jobId: candidate.jobId,
        samePayload: true,
        stored: false,
        claimedAt,
      };
    }
    const held = await redis.get(redisKey);
    if (held === null) continue;
    const [jobId = '', hash, ...rest] = held.split(' ');
    const at = Number(rest[0]);
    return {
      fresh: false,
      jobId,
      samePayload: hash === candidate.payloadHash,
      stored: rest.at(-1) === 'stored',
      claimedAt: Number.isFinite(at) ? at : null,
    };
  }
  throw new Error('idempotency key kept changing');
}

const MARK_STORED_LUA = `
local held = redis.call('GET', KEYS[1])
if held and string.sub(held, 1, string.len(ARGV[1]) + 1) == ARGV[1] .. ' ' and not string.find(held, ' stored$') then
  redis.call('SET', KEYS[1], held .. ' stored', 'KEEPTTL')
end
return 1`;
const MARK_STORED = new LuaScript(MARK_STORED_LUA);

/** The job of this claim is in Redis: the key now always answers with it. */
export async function markStored(
  redis: Redis,
  target: IdempotencyTarget,
  jobId: string,
): Promise<void> {
  await MARK_STORED.run(redis, [idempotencyRedisKey(target)], [jobId]);
}

/**
 * The same mark inside the add's transaction (EVAL: a transaction cannot
 * fall back from an unknown script's SHA). Best effort: without it, the
 * next call with this key finds the job and marks it.
 */
export function markStoredIn(
  multi: ChainableCommander,
  target: IdempotencyTarget,
  jobId: string,
): void {
  multi.eval(MARK_STORED_LUA, 1, idempotencyRedisKey(target), jobId);
}

const REPOINT = new LuaScript(`
local held = redis.call('GET', KEYS[1])
local from = ARGV[1] .. ' '
if held and string.sub(held, 1, string.len(from)) == from then
  redis.call('SET', KEYS[1], ARGV[2] .. ' ' .. string.sub(held, string.len(from) + 1), 'KEEPTTL')
end
return 1`);

/** The claimed job joined another (deduplication): the key now answers with that one. */
export async function repointIdempotencyKey(
  redis: Redis,
  target: IdempotencyTarget,
  from: string,
  to: string,
): Promise<void> {
  await REPOINT.run(redis, [idempotencyRedisKey(target)], [from, to]);
}

/** Gives a key back when adding its job was refused, so a retry can add it. */
export async function releaseIdempotencyKey(
  redis: Redis,
  target: IdempotencyTarget,
  jobId: string,
): Promise<void> {
  const redisKey = idempotencyRedisKey(target);
  const held = await redis.get(redisKey);
  if (held?.startsWith(`${jobId} `) && !held.endsWith(' stored'))
    await redis.del(redisKey);
}

function idempotencyRedisKey(target: IdempotencyTarget): string {
  return target.keys.idempotency(
    target.queue,
    target.tenant,
    sha256(`${target.jobName}\n${target.key}`),
  );
}

const TOUCH_LUA = `
local held = redis.call('GET', KEYS[1])
if held then redis.call('SET', KEYS[1], held, 'KEEPTTL') end
return 1`;

/**
 * Rewrites the key as it is: a write of this connection, replicated after
 * whatever stored the key's job, for a WAIT to cover (a replay under
 * replicated acknowledgements).
 */
export function touchIn(
  multi: ChainableCommander,
  target: IdempotencyTarget,
): void {
  multi.eval(TOUCH_LUA, 1, idempotencyRedisKey(target));
}

/** Whether a claimed job is stored, or was cancelled (its snapshot kept). */
export async function storedOrCancelled(
  redis: Redis,
  keys: Keyspace,
  claimed: { id: string; job: { queue: string } },
): Promise<boolean> {
  const { queue } = claimed.job;
  const [job, snapshot] = await Promise.all([
    redis.exists(keys.bull(queue, claimed.id)),
    redis.exists(keys.cancelledJob(queue, claimed.id)),
  ]);
  return job + snapshot > 0;
}
