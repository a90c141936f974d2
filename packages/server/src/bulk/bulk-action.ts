import type { JobMap } from '@conveyor/core';
import type {
  BulkActionKind,
  BulkActionRecord,
  HistoryJobView,
  HistoryState,
} from '@conveyor/history';
import type { SearchFilter } from '../search/search-filter.ts';

export const BULK_ACTIONS = [
  'retry',
  'redrive',
  'cancel',
  'delete',
] as const satisfies readonly BulkActionKind[];

export type BulkAction = (typeof BULK_ACTIONS)[number];

/**
 * The history states each action applies to, as the single actions take
 * them: retry takes failed and cancelled jobs (`jobs.retry`); redrive takes
 * dead letters, which are failed jobs (`deadLetters.redrive`); cancel takes
 * jobs not finished yet (an active one is signalled, as `jobs.cancel`
 * does); delete takes finished jobs only, so no row of a job still running
 * disappears.
 */
export const BULK_ACTION_STATES: Readonly<
  Record<BulkAction, readonly HistoryState[]>
> = {
  retry: ['failed', 'cancelled'],
  redrive: ['failed'],
  cancel: ['waiting', 'retrying', 'active'],
  delete: ['completed', 'failed', 'cancelled'],
};

/** At most this many jobs in a preview's sample. */
export const BULK_SAMPLE_SIZE = 5;

export interface BulkPreviewInput<TMap extends JobMap> {
  action: BulkAction;
  filter: SearchFilter<TMap>;
}

export interface BulkStartInput<
  TMap extends JobMap,
> extends BulkPreviewInput<TMap> {
  /** The preview's `listedBy`: only jobs listed at or before it are acted on. */
  listedBy: Date;
  /** The same key (per tenant) finds the same operation instead of starting another. */
  key?: string;
}

/** "This will affect N jobs": what `bulk.start` with this `listedBy` acts on. */
export interface BulkPreview {
  action: BulkAction;
  count: number;
  /** More than `count` match (the count stopped at its cap). */
  capped: boolean;
  sample: HistoryJobView[];
  listedBy: Date;
}

/** A bulk action as callers see it: the record without its runner's bookkeeping. */
export type BulkActionView = Omit<
  BulkActionRecord,
  'scope' | 'cursor' | 'runner'
>;

export function bulkActionView(record: BulkActionRecord): BulkActionView {
  const { scope: _scope, cursor: _cursor, runner: _runner, ...view } = record;
  return view;
}
