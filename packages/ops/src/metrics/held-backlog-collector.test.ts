import { deletePrefix, metricSample, uniquePrefix } from '@conveyor/testkit';
import type { AnyRegistry } from '@conveyor/core';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createKeyspace, createRedisClient } from '@conveyor/queue';
import { createMetricsRegistry } from './create-metrics-registry.ts';
import { flowWaitMetrics } from './flow-wait-metrics.ts';
import { heldBacklogCollector } from './held-backlog-collector.ts';

const redisUrl = inject('redisUrl');
const HELD = 'conveyor_flow_held_jobs';
const WAIT = 'conveyor_flow_wait_seconds_count';

describe('flow-control metrics: held backlog and wait per tenant, bounded', () => {
  const prefix = uniquePrefix('held-metrics');
  const keys = createKeyspace(prefix);
  const redis = createRedisClient(redisUrl, { preset: 'worker' });
  const backlog = (queue: string) => `${keys.flowPrefix(queue)}backlog`;
  afterAll(async () => {
    redis.disconnect();
    await deletePrefix(redisUrl, prefix);
  });

  function setup() {
    const metrics = createMetricsRegistry({
      service: 't',
      processMetrics: false,
    });
    const held = heldBacklogCollector(metrics, {
      redis,
      keys,
      queues: ['email', 'sms'],
      topTenants: 3,
      cacheMs: 0,
      timeoutMs: 10_000,
    });
    const wait = flowWaitMetrics(metrics, {
      // The one job whose contract has a flow spec: sms.send.
      registry: {
        get: (name: string) =>
          name === 'sms.send' ? { flow: { fairShare: true } } : undefined,
      } as unknown as AnyRegistry,
      queues: ['email', 'sms'],
      tenants: held.tenants,
    });
    return { metrics, wait };
  }

  it('names the top tenants by backlog and sums the rest as other, per queue', async () => {
    // 30 tenants: t00 holds 30 jobs in email, t01 29, …; big also 100 in sms.
    for (let i = 0; i < 30; i += 1)
      await redis.hset(
        backlog('email'),
        `t${String(i).padStart(2, '0')}`,
        30 - i,
      );
    await redis.hset(backlog('sms'), { big: 100, t29: 2, emptied: 0 });
    const { metrics } = setup();
    const text = await metrics.metrics();
    const series = text.split('\n').filter((l) => l.startsWith(`${HELD}{`));
    const named = new Set(series.map((l) => /tenant="([^"]+)"/.exec(l)?.[1]));
    expect(named).toEqual(new Set(['big', 't00', 't01', 'other']));
    expect(metricSample(text, HELD, { queue: 'sms', tenant: 'big' })).toBe(100);
    expect(metricSample(text, HELD, { queue: 'email', tenant: 't00' })).toBe(
      30,
    );
    // email: t02..t29 = 28 + 27 + … + 1.
    expect(metricSample(text, HELD, { queue: 'email', tenant: 'other' })).toBe(
      (28 * 29) / 2,
    );
    expect(metricSample(text, HELD, { queue: 'sms', tenant: 'other' })).toBe(2);
  });

  it('a tenant whose backlog drains leaves the gauge (no stale series)', async () => {
    await redis.hset(backlog('sms'), 'big', 0);
    const { metrics } = setup();
    const text = await metrics.metrics();
    expect(text).not.toContain('tenant="big"');
  });

  it('the wait histogram names a top tenant and calls everyone else other', async () => {
    await redis.hset(backlog('sms'), 'big', 100);
    const { metrics, wait } = setup();
    await metrics.metrics(); // a scrape reads the backlog, so the top
    const startedAt = Date.now();
    const attempt = (tenantId: string) => ({
      jobId: 'j',
      tenantId,
      name: 'sms.send',
      queue: 'sms',
      run: 0,
      attempt: 1,
      attempts: 1,
      startedAt,
      readyAt: startedAt - 5_000,
    });
    wait.beforeAttempt(attempt('big'));
    wait.beforeAttempt(attempt('t29'));
    wait.beforeAttempt(attempt('someone-new'));
    wait.beforeAttempt({ ...attempt('big'), readyAt: undefined }); // a retry: not a wait
    const text = await metrics.metrics();
    expect(metricSample(text, WAIT, { queue: 'sms', tenant: 'big' })).toBe(1);
    expect(metricSample(text, WAIT, { queue: 'sms', tenant: 'other' })).toBe(2);
    expect(text).not.toContain('tenant="t29"');
    expect(text).not.toContain('tenant="someone-new"');
  });
});
