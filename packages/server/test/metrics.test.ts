import { fixtureRegistry as registry } from '@conveyor/fixtures';
import { createConveyorClient } from '@conveyor/client';
import { createKeyspace, createRedisClient } from '@conveyor/queue';
import {
  deletePrefix,
  metricSample,
  uniquePrefix,
  waitFor,
} from '@conveyor/testkit';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  createApiMetrics,
  type ApiMetrics,
} from '../src/metrics/api-metrics.ts';
import { createServices } from '../src/domain/create-services.ts';
import { createApiServer } from '../src/server.ts';
import type { FixtureRouter } from './support/fixture-router.ts';

const redisUrl = inject('redisUrl');
const silent = pino({ level: 'silent' });
const TOKEN = 'metrics-token-0123456789';

const sample = metricSample;

/** A real API (its own services, so `onEnqueued` is wired as main.ts does). */
async function startApi(options: { tenantLabels?: boolean } = {}) {
  const prefix = uniquePrefix('metrics');
  const redis = createRedisClient(redisUrl, { preset: 'api' });
  const metrics: ApiMetrics = createApiMetrics({
    registry,
    redis,
    keys: createKeyspace(prefix),
    token: TOKEN,
    tenantLabels: options.tenantLabels ?? false,
  });
  const services = createServices({
    registry,
    redis,
    logger: silent,
    prefix,
    onEnqueued: metrics.onEnqueued,
  });
  const server: Server = createApiServer({
    services,
    logger: silent,
    observers: [metrics.observer],
    routes: [metrics.route],
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    client: createConveyorClient<FixtureRouter>({ url: `${url}/trpc` }),
    async scrape(): Promise<string> {
      const res = await fetch(`${url}/metrics`, {
        headers: { authorization: `Bearer ${TOKEN}` },
      });
      expect(res.status).toBe(200);
      return res.text();
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await metrics.close();
      await services.close();
      await deletePrefix(redisUrl, prefix);
    },
  };
}

describe('API /metrics (real HTTP, real Redis)', () => {
  let api: Awaited<ReturnType<typeof startApi>>;
  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(() => api.close());

  it('refuses a scrape without the token (401) or with another one', async () => {
    expect((await fetch(`${api.url}/metrics`)).status).toBe(401);
    const wrong = await fetch(`${api.url}/metrics`, {
      headers: { authorization: 'Bearer not-the-metrics-token' },
    });
    expect(wrong.status).toBe(401);
  });

  it('enqueued counts, request durations and queue depth move by exactly the work done', async () => {
    const before = await api.scrape();
    const N = 4;
    for (let i = 0; i < N; i++)
      await api.client.enqueue.mutate({
        name: 'TEST_JOB',
        data: { message: `m${i}` },
      });
    await api.client.enqueueMany.mutate({
      jobs: [
        { name: 'sms.send', data: { to: '+14155550101', message: 'a' } },
        { name: 'sms.send', data: { to: '+14155550102', message: 'b' } },
        { name: 'TEST_JOB', data: { message: 'bulk' } },
      ],
    });
    // Refused: counted as a 400 request, never as an enqueue.
    await expect(
      api.client.enqueue.mutate({
        name: 'sms.send',
        data: { to: 42 } as never,
      }),
    ).rejects.toThrow();
    // A path no procedure has never reaches the observer: no label for it.
    await fetch(`${api.url}/trpc/no.such.procedure`);
    const after = await api.scrape();

    const moved = (name: string, labels: Record<string, string>) =>
      sample(after, name, labels) - sample(before, name, labels);
    const enqueued = 'conveyor_jobs_enqueued_total';
    expect(moved(enqueued, { queue: 'default', job: 'TEST_JOB' })).toBe(N + 1);
    expect(moved(enqueued, { queue: 'sms', job: 'sms.send' })).toBe(2);
    const requests = 'conveyor_api_request_duration_seconds_count';
    expect(moved(requests, { procedure: 'enqueue', status: '200' })).toBe(N);
    expect(moved(requests, { procedure: 'enqueueMany', status: '200' })).toBe(
      1,
    );
    expect(moved(requests, { procedure: 'enqueue', status: '400' })).toBe(1);
    expect(after).not.toContain('no.such.procedure');
    expect(after).not.toMatch(/enqueued_total\{[^}]*tenant=/);

    // No worker runs: every job waits. Counts are cached 2 s, so poll.
    await waitFor(
      async () =>
        sample(await api.scrape(), 'conveyor_queue_jobs', {
          queue: 'default',
          state: 'waiting',
        }) ===
        N + 1
          ? true
          : undefined,
      10_000,
      'queue depth of default: N + 1 waiting',
    );
    const text = await api.scrape();
    expect(
      sample(text, 'conveyor_queue_jobs', { queue: 'sms', state: 'waiting' }),
    ).toBe(2);
    expect(text).toMatch(/conveyor_queue_jobs\{[^}]*state="active"[^}]*\} 0/);
    // Node process metrics and the service label.
    expect(text).toContain('process_resident_memory_bytes');
    expect(text).toContain('service="conveyor-api"');
  });
});

describe('API /metrics with tenant labels', () => {
  it('labels enqueues and requests with the caller’s tenant', async () => {
    const api = await startApi({ tenantLabels: true });
    try {
      await api.client.enqueue.mutate({
        name: 'TEST_JOB',
        data: { message: 'x' },
      });
      const text = await api.scrape();
      expect(
        sample(text, 'conveyor_jobs_enqueued_total', {
          job: 'TEST_JOB',
          tenant: 'default',
        }),
      ).toBe(1);
      expect(
        sample(text, 'conveyor_api_request_duration_seconds_count', {
          procedure: 'enqueue',
          tenant: 'default',
        }),
      ).toBe(1);
    } finally {
      await api.close();
    }
  });
});
