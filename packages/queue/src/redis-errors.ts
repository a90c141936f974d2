/**
 * Why Redis refused a command although the connection is fine:
 *
 * - `oom`: `maxmemory` reached under `noeviction`; writes fail until memory
 *   is freed or the limit raised (reads and deletes still work).
 * - `readonly`: the connection reached a replica (a failover moved the
 *   primary); writes fail until clients reconnect to the new primary.
 * - `loading`: Redis is loading its dataset after a restart; everything
 *   fails for a while, then works.
 * - `busy`: a script has run past `busy-reply-threshold`.
 * - `misconf`: an RDB save failed and `stop-writes-on-bgsave-error` is on;
 *   writes fail until a save succeeds (usually a full disk).
 */
export type RedisRefusal = 'oom' | 'readonly' | 'loading' | 'busy' | 'misconf';

// Matched anywhere in the message, not only at its start: inside a Lua
// script (every BullMQ write) Redis 6 reports the inner error as
// "ERR Error running script … -OOM command not allowed …".
const REFUSALS: readonly [RedisRefusal, RegExp][] = [
  ['oom', /\bOOM command not allowed\b/],
  ['readonly', /\bREADONLY\b.*\bread only replica\b/i],
  ['loading', /\bLOADING\b.*\bloading the dataset\b/i],
  ['busy', /\bBUSY\b.*\brunning a script\b/i],
  ['misconf', /\bMISCONF\b/],
];

/** How deep wrappers may nest before we stop looking (a cycle would loop forever). */
const MAX_DEPTH = 8;

/**
 * The Redis refusal behind `error`, or null when it is something else (a
 * lost connection, a timeout, a bug). Looks through the wrappers this code
 * base meets: `cause` chains (ConveyorError, BullMQ), ioredis's
 * `previousErrors` (a MULTI that Redis aborted with EXECABORT, as BullMQ's
 * `addBulk` and `FlowProducer` use) and `AggregateError.errors`.
 */
export function redisRefusal(error: unknown): RedisRefusal | null {
  const seen = new Set<unknown>();
  const queue: [unknown, number][] = [[error, 0]];
  for (let next = queue.shift(); next; next = queue.shift()) {
    const [candidate, depth] = next;
    if (!(candidate instanceof Error) || seen.has(candidate)) continue;
    seen.add(candidate);
    const found = REFUSALS.find(([, pattern]) =>
      pattern.test(candidate.message),
    );
    if (found) return found[0];
    if (depth < MAX_DEPTH)
      for (const inner of wrapped(candidate)) queue.push([inner, depth + 1]);
  }
  return null;
}

/**
 * True when Redis refused because it is out of memory. The producer turns
 * such a failure into `QueueFullError`; services use it to log the episode
 * once instead of once per refusal.
 */
export function isRedisOutOfMemory(error: unknown): boolean {
  return redisRefusal(error) === 'oom';
}

function wrapped(error: Error): unknown[] {
  const { previousErrors, errors } = error as {
    previousErrors?: unknown;
    errors?: unknown;
  };
  const list = (value: unknown): unknown[] =>
    Array.isArray(value) ? (value as unknown[]) : [];
  return [error.cause, ...list(previousErrors), ...list(errors)];
}

const CONNECTION_TROUBLE =
  /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|EHOSTUNREACH|ENOTFOUND|EAI_AGAIN|Connection is closed|Stream isn't writeable|connection lost/i;

/**
 * Whether an error is the connection being down rather than something to
 * report on its own: the shared connection logs each outage once
 * (`createRedisClient`), so BullMQ workers retrying their fetch during the
 * outage must not add a line per attempt.
 */
export function isConnectionTrouble(
  redis: { readonly status: string },
  error: Error,
): boolean {
  return redis.status !== 'ready' || CONNECTION_TROUBLE.test(error.message);
}
