import type { HistoryState } from './history-schema.ts';

/** A job as history knows it: plain data (Dates as Date), ready for tRPC with superjson. */
export interface HistoryJobView {
  id: string;
  tenant: string;
  name: string;
  queue: string;
  state: HistoryState;
  run: number;
  /**
   * The payload as the producer validated it (superjson-decoded); the API
   * shows it upcast to its contract's input version (see `payloadVersion`).
   */
  data: unknown;
  /**
   * The input version `data` was recorded with, when the row recorded it;
   * absent otherwise (the API then infers it from the payload).
   */
  storedVersion?: number;
  /** Set by the API when a recorded older payload cannot be upcast: why `data` is null. */
  dataError?: string;
  /**
   * Set by the API when versions are in play (either is above 1): the
   * version the payload was recorded with, and its contract's current one.
   */
  payloadVersion?: { stored: number; current: number };
  /** The processor's result, once completed. */
  result: unknown;
  lastError: string | null;
  attempts: number;
  idempotencyKey: string | null;
  enqueuedBy: string | null;
  /** Through what the API enqueued it (`api`, `in-process`, `dashboard`, …); absent when not recorded. */
  enqueuedVia?: string;
  /** The delay its enqueue asked for (ms); absent: none, or not recorded. */
  enqueuedDelayMs?: number;
  enqueuedAt: Date | null;
  startedAt: Date | null;
  finishedAt: Date | null;
  durationMs: number | null;
  updatedAt: Date;
}

export interface HistoryAttemptView {
  run: number;
  attempt: number;
  startedAt: Date | null;
  endedAt: Date | null;
  outcome: string | null;
  error: string | null;
  /** The failing attempt's stack (≤ 8 KB), when the processor threw one; absent otherwise. */
  stack?: string;
  worker: string | null;
}

/** `history.get`: the job and every attempt of every run, oldest first. */
export interface HistoryJobDetail {
  job: HistoryJobView;
  attempts: HistoryAttemptView[];
}

export interface HistoryListQuery {
  tenant: string;
  name?: string;
  state?: HistoryState;
  /** Enqueued at or after. */
  from?: Date;
  /** Enqueued before. */
  to?: Date;
  idempotencyKey?: string;
  /** Words that must all appear in the last error (PostgreSQL 'simple' text search). */
  text?: string;
  /** 1–200; default 50. */
  limit?: number;
  /** `nextCursor` of the previous page. */
  cursor?: string;
}

export interface HistoryPage {
  items: HistoryJobView[];
  /** Null on the last page. */
  nextCursor: string | null;
}

export interface HistoryStatsQuery {
  tenant: string;
  from: Date;
  to: Date;
}

/** Per job name and UTC day (of enqueue): how many ended in each state, and how long finished ones took. */
export interface HistoryStatsRow {
  day: Date;
  name: string;
  counts: Partial<Record<HistoryState, number>>;
  total: number;
  durationMs: { p50: number; p95: number; p99: number } | null;
}
