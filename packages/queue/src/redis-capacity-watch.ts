import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import {
  readRedisCapacity,
  type RedisCapacity,
  type RedisMemory,
} from './redis-capacity.ts';
import { isRedisOutOfMemory } from './redis-errors.ts';

export interface RedisCapacityWatchOptions {
  /** How often memory is checked; 5 s when omitted. */
  intervalMs?: number;
  /** A key for the write probe (stores nothing); without one only INFO is read. */
  probeKey?: string;
}

export interface RedisCapacityWatch {
  /** True while Redis is refusing writes for lack of memory, as last seen. */
  readonly full: boolean;
  /**
   * Hand it any error from a Redis command: an OOM refusal starts an episode
   * (one warn line) if none is open. Returns true for an OOM refusal, so the
   * caller can skip its own per-error log line.
   */
  observe(error: unknown): boolean;
  /** Checks now (the timer does this every `intervalMs`). */
  check(): Promise<RedisCapacity | null>;
  /** Resolves once a check finds room and the episode is over; checks every `pollMs`. */
  whenRoom(pollMs?: number): Promise<void>;
  stop(): void;
}

/**
 * Logs a Redis out-of-memory episode once: one warn when refusals start
 * (seen by a check or handed to `observe`), one info when Redis has room
 * again, however many commands were refused in between. The checks run on
 * an unref'd timer, so they never keep a process alive.
 */
export function watchRedisCapacity(
  redis: Redis,
  logger: Logger,
  options: RedisCapacityWatchOptions = {},
): RedisCapacityWatch {
  let full = false;
  let refusals = 0;
  let since = 0;
  // Around the limit Redis flips between refusing and accepting; an episode
  // ends only after a whole interval without a refusal, so it logs once.
  let refusedSinceCheck = false;

  const begin = (memory: RedisMemory | null, via: string) => {
    full = true;
    since = Date.now();
    logger.warn(
      { memory, via },
      'Redis is out of memory (maxmemory reached, noeviction): enqueues and job updates are refused until memory is freed or maxmemory raised',
    );
  };
  const end = (memory: RedisMemory) => {
    logger.info(
      { memory, refusals, durationMs: Date.now() - since },
      'Redis has memory again: enqueues and job updates resume',
    );
    full = false;
    refusals = 0;
  };

  const check = async () => {
    try {
      const capacity = await readRedisCapacity(redis, options);
      const quiet = !refusedSinceCheck;
      refusedSinceCheck = false;
      if (capacity.full && !full) begin(capacity.memory, 'check');
      else if (!capacity.full && full && quiet) end(capacity.memory);
      return capacity;
    } catch {
      // Redis down is the connection's episode to log (createRedisClient).
      return null;
    }
  };
  const timer = setInterval(() => void check(), options.intervalMs ?? 5_000);
  timer.unref();

  return {
    get full() {
      return full;
    },
    observe(error) {
      if (!isRedisOutOfMemory(error)) return false;
      refusals += 1;
      refusedSinceCheck = true;
      if (!full) begin(null, 'refusal');
      return true;
    },
    check,
    async whenRoom(pollMs = 1_000) {
      while ((await check()) === null || full)
        await new Promise((resolve) => setTimeout(resolve, pollMs));
    },
    stop: () => clearInterval(timer),
  };
}
