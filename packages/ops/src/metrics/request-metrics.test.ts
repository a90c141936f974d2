import type { MetricValue } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createMetricsRegistry } from './create-metrics-registry.ts';
import { requestMetrics } from './request-metrics.ts';

describe('requestMetrics', () => {
  it('observes calls by procedure and status; a name the router lacks is `other`', async () => {
    const metrics = createMetricsRegistry({
      service: 'test',
      processMetrics: false,
    });
    const observe = requestMetrics(metrics, { procedures: ['enqueue'] });
    const call = { durationMs: 12, tenant: 'acme' };
    observe({ ...call, procedure: 'enqueue', status: 200 });
    observe({ ...call, procedure: 'enqueue', status: 200 });
    observe({ ...call, procedure: 'enqueue', status: 400 });
    observe({ ...call, procedure: 'no.such.thing', status: 404 });
    const metric = metrics.getSingleMetric(
      'conveyor_api_request_duration_seconds',
    );
    if (!metric) throw new Error('histogram not registered');
    // Histogram samples also name their series (`_bucket`, `_sum`, `_count`).
    const { values } = await metric.get();
    const counts = (values as (MetricValue<string> & { metricName?: string })[])
      .filter((v) => v.metricName?.endsWith('_count'))
      .map((v) => [v.labels, v.value]);
    expect(counts).toEqual([
      [{ procedure: 'enqueue', status: '200' }, 2],
      [{ procedure: 'enqueue', status: '400' }, 1],
      [{ procedure: 'other', status: '404' }, 1],
    ]);
    expect(await metrics.metrics()).toContain('service="test"');
  });
});
