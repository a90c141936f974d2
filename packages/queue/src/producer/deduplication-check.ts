import type { ChainableCommander } from 'ioredis';
import type { Keyspace } from '../keyspace.ts';

/** The job-hash field counting the enqueues a job absorbed (joined or replaced). */
export const ABSORBED_FIELD = 'cvdda';

/** How long the pre-add snapshot may live: it is read and deleted in the same transaction. */
const SNAPSHOT_TTL_MS = 60_000;

/**
 * Before BullMQ's add, in the same MULTI: which job of the key is delayed
 * (a debounce add may remove it) with its absorbed count, and which job is
 * stored to run next (a keep-last add may replace it). BullMQ's reply says
 * only which job an add became, not what it removed; this says the rest.
 */
const BEFORE_LUA = `
local current = redis.call('GET', KEYS[1])
local delayed, absorbed = '', '0'
if current and redis.call('ZSCORE', KEYS[3], current) then
  delayed = current
  absorbed = redis.call('HGET', ARGV[1] .. current, ARGV[2]) or '0'
end
local pending = redis.call('HGET', KEYS[2], 'jid') or ''
redis.call('HSET', KEYS[4], 'd', delayed, 'a', absorbed, 'n', pending)
redis.call('PEXPIRE', KEYS[4], ARGV[3])
return 1
`;

/**
 * After the add: what it made of the enqueue, and the listing-index entries
 * of job ids that will never exist (this one when it joined another job; a
 * debounced job BullMQ removed; a pending next job it overwrote), removed
 * here, atomically with the add. Replies `{outcome, other, ...gone ids}`.
 */
const AFTER_LUA = `
local prefix, id, field = ARGV[1], ARGV[2], ARGV[3]
local before = redis.call('HMGET', KEYS[1], 'd', 'a', 'n')
redis.call('DEL', KEYS[1])
local delayed, absorbed, pending = before[1] or '', tonumber(before[2]) or 0, before[3] or ''
local nextId = redis.call('HGET', KEYS[3], 'jid') or ''
local gone = {}
local function drop(jobId)
  redis.call('ZREM', KEYS[4], jobId)
  gone[#gone + 1] = jobId
end
if pending ~= '' and pending ~= nextId and pending ~= id then drop(pending) end
if redis.call('EXISTS', prefix .. id) == 1 then
  if delayed ~= '' and delayed ~= id and redis.call('EXISTS', prefix .. delayed) == 0 then
    drop(delayed)
    redis.call('HSET', prefix .. id, field, absorbed + 1)
    return {'replaced', delayed, unpack(gone)}
  end
  return {'added', '', unpack(gone)}
end
local current = redis.call('GET', KEYS[2]) or ''
if nextId == id then return {'next', current, unpack(gone)} end
drop(id)
if current ~= '' and redis.call('EXISTS', prefix .. current) == 1 then
  redis.call('HINCRBY', prefix .. current, field, 1)
end
return {'joined', current, unpack(gone)}
`;

/** What the add made of one enqueue, and the ids whose bookkeeping must go. */
export interface DeduplicationOutcome {
  outcome: 'added' | 'joined' | 'replaced' | 'next';
  /** The job joined, replaced or followed; '' when added. */
  other: string;
  /** Ids that will never exist: their open-set entries are released. */
  gone: string[];
}

/** One deduplicated add: its queue, its own id and BullMQ's deduplication id. */
export interface DeduplicationTarget {
  keys: Keyspace;
  queue: string;
  tenant: string;
  jobId: string;
  deduplicationId: string;
}

function keysOf(t: DeduplicationTarget) {
  const bull = (suffix: string) => t.keys.bull(t.queue, suffix);
  return {
    prefix: t.keys.queueKeyPrefix(t.queue),
    de: bull(`de:${t.deduplicationId}`),
    dn: bull(`dn:${t.deduplicationId}`),
    delayed: bull('delayed'),
    snapshot: t.keys.deduplicationSnapshot(t.queue, t.jobId),
    index: t.keys.index(t.queue, t.tenant),
  };
}

/** Queued just before BullMQ's add. */
export function snapshotBeforeAdd(
  multi: ChainableCommander,
  target: DeduplicationTarget,
): void {
  const k = keysOf(target);
  multi.eval(
    BEFORE_LUA,
    4,
    k.de,
    k.dn,
    k.delayed,
    k.snapshot,
    k.prefix,
    ABSORBED_FIELD,
    SNAPSHOT_TTL_MS,
  );
}

/** Queued just after BullMQ's add; its reply goes to `readOutcome`. */
export function settleAfterAdd(
  multi: ChainableCommander,
  target: DeduplicationTarget,
): void {
  const k = keysOf(target);
  multi.eval(
    AFTER_LUA,
    4,
    k.snapshot,
    k.de,
    k.dn,
    k.index,
    k.prefix,
    target.jobId,
    ABSORBED_FIELD,
  );
}

export function readOutcome(reply: unknown): DeduplicationOutcome {
  const [outcome, other, ...gone] = Array.isArray(reply)
    ? reply.map(String)
    : [];
  switch (outcome) {
    case 'added':
    case 'joined':
    case 'replaced':
    case 'next':
      return { outcome, other: other ?? '', gone };
    default:
      throw new Error(`Unexpected deduplication reply: ${String(reply)}`);
  }
}
