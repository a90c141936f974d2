import type { HandBack } from '@conveyor/queue';
import { describe, expect, it } from 'vitest';
import { createMetricsRegistry } from './create-metrics-registry.ts';
import { versionHandbackMetrics } from './version-handback-metrics.ts';

const handBack: HandBack = {
  jobId: '1',
  tenantId: 'acme',
  name: 'notice.send',
  queue: 'versioned',
  storedVersion: 2,
  knownVersion: 1,
  count: 1,
  delayMs: 1_000,
};

describe('version hand-back metrics', () => {
  it('counts hand-backs per queue, job and stored version', async () => {
    const metrics = createMetricsRegistry({
      service: 'test',
      processMetrics: false,
    });
    const observer = versionHandbackMetrics(metrics);
    observer.onHandBack(handBack);
    observer.onHandBack({ ...handBack, jobId: '2', count: 4 });
    observer.onHandBack({ ...handBack, storedVersion: 3 });
    const metric = metrics.getSingleMetric('conveyor_version_handbacks_total');
    const values = (await metric?.get())?.values ?? [];
    expect(values.map(({ labels, value }) => ({ ...labels, value }))).toEqual([
      { queue: 'versioned', job: 'notice.send', version: '2', value: 2 },
      { queue: 'versioned', job: 'notice.send', version: '3', value: 1 },
    ]);
  });
});
