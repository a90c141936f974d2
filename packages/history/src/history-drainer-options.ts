import type { Keyspace } from '@conveyor/queue';
import type { Redis } from 'ioredis';
import type { Kysely } from 'kysely';
import type { HistoryDatabase } from './history-schema.ts';
import type { HistoryLogger } from './history-logger.ts';

export interface HistoryDrainerOptions {
  redis: Redis;
  keys: Keyspace;
  db: Kysely<HistoryDatabase>;
  logger: HistoryLogger;
  /** Entries read and written per transaction; default 2,000 (larger batches drain faster). */
  batchSize?: number;
  /** How long one read waits for new entries; default 1,000 ms (also bounds `close`). */
  blockMs?: number;
  /** This process's consumer name; default host + pid + random. */
  consumer?: string;
  /** Entries another consumer left un-acked this long are taken over; default 30 s. */
  claimIdleMs?: number;
  /** Longest wait between retries while PostgreSQL is down; default 5 s. */
  maxBackoffMs?: number;
  /**
   * After a batch that was not full, wait this long before reading again,
   * so the next one gathers more: PostgreSQL's cost per transaction is
   * shared by more rows, for at most this much more lag (a transition
   * after a quiet spell is read at once). Default 200 ms: at 4,000
   * transitions/s, PostgreSQL's CPU per transition fell from about 110 to
   * 45–75 µs (`packages/bench/src/history-drain-cost.ts`). 0: read at once.
   */
  gatherMs?: number;
}

export interface HistoryLagStats {
  /** Transitions written since start that changed their row (replays count none). */
  written: number;
  /** now − transition.at when written, over the last ≤ 10,000 transitions. */
  writeLagMs: { p50: number; p99: number; max: number; samples: number };
  /** True while PostgreSQL is refusing writes (entries wait in Redis). */
  outage: boolean;
}

export interface HistoryDrainer {
  /** Age of the oldest entry not yet written (0 when the outbox is empty). */
  lagMs(): Promise<number>;
  stats(): HistoryLagStats;
  /**
   * Stops after the batch under way (its entries are acked or left pending);
   * resolves within about 5 s even when Redis or PostgreSQL does not answer.
   */
  close(): Promise<void>;
}

/** The consumer group every drainer reads the outbox with. */
export const HISTORY_GROUP = 'history-writers';
