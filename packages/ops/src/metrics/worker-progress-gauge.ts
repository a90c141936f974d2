import { Gauge } from 'prom-client';
import type { MetricsRegistry } from './metrics-options.ts';

/**
 * `conveyor_worker_seconds_since_progress`: read when scraped from the
 * worker's progress watchdog (a job started or ended, or its queues were
 * found empty). Rising while jobs wait is the stuck worker of bullmq#4585.
 */
export function workerProgressGauge(
  metrics: MetricsRegistry,
  secondsSinceProgress: () => number,
): void {
  new Gauge({
    name: 'conveyor_worker_seconds_since_progress',
    help: 'Seconds since this worker last started or ended a job, or found its queues empty',
    registers: [metrics],
    collect() {
      this.set(secondsSinceProgress());
    },
  });
}
