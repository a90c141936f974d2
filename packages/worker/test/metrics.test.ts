import { getFreePort, metricSample, waitFor } from '@conveyor/testkit';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { faultHarness, type FaultHarness } from './support/fault-harness.ts';

const redisUrl = inject('redisUrl');
const TOKEN = 'worker-metrics-token-0123';

const sample = metricSample;

describe('worker /metrics on the health port (real daemon)', () => {
  let h: FaultHarness | undefined;
  afterEach(async () => {
    await h?.close();
  });

  it('counts completed, retried and failed jobs, times them, and shows queue depth', async () => {
    h = faultHarness(redisUrl, 'worker-metrics');
    const port = await getFreePort();
    const daemon = h.start({
      WORKER_HEALTH_PORT: String(port),
      METRICS_TOKEN: TOKEN,
    });
    await h.ready(daemon);
    const url = `http://127.0.0.1:${port}/metrics`;
    expect((await fetch(url)).status).toBe(401);
    const scrape = async () => {
      const res = await fetch(url, {
        headers: { authorization: `Bearer ${TOKEN}` },
        signal: AbortSignal.timeout(5_000),
      });
      expect(res.status).toBe(200);
      return res.text();
    };
    const before = await scrape();

    const K = 3;
    for (let i = 0; i < K; i++)
      await h.producer.enqueue({ name: 'fault.slow', data: { ms: 0 } });
    // Outlives its 800 ms timeout once, then completes: one retry.
    await h.producer.enqueue({
      name: 'fault.sleepy',
      data: { firstMs: 2_000 },
    });
    // Outlives it with no attempt left: failed for good.
    await h.producer.enqueue({
      name: 'fault.sleepy',
      data: { firstMs: 5_000 },
      options: { attempts: 1 },
    });
    // Runnable only after its delay: its pickup is counted from then.
    await h.producer.enqueue({
      name: 'fault.slow',
      data: { ms: 0 },
      options: { delay: 1_200 },
    });

    const job = (name: string) => ({ queue: 'default', job: name });
    const moved = (
      after: string,
      name: string,
      labels: Record<string, string>,
    ) => sample(after, name, labels) - sample(before, name, labels);
    const after = await waitFor(
      async () => {
        const text = await scrape();
        const done =
          moved(text, 'conveyor_jobs_completed_total', job('fault.slow')) ===
            K + 1 &&
          moved(text, 'conveyor_jobs_completed_total', job('fault.sleepy')) ===
            1 &&
          moved(text, 'conveyor_jobs_failed_total', job('fault.sleepy')) === 1;
        return done ? text : undefined;
      },
      15_000,
      'every job to finish',
    );

    expect(
      moved(after, 'conveyor_jobs_retried_total', job('fault.sleepy')),
    ).toBe(1);
    expect(moved(after, 'conveyor_jobs_failed_total', job('fault.slow'))).toBe(
      0,
    );
    const durations = 'conveyor_job_duration_seconds_count';
    expect(
      moved(after, durations, { job: 'fault.slow', outcome: 'completed' }),
    ).toBe(K + 1);
    expect(
      moved(after, durations, { job: 'fault.sleepy', outcome: 'completed' }),
    ).toBe(1);
    // Both sleepy first attempts timed out (one retried, one final).
    expect(
      moved(after, durations, { job: 'fault.sleepy', outcome: 'timed-out' }),
    ).toBe(2);
    // Pickup: first attempts only (6 jobs); the delayed one's wait starts
    // when its delay ends, so every pickup of an idle worker is under 1 s.
    const pickups = (text: string, le?: string) =>
      ['fault.slow', 'fault.sleepy'].reduce(
        (sum, name) =>
          sum +
          (le === undefined
            ? sample(text, 'conveyor_job_pickup_seconds_count', job(name))
            : sample(text, 'conveyor_job_pickup_seconds_bucket', {
                ...job(name),
                le,
              })),
        0,
      );
    expect(pickups(after) - pickups(before)).toBe(K + 3);
    expect(pickups(after, '1') - pickups(before, '1')).toBe(K + 3);

    // Queue depth, read from Redis at scrape time (cached 2 s).
    const depth = await waitFor(
      async () => {
        const text = await scrape();
        const state = (s: string) =>
          sample(text, 'conveyor_queue_jobs', { queue: 'default', state: s });
        return state('completed') === K + 2 && state('failed') === 1
          ? text
          : undefined;
      },
      10_000,
      'queue depth after the work',
    );
    for (const state of ['waiting', 'delayed', 'active'])
      expect(depth).toMatch(
        new RegExp(
          `conveyor_queue_jobs\\{[^}]*queue="default"[^}]*state="${state}"[^}]*\\} 0\\n`,
        ),
      );
    expect(depth).toContain('nodejs_heap_size_used_bytes');
    expect(depth).toContain('service="conveyor-worker"');
  });
});
