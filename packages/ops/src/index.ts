// Running a Conveyor service: env, logger, startup and signals, HTTP route
// matching, Prometheus metrics, the OpenTelemetry SDK and the Redis self-check.
export {
  MIN_RECOMMENDED_REDIS,
  redisSelfCheck,
  type RedisSelfCheck,
} from './redis-self-check.ts';
export { createLogger } from './service/create-logger.ts';
export {
  commaList,
  LOG_LEVELS,
  SharedEnvSchema,
} from './service/env-schema.ts';
export { readEnv } from './service/read-env.ts';
export { findRoute, type HttpRoute } from './service/http-route.ts';
export { onShutdownSignal, startService } from './service/start-service.ts';
export { createMetricsRegistry } from './metrics/create-metrics-registry.ts';
export {
  enqueueMetrics,
  type EnqueueCounter,
} from './metrics/enqueue-metrics.ts';
export { jobMetrics, type JobMetrics } from './metrics/job-metrics.ts';
export { flowWaitMetrics } from './metrics/flow-wait-metrics.ts';
export { versionHandbackMetrics } from './metrics/version-handback-metrics.ts';
export { workerProgressGauge } from './metrics/worker-progress-gauge.ts';
export {
  heldBacklogCollector,
  type HeldBacklogCollector,
} from './metrics/held-backlog-collector.ts';
export { DEFAULT_TOP_TENANTS, TopTenants } from './metrics/top-tenants.ts';
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
export type {
  StartTracingOptions,
  Tracing,
} from './tracing/tracing-options.ts';
