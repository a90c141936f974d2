import { Counter } from 'prom-client';
import { ChildCache } from './child-cache.ts';
import { JobLabels } from './job-labels.ts';
import type { JobLabelOptions, MetricsRegistry } from './metrics-options.ts';

/** Counts jobs a producer stored: each `{ queue, name }` it answered with, for a tenant. */
export type EnqueueCounter = (
  jobs: readonly { queue: string; name: string }[],
  tenant: string,
) => void;

/** `conveyor_jobs_enqueued_total`, where enqueues succeed (the API). */
export function enqueueMetrics(
  metrics: MetricsRegistry,
  options: JobLabelOptions,
): EnqueueCounter {
  const labels = new JobLabels(options);
  const counter = new Counter({
    name: 'conveyor_jobs_enqueued_total',
    help: 'Jobs enqueued (stored in Redis) through this service',
    labelNames: labels.names,
    registers: [metrics],
  });
  const children = new ChildCache((...values) => counter.labels(...values));
  return (jobs, tenant) => {
    for (const job of jobs)
      children.get(...labels.values(job.queue, job.name, tenant)).inc();
  };
}
