import { Counter, Histogram } from 'prom-client';
import type { JobObserver, LifecycleEventType } from '@conveyor/queue';
import { ChildCache } from './child-cache.ts';
import { JobLabels } from './job-labels.ts';
import type { JobLabelOptions, MetricsRegistry } from './metrics-options.ts';

/** Seconds: from a no-op job to a ten-minute one. */
export const DURATION_BUCKETS = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300,
  600,
];
/** Seconds: an idle pool picks up in milliseconds, a backlog in minutes. */
export const PICKUP_BUCKETS = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900,
  3_600,
];

/** The events counted, and the counter each goes to. */
const COUNTED = {
  'job.completed': 'conveyor_jobs_completed_total',
  'job.failed': 'conveyor_jobs_failed_total',
  'job.retrying': 'conveyor_jobs_retried_total',
  'job.cancelled': 'conveyor_jobs_cancelled_total',
  'job.stalled': 'conveyor_jobs_stalled_total',
} as const satisfies Partial<Record<LifecycleEventType, string>>;

const HELP: Record<keyof typeof COUNTED, string> = {
  'job.completed': 'Jobs completed',
  'job.failed': 'Jobs failed for good (no attempt left, or unrecoverable)',
  'job.retrying': 'Attempts that failed with attempts left: the job runs again',
  'job.cancelled': 'Jobs cancelled while running, or fired ticks skipped',
  'job.stalled': 'Jobs recovered from a worker that died',
};

/**
 * One observer: processing duration per outcome and pickup latency (around
 * attempts); completed, failed, retried, cancelled and stalled counts (from
 * events).
 */
export type JobMetrics = Required<
  Pick<JobObserver, 'beforeAttempt' | 'afterAttempt' | 'onEvent'>
>;

/**
 * The worker's job metrics, for `createWorkerPool({ observers })`. Counts
 * come from lifecycle events, so they agree with the event log and webhooks
 * (a job failed for stalling too often is one too); timings come from the
 * attempts. All only increment memory: nothing here touches Redis or waits.
 */
export function jobMetrics(
  metrics: MetricsRegistry,
  options: JobLabelOptions,
): JobMetrics {
  const labels = new JobLabels(options);
  const counters = new Map<string, ChildCache<Counter.Internal>>();
  for (const [type, name] of Object.entries(COUNTED)) {
    const counter = new Counter({
      name,
      help: HELP[type as keyof typeof COUNTED],
      labelNames: labels.names,
      registers: [metrics],
    });
    counters.set(type, new ChildCache((...v) => counter.labels(...v)));
  }
  const duration = histogram(
    metrics,
    'conveyor_job_duration_seconds',
    'Attempt processing time, by how the attempt ended',
    [...labels.names, 'outcome'],
    DURATION_BUCKETS,
  );
  const pickup = histogram(
    metrics,
    'conveyor_job_pickup_seconds',
    "From when a job could run (enqueued, or its delay or tick due) to its first attempt's start",
    labels.names,
    PICKUP_BUCKETS,
  );
  return {
    beforeAttempt(info) {
      if (info.readyAt === undefined) return;
      const waited = Math.max(0, info.startedAt - info.readyAt) / 1_000;
      pickup
        .get(...labels.values(info.queue, info.name, info.tenantId))
        .observe(waited);
    },
    afterAttempt(info, outcome, durationMs) {
      duration
        .get(
          ...labels.values(info.queue, info.name, info.tenantId),
          outcome.kind,
        )
        .observe(durationMs / 1_000);
    },
    onEvent(event) {
      counters
        .get(event.type)
        ?.get(...labels.values(event.queue, event.name, event.tenantId))
        .inc();
    },
  };
}

// eslint-disable-next-line max-params -- 5 params: histogram an options object is a follow-up
function histogram(
  metrics: MetricsRegistry,
  name: string,
  help: string,
  labelNames: readonly string[],
  buckets: number[],
): ChildCache<Histogram.Internal<string>> {
  const metric = new Histogram({
    name,
    help,
    labelNames,
    buckets,
    registers: [metrics],
  });
  return new ChildCache((...values) => metric.labels(...values));
}
