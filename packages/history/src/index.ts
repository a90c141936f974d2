// Job history in PostgreSQL: the outbox (Redis stream), its drainer, the
// writer, reads and retention. Services import from here only.
export { applyTransitions } from './apply-transitions.ts';
export type {
  BulkActionListQuery,
  BulkActionProgress,
  BulkActionRecord,
  NewBulkAction,
} from './bulk/bulk-action-record.ts';
export { BulkActionStore, type BulkLease } from './bulk/bulk-action-store.ts';
export {
  connectHistoryDatabase,
  hostOf,
  type HistoryConnection,
} from './connect-history-database.ts';
export {
  FAILURE_REASONS_PER_JOB,
  type FailureReason,
  type FailureReasonsQuery,
} from './failure-reasons.ts';
export { InvalidCursorError } from './history-cursor.ts';
export {
  HISTORY_GROUP,
  type HistoryDrainer,
  type HistoryDrainerOptions,
  type HistoryLagStats,
} from './history-drainer-options.ts';
export type { HistoryLogger } from './history-logger.ts';
export { HISTORY_MIGRATIONS } from './history-migrations.ts';
export { transitionFromEvent, transitionOf } from './from-event.ts';
export {
  historyObserver,
  type HistoryObserverOptions,
} from './history-observer.ts';
export { HistoryEnvShape } from './history-env.ts';
export { HistoryOutbox } from './history-outbox.ts';
export type {
  BulkActionKind,
  BulkActionState,
  HistoryDatabase,
  HistoryState,
} from './history-schema.ts';
export { HistoryStore, MAX_HISTORY_LIMIT } from './history-store.ts';
export {
  DEFAULT_SEARCH_LIMITS,
  type HistoryCount,
  type HistorySearchLimits,
  type HistorySearchQuery,
} from './search/history-search-query.ts';
export {
  ensureSearchIndexes,
  searchIndexName,
  searchIndexStatement,
  type SearchIndexSpec,
} from './search/ensure-search-indexes.ts';
export { readHistoryVersions } from './stored-versions.ts';
export type {
  HistoryAttemptView,
  HistoryJobDetail,
  HistoryJobView,
  HistoryListQuery,
  HistoryPage,
  HistoryStatsQuery,
  HistoryStatsRow,
} from './history-view.ts';
export {
  migrateHistory,
  openHistoryDatabase,
  type HistoryDatabaseHandle,
  type HistoryDatabaseOptions,
} from './open-history-database.ts';
export { startHistoryDrainer } from './start-history-drainer.ts';
export {
  startHistoryRetention,
  type HistoryRetentionOptions,
} from './start-history-retention.ts';
export {
  TRANSITION_TYPES,
  transitionId,
  type Transition,
  type TransitionType,
} from './transition.ts';
export {
  DEFAULT_RETENTION_DAYS,
  trimHistory,
  type TrimHistoryOptions,
} from './trim-history.ts';
export { reencryptHistory } from './reencrypt-history.ts';
