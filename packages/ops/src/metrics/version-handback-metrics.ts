import { Counter } from 'prom-client';
import type { JobObserver } from '@conveyor/queue';
import type { MetricsRegistry } from './metrics-options.ts';

/**
 * `conveyor_version_handbacks_total{queue,job,version}`: jobs a worker put
 * back because their input was written with a version newer than it knows
 * (`version` is the stored one). Rising during a rolling deploy, it should
 * stop once every worker runs the new release; one that keeps rising means
 * no worker knows that version. Bounded labels: the registry's jobs, and
 * the versions their producers wrote.
 */
export function versionHandbackMetrics(
  metrics: MetricsRegistry,
): Required<Pick<JobObserver, 'onHandBack'>> {
  const counter = new Counter({
    name: 'conveyor_version_handbacks_total',
    help: 'Jobs handed back by a worker that does not know their input version yet',
    labelNames: ['queue', 'job', 'version'],
    registers: [metrics],
  });
  return {
    onHandBack({ queue, name, storedVersion }) {
      counter.labels(queue, name, String(storedVersion)).inc();
    },
  };
}
