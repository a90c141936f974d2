import { Histogram } from 'prom-client';
import { ChildCache } from './child-cache.ts';
import { LabelBound } from './label-bound.ts';
import type { MetricsRegistry } from './metrics-options.ts';

/** Seconds: a cached read to a slow enqueue behind a Redis hiccup. */
export const REQUEST_BUCKETS = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];

export interface RequestMetricsOptions {
  /** The router's procedure names: any other name is labelled `other`. */
  procedures: readonly string[];
  tenantLabels?: boolean;
  /** Distinct tenants labelled before the rest count as `other` (default 1,000). */
  maxTenants?: number;
}

/** What one call tells the histogram (the API's `ObservedCall` fits). */
export interface MeasuredCall {
  procedure: string;
  status: number;
  durationMs: number;
  tenant: string | null;
}

/**
 * `conveyor_api_request_duration_seconds{procedure,status}`: a request
 * observer's body. Statuses are HTTP codes and procedures the router's,
 * so the series stay few.
 */
export function requestMetrics(
  metrics: MetricsRegistry,
  options: RequestMetricsOptions,
): (call: MeasuredCall) => void {
  const procedures = new LabelBound(new Set(options.procedures), 0);
  const tenants = options.tenantLabels
    ? new LabelBound(new Set(), options.maxTenants ?? 1_000)
    : undefined;
  const histogram = new Histogram({
    name: 'conveyor_api_request_duration_seconds',
    help: 'tRPC procedure calls, by procedure and HTTP status',
    labelNames: tenants
      ? ['procedure', 'status', 'tenant']
      : ['procedure', 'status'],
    buckets: REQUEST_BUCKETS,
    registers: [metrics],
  });
  const children = new ChildCache((...values) => histogram.labels(...values));
  return (call) => {
    const procedure = procedures.label(call.procedure);
    const status = String(call.status);
    const child = tenants
      ? children.get(procedure, status, tenants.label(call.tenant ?? ''))
      : children.get(procedure, status);
    child.observe(call.durationMs / 1_000);
  };
}
