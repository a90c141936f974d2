// The Redis runtime behind the contract. Services import from here only;
// the folders are internals.
export { formatAttempt, parseAttempts } from './attempt-history.ts';
export {
  Cancellation,
  cancelledFailureReason,
  parseFailedReason,
  type CancelRequest,
  type CancelledSnapshot,
} from './cancellation.ts';
export { DeadlineExceededError, withDeadline } from './deadline.ts';
export { createBoardAdapters } from './dashboard/create-board-adapters.ts';
export type { BoardAdapterOptions } from './dashboard/board-adapter-options.ts';
export { eventLog } from './events/event-log.ts';
export { jobRun, nextRun } from './events/job-run.ts';
export {
  LIFECYCLE_EVENT_TYPES,
  lifecycleEventId,
  type LifecycleEvent,
  type LifecycleEventType,
  type LifecycleListener,
} from './events/lifecycle-event.ts';
export { whenReady } from './when-ready.ts';
export { createKeyspace, DEFAULT_PREFIX, type Keyspace } from './keyspace.ts';
export {
  clusterAddress,
  createRedisClient,
  duplicateRedis,
  isClusterAddress,
  redisAddress,
  REDIS_PRESETS,
  type RedisClientOptions,
  type RedisPreset,
} from './redis-client.ts';
export {
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
export {
  MIN_RECOMMENDED_REDIS,
  redisSelfCheck,
  type RedisSelfCheck,
} from './redis-self-check.ts';
export { createProducer } from './producer/create-producer.ts';
export {
  reconcileSchedules,
  type ReconcileResult,
} from './schedules/reconcile-schedules.ts';
export {
  ScheduleStore,
  type ScheduleWrite,
} from './schedules/schedule-store.ts';
export {
  DEFAULT_ENQUEUE_TIMEOUT_MS,
  type EnqueueResult,
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
export { watchJob, type WatchedEvent } from './store/watch-job.ts';
export { envelopeTenant } from './tenancy/envelope-tenant.ts';
export { TenantLedger } from './tenancy/tenant-ledger.ts';
export {
  publishTenantPolicy,
  readTenantPolicy,
} from './tenancy/tenant-policy.ts';
export {
  DEFAULT_TENANT_LIMITS,
  UNLIMITED,
  type TenantLimitPolicy,
  type TenantLimits,
} from './tenancy/tenant-limits.ts';
export type {
  AttemptHooks,
  AttemptInfo,
  AttemptOutcome,
} from './worker/attempt-hooks.ts';
export type {
  Processor,
  ProcessorContext,
  ProcessorMap,
} from './worker/processor.ts';
export { createWorkerPool } from './worker/worker-pool.ts';
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
  stallRecoveryBoundMs,
} from './worker/stall-policy.ts';
export type {
  WorkerPool,
  WorkerPoolOptions,
} from './worker/worker-pool-options.ts';
export { createLogger, type Logger } from './service/create-logger.ts';
export {
  commaList,
  LOG_LEVELS,
  SharedEnvSchema,
} from './service/env-schema.ts';
export { readEnv } from './service/read-env.ts';
export { findRoute, type HttpRoute } from './service/http-route.ts';
export { onShutdownSignal, startService } from './service/start-service.ts';
export {
  createDeliveryWorker,
  type DeliveryWorker,
  type DeliveryWorkerOptions,
} from './webhooks/delivery-worker.ts';
export {
  DeliveryLog,
  toDeliveryView,
  type DeliveryRecord,
} from './webhooks/delivery-log.ts';
export { DeliveryQueue } from './webhooks/delivery-queue.ts';
export {
  DELIVERY_HEADER,
  EVENT_HEADER,
  SIGNATURE_HEADER,
  signWebhook,
} from './webhooks/sign.ts';
export {
  assertPublicUrl,
  isInternalAddress,
  type AddressPolicy,
} from './webhooks/ssrf-guard.ts';
export {
  createWebhookDispatcher,
  type WebhookDispatcher,
  type WebhookDispatcherOptions,
} from './webhooks/webhook-dispatcher.ts';
export { DEFAULT_WEBHOOK_REFRESH_MS } from './webhooks/webhook-directory.ts';
export {
  DELIVERY_ATTEMPTS,
  DELIVERY_BACKOFF_MS,
  WEBHOOK_QUEUE,
  type DeliveryJobData,
  type DeliveryRetryPolicy,
} from './webhooks/webhook-queue.ts';
export {
  toView as toWebhookView,
  WebhookStore,
  type WebhookRecord,
} from './webhooks/webhook-store.ts';
export { createMetricsRegistry } from './metrics/create-metrics-registry.ts';
export {
  enqueueMetrics,
  type EnqueueCounter,
} from './metrics/enqueue-metrics.ts';
export { jobMetrics, type JobMetrics } from './metrics/job-metrics.ts';
export type {
  JobLabelOptions,
  MetricsRegistry,
  MetricsRegistryOptions,
  MetricsRouteOptions,
  QueueDepthOptions,
} from './metrics/metrics-options.ts';
export { MetricsEnvShape } from './metrics/metrics-env.ts';
export { metricsRoute } from './metrics/metrics-route.ts';
export {
  queueDepthCollector,
  type QueueDepthCollector,
} from './metrics/queue-depth-collector.ts';
export {
  requestMetrics,
  type MeasuredCall,
  type RequestMetricsOptions,
} from './metrics/request-metrics.ts';
export { startTracing } from './tracing/start-tracing.ts';
export { traceHttpRequests } from './tracing/trace-http-requests.ts';
export { TRACER_NAME, tracerRegistered } from './tracing/tracer.ts';
export type {
  StartTracingOptions,
  Tracing,
} from './tracing/tracing-options.ts';
