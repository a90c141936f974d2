import { fixtureRegistry as registry } from '@conveyor/fixtures';
import { createConveyorClient } from '@conveyor/client';
import { deletePrefix, uniquePrefix } from '@conveyor/testkit';
import { pino } from 'pino';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { readApiEnv } from '../src/env.ts';
import { startConveyorApi } from '../src/start-conveyor-api.ts';
import { rawRequest } from './support/raw-http.ts';
import type { FixtureRouter } from './support/fixture-router.ts';

const redisUrl = inject('redisUrl');

describe('startConveyorApi', () => {
  const prefix = uniquePrefix('start');
  afterAll(() => deletePrefix(redisUrl, prefix));

  it('serves a registry from its settings, with metrics, and closes', async () => {
    const env = readApiEnv({
      REDIS_URL: redisUrl,
      CONVEYOR_PREFIX: prefix,
      API_PORT: '0',
      DASHBOARD_ENABLED: 'false',
    });
    const api = await startConveyorApi({
      registry,
      env,
      logger: pino({ level: 'silent' }),
    });
    expect(api.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/trpc$/);
    const client = createConveyorClient<FixtureRouter>({ url: api.url });
    const job = await client.enqueue.mutate({
      name: 'TEST_JOB',
      data: { message: 'started' },
    });
    expect(job).toMatchObject({ name: 'TEST_JOB' });
    const origin = new URL(api.url).origin;
    const metrics = await rawRequest(`${origin}/metrics`);
    expect(metrics.text).toMatch(/conveyor_jobs_enqueued_total\{[^}]*\} 1/);
    expect((await rawRequest(`${origin}/admin`)).status).toBe(404);
    await api.close();
    const after = await rawRequest(`${origin}/healthz`).catch(
      (error: unknown) => error,
    );
    expect(after).toBeInstanceOf(Error);
  });

  it('refuses, saying why, to serve without tokens beyond loopback', async () => {
    const env = readApiEnv({ REDIS_URL: redisUrl, API_HOST: '0.0.0.0' });
    await expect(
      startConveyorApi({ registry, env, logger: pino({ level: 'silent' }) }),
    ).rejects.toThrow(/Refusing to listen on 0\.0\.0\.0 without API tokens/);
  });
});
