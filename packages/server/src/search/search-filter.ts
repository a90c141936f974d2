import type { JobMap, SearchTarget } from '@conveyor/core';
import type { HistoryState } from '@conveyor/history';

/** History's job states (`retrying`: between attempts). */
export const HISTORY_STATES = [
  'waiting',
  'active',
  'retrying',
  'completed',
  'failed',
  'cancelled',
] as const satisfies readonly HistoryState[];

/**
 * What `history.search` and the bulk actions select: a job (and typed
 * conditions on its payload and result), a state, a time range of
 * enqueue, an idempotency key, words of the last error. The tenant is
 * always the caller's (an admin's `x-conveyor-tenant`), never the input's.
 */
export type SearchFilter<TMap extends JobMap> = SearchTarget<TMap> & {
  state?: HistoryState;
  /** Enqueued at or after; default `to` − 30 days. */
  from?: Date;
  /** Enqueued before; default now. At most 93 days after `from`. */
  to?: Date;
  idempotencyKey?: string;
  /** Words that must all appear in the last error. */
  text?: string;
};

/** A search's page request. */
export type SearchPageInput<TMap extends JobMap> = SearchFilter<TMap> & {
  /** 1–200; default 20. */
  limit?: number;
  /** `nextCursor` of the previous page, with the same filter. */
  cursor?: string;
  /** Added by tRPC's infinite queries; only `forward` is accepted. */
  direction?: 'forward' | 'backward';
};

/** A filter as the runtime checks it (any registry): `where` is checked against the job's fields. */
export interface CheckedShapeFilter {
  name?: string;
  where?: unknown;
  state?: HistoryState;
  from?: Date;
  to?: Date;
  idempotencyKey?: string;
  text?: string;
  limit?: number;
  cursor?: string;
}
