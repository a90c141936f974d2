// The Redis runtime behind the contract (the engine). Services import from
// here only; the folders are internals. Schedules, webhooks and service
// operations (env, logging, metrics, tracing SDK) are packages above it.
export { formatAttempt, parseAttempts } from './attempt-history.ts';
export {
  Cancellation,
  cancelledFailureReason,
  parseFailedReason,
  type CancelRequest,
  type CancelledSnapshot,
} from './cancellation.ts';
export { DeadlineExceededError, withDeadline } from './deadline.ts';
export { leanMulti, leanPipeline } from './lean-batch.ts';
export { eventLog } from './events/event-log.ts';
export { jobRun, nextRun } from './events/job-run.ts';
export {
  LIFECYCLE_EVENT_TYPES,
  lifecycleEventId,
  type AttemptIdentity,
  type LifecycleEvent,
  type LifecycleEventType,
} from './events/lifecycle-event.ts';
export { whenReady } from './when-ready.ts';
export {
  createKeyspace,
  DEFAULT_PREFIX,
  hashTag,
  type Keyspace,
} from './keyspace.ts';
export { LuaScript } from './lua-script.ts';
// The logger every engine API takes (ops' createLogger makes one).
export type { Logger } from 'pino';
export {
  clusterAddress,
  createRedisClient,
  duplicateRedis,
  isClusterAddress,
  isRedisAddress,
  reconnectOnReadonly,
  redisAddress,
  REDIS_PRESETS,
  type RedisClientOptions,
  type RedisPreset,
} from './redis-client.ts';
export {
  DEFAULT_SENTINEL_NAME,
  isSentinelAddress,
  parseSentinelAddress,
  sentinelAddress,
  type SentinelAddress,
} from './redis-sentinel-address.ts';
export {
  isConnectionTrouble,
  isRedisOutOfMemory,
  redisRefusal,
  type RedisRefusal,
} from './redis-errors.ts';
export {
  capacityFromInfo,
  fullHeadroom,
  parseRedisInfo,
  readRedisCapacity,
  type RedisCapacity,
  type RedisMemory,
} from './redis-capacity.ts';
export {
  watchRedisCapacity,
  type RedisCapacityWatch,
  type RedisCapacityWatchOptions,
} from './redis-capacity-watch.ts';
export { holdWhileFull } from './hold-while-full.ts';
export { createProducer } from './producer/create-producer.ts';
export { toJobsOptions } from './producer/prepare-job.ts';
export {
  DEFAULT_ENQUEUE_TIMEOUT_MS,
  type EnqueueResult,
  type EnqueueDeduplication,
  type Producer,
  type ProducerOptions,
} from './producer/producer-options.ts';
export {
  listDeadLetters,
  MAX_REDRIVE,
  redrive,
  redriveMany,
  type DeadLetterFilter,
} from './store/dead-letters.ts';
export { JobControl } from './store/job-control.ts';
export { JobEventHub, STREAM_ID } from './store/job-event-hub.ts';
export { listJobs, MAX_LIST_LIMIT, type ListQuery } from './store/job-list.ts';
export {
  JobReader,
  type Found,
  type JobReaderDeps,
} from './store/job-reader.ts';
export { tenantStats } from './store/tenant-stats.ts';
export {
  heldBacklog,
  tenantHeldBacklog,
  type HeldBacklogRow,
} from './store/held-backlog.ts';
export { decodeOptional, parseJson } from './store/to-job-view.ts';
export { watchJob, type WatchedEvent } from './store/watch-job.ts';
export { envelopeTenant } from './tenancy/envelope-tenant.ts';
export { TenantLedger } from './tenancy/tenant-ledger.ts';
export {
  publishTenantPolicy,
  readTenantPolicy,
} from './tenancy/tenant-policy.ts';
export {
  DEFAULT_TENANT_LIMITS,
  DEFAULT_WEIGHT,
  MAX_WEIGHT,
  UNLIMITED,
  type DefaultLimits,
  type TenantLimitPolicy,
  type TenantLimits,
} from './tenancy/tenant-limits.ts';
export { mirrorTenantWeight } from './tenancy/tenant-weights.ts';
export { readWaitingFor, type FlowJobRef } from './flow/flow-reader.ts';
export type { AttemptGate, ReportAttemptEvent } from './worker/attempt-gate.ts';
export type {
  AttemptInfo,
  AttemptOutcome,
  HandBack,
  JobObserver,
} from './worker/job-observer.ts';
export {
  readHandBack,
  readHandBackRecord,
  type HandBackRecord,
} from './versioning/hand-back-record.ts';
export type {
  Processor,
  ProcessorContext,
  ProcessorMap,
} from './worker/processor.ts';
export { createWorkerPool } from './worker/worker-pool.ts';
export { takeableJobs, type TakeableJobs } from './worker/takeable-jobs.ts';
export { AttemptTimeoutError } from './worker/attempt-timeout-error.ts';
export {
  isolated,
  type IsolatedExport,
  type IsolatedTarget,
} from './worker/isolated.ts';
export { NonRetryableError } from './worker/non-retryable-error.ts';
export { RetryLaterError } from './worker/retry-later-error.ts';
export {
  DEFAULT_LOCK_DURATION_MS,
  DEFAULT_MAX_STALLS,
  defaultStalledInterval,
  isStallLimitFailure,
  stallRecoveryBoundMs,
} from './worker/stall-policy.ts';
export type {
  WorkerPool,
  WorkerPoolOptions,
} from './worker/worker-pool-options.ts';
export {
  conveyorTracer,
  TRACER_NAME,
  tracerRegistered,
} from './tracing/tracer.ts';
export {
  readStoredVersions,
  type StoredVersionsOptions,
} from './compat/stored-versions.ts';
export {
  parseStored,
  StoredVersionTally,
  type StoredItem,
} from './compat/stored-version-tally.ts';
export { scanKeys } from './scan-keys.ts';
export * from './sensitive/index.ts';
