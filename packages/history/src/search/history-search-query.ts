import type { FieldCondition } from '@conveyor/core';
import type { HistoryState } from '../history-schema.ts';
import type { HistoryListQuery } from '../history-view.ts';

/** `history.list`'s filters plus typed payload and result conditions. */
export interface HistorySearchQuery extends HistoryListQuery {
  /** Checked by `parseWhere` against the job's schemas (so `name` is set when any is given). */
  conditions?: readonly FieldCondition[];
  /**
   * Only jobs listed at or before this instant: a bulk action acts on what
   * its preview counted, not on jobs enqueued since.
   */
  listedBy?: Date;
  /** Only jobs in one of these states (a bulk action's, beside `state`). */
  states?: readonly HistoryState[];
}

/** How many a search matches, counted up to a cap. */
export interface HistoryCount {
  count: number;
  /** True when there are more than `count` (the cap was reached). */
  capped: boolean;
}

/** Bounds that keep a search off the hot path. */
export interface HistorySearchLimits {
  /** PostgreSQL's statement_timeout for each search or count, ms. Default 5,000. */
  statementTimeoutMs: number;
  /** Counts stop here (a preview says "more than"). Default 10,000: past it a count costs more than the search. */
  countCap: number;
}

export const DEFAULT_SEARCH_LIMITS: HistorySearchLimits = {
  statementTimeoutMs: 5_000,
  countCap: 10_000,
};
