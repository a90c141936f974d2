import { fixtureRegistry as registry } from '@conveyor/fixtures';
import type { MetricValue } from 'prom-client';
import { describe, expect, it } from 'vitest';
import type { LifecycleEvent, AttemptInfo } from '@conveyor/queue';
import { createMetricsRegistry } from './create-metrics-registry.ts';
import { jobMetrics } from './job-metrics.ts';
import type { MetricsRegistry } from './metrics-options.ts';

const base = {
  id: 'x',
  at: 0,
  tenantId: 'acme',
  queue: 'sms',
  jobId: '1',
  name: 'sms.send',
  run: 0,
  attempt: 1,
  attempts: 3,
} satisfies Omit<LifecycleEvent, 'type'>;

const info: AttemptInfo = {
  jobId: '1',
  tenantId: 'acme',
  name: 'sms.send',
  queue: 'sms',
  run: 0,
  attempt: 1,
  attempts: 3,
  startedAt: 10_000,
};

function fresh() {
  return createMetricsRegistry({ service: 'test', processMetrics: false });
}

async function values(metrics: MetricsRegistry, name: string) {
  const metric = metrics.getSingleMetric(name);
  if (!metric) throw new Error(`${name} is not registered`);
  // Histogram samples also name their series (`_bucket`, `_sum`, `_count`).
  return (await metric.get()).values as (MetricValue<string> & {
    metricName?: string;
  })[];
}

describe('jobMetrics', () => {
  it('counts each lifecycle event on its counter, by queue and job', async () => {
    const metrics = fresh();
    const observer = jobMetrics(metrics, { registry });
    for (const type of [
      'job.completed',
      'job.completed',
      'job.retrying',
      'job.failed',
      'job.dead-lettered',
      'job.cancelled',
      'job.stalled',
    ] as const)
      void observer.onEvent({ ...base, type });
    const counted = async (name: string) =>
      (await values(metrics, name)).map((v) => [v.labels, v.value]);
    const labels = { queue: 'sms', job: 'sms.send' };
    expect(await counted('conveyor_jobs_completed_total')).toEqual([
      [labels, 2],
    ]);
    for (const name of [
      'conveyor_jobs_failed_total',
      'conveyor_jobs_retried_total',
      'conveyor_jobs_cancelled_total',
      'conveyor_jobs_stalled_total',
    ])
      expect(await counted(name)).toEqual([[labels, 1]]);
  });

  it('labels a job or queue the contract does not declare `other`', async () => {
    const metrics = fresh();
    const observer = jobMetrics(metrics, { registry });
    void observer.onEvent({
      ...base,
      type: 'job.completed',
      queue: 'q9',
      name: 'x.y',
    });
    expect(
      (await values(metrics, 'conveyor_jobs_completed_total'))[0]?.labels,
    ).toEqual({ queue: 'other', job: 'other' });
  });

  it('adds a bounded tenant label only when asked to', async () => {
    const metrics = fresh();
    const observer = jobMetrics(metrics, {
      registry,
      tenantLabels: true,
      maxTenants: 2,
    });
    for (const tenantId of ['a', 'b', 'c', 'd'])
      void observer.onEvent({ ...base, type: 'job.completed', tenantId });
    const tenants = (await values(metrics, 'conveyor_jobs_completed_total'))
      .map((v) => [v.labels.tenant, v.value])
      .sort();
    expect(tenants).toEqual([
      ['a', 1],
      ['b', 1],
      ['other', 2],
    ]);
  });

  it('times attempts by outcome, and pickup only for attempts that know when they became runnable', async () => {
    const metrics = fresh();
    const observer = jobMetrics(metrics, { registry });
    void observer.beforeAttempt({ ...info, readyAt: 7_500 });
    void observer.beforeAttempt({ ...info, attempt: 2 }); // a retry: no readyAt
    void observer.afterAttempt(info, { kind: 'completed', result: null }, 250);
    void observer.afterAttempt(info, { kind: 'retrying', error: 'x' }, 40);
    const pickup = await values(metrics, 'conveyor_job_pickup_seconds');
    expect(
      pickup.find((v) => v.metricName === 'conveyor_job_pickup_seconds_sum')
        ?.value,
    ).toBe(2.5);
    expect(
      pickup.find((v) => v.metricName === 'conveyor_job_pickup_seconds_count')
        ?.value,
    ).toBe(1);
    const counts = (await values(metrics, 'conveyor_job_duration_seconds'))
      .filter((v) => v.metricName === 'conveyor_job_duration_seconds_count')
      .map((v) => [v.labels.outcome, v.value]);
    expect(counts).toEqual([
      ['completed', 1],
      ['retrying', 1],
    ]);
  });
});
