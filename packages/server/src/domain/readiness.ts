import {
  ConveyorError,
  QueueFullError,
  QueueUnavailableError,
} from '@conveyor/core';
import {
  DEFAULT_ENQUEUE_TIMEOUT_MS,
  isRedisOutOfMemory,
  readRedisCapacity,
  whenReady,
  withDeadline,
} from '@conveyor/queue';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';

export interface Readiness {
  ready: boolean;
  redis: 'up' | 'down';
  /** Why not ready, in the API's error reasons: Redis down, or out of memory. */
  reason?: 'QUEUE_UNAVAILABLE' | 'QUEUE_FULL';
  /** Bytes; `max` and `ratio` are null without a maxmemory. */
  memory?: { used: number; max: number | null; ratio: number | null };
  maxmemoryPolicy?: string;
  persistence?: { aof: boolean; rdbLastSave: 'ok' | 'err' };
  warnings: string[];
}

const READINESS_TIMEOUT_MS = 1_000;

/**
 * Whether the API can serve (`/readyz`), and `up`: every Redis-backed call
 * runs through it, so a Redis outage is a 503, never a 500.
 */
export class ReadinessService {
  /**
   * @param probeKey A key in the queues' hash slot, for the memory probe
   *   (undefined for a registry without queues).
   */
  constructor(
    private readonly redis: Redis,
    private readonly logger: Logger,
    private readonly probeKey: string | undefined,
  ) {}

  /**
   * Redis answers and has room: at maxmemory under noeviction it refuses
   * every enqueue, so the API is not ready (503) although Redis is up. A
   * maxmemory-policy other than noeviction is reported but keeps the API
   * ready (it can still work, but Redis under memory pressure deletes jobs).
   */
  async check(): Promise<Readiness> {
    try {
      const { probeKey } = this;
      const capacity = await withDeadline(
        readRedisCapacity(this.redis, probeKey ? { probeKey } : {}),
        READINESS_TIMEOUT_MS,
      );
      const policy = capacity.maxmemoryPolicy;
      const warnings = [
        ...(capacity.full
          ? ['Redis is out of memory (maxmemory reached): enqueues are refused']
          : []),
        ...(policy && policy !== 'noeviction'
          ? [
              `Redis maxmemory-policy is "${policy}"; set it to "noeviction" or jobs may be evicted`,
            ]
          : []),
        ...(capacity.persistence.rdbLastSave === 'err'
          ? ["Redis's last RDB snapshot failed; Redis may refuse writes"]
          : []),
      ];
      return {
        ready: !capacity.full,
        redis: 'up',
        ...(capacity.full ? { reason: 'QUEUE_FULL' as const } : {}),
        memory: capacity.memory,
        ...(policy ? { maxmemoryPolicy: policy } : {}),
        persistence: capacity.persistence,
        warnings,
      };
    } catch (error) {
      this.logger.debug({ err: error }, 'readiness check failed');
      return {
        ready: false,
        redis: 'down',
        reason: 'QUEUE_UNAVAILABLE',
        warnings: [],
      };
    }
  }

  /**
   * Runs a read or an action once the fail-fast connection is up (waiting
   * for it as long as an enqueue would); a Redis that is down, or drops
   * meanwhile, is a 503 QUEUE_UNAVAILABLE, not a 500.
   */
  async up<T>(work: () => Promise<T>): Promise<T> {
    try {
      await whenReady(this.redis, DEFAULT_ENQUEUE_TIMEOUT_MS);
      return await work();
    } catch (error) {
      if (error instanceof ConveyorError) throw error;
      // Out of memory, Redis refuses even the reads inside a MULTI.
      if (isRedisOutOfMemory(error)) throw new QueueFullError({ cause: error });
      if (this.redis.status === 'ready') throw error;
      throw new QueueUnavailableError({ cause: error });
    }
  }
}
