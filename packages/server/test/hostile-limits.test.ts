import { defineRegistry, MAX_BATCH_SIZE } from '@conveyor/core';
import {
  emailDigest,
  fixtureRegistry as registry,
  smsSend,
  testJob,
  type FixtureRegistry,
} from '@conveyor/fixtures';
import { createRedisClient } from '@conveyor/queue';
import { deletePrefix, uniquePrefix } from '@conveyor/testkit';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  createServices,
  type ConveyorServices,
} from '../src/domain/create-services.ts';
import { createApiServer } from '../src/server.ts';
import { startHarness, type Harness } from './support/harness.ts';
import { countStoredJobs, postJson, rawRequest } from './support/raw-http.ts';

const redisUrl = inject('redisUrl');
type ErrorBody = {
  error: { json: { message: string; data: Record<string, unknown> } };
};
const errorOf = (json: unknown) => (json as ErrorBody).error.json;
const testJobCall = (message: string) => ({
  json: { name: 'TEST_JOB', data: { message } },
});

describe('request size limits', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness(redisUrl);
  });
  afterAll(() => harness.close());

  it('answers 413 to a body over 1 MiB, before decoding it', async () => {
    const body = JSON.stringify(testJobCall('x'.repeat(1_100_000)));
    const res = await postJson(harness.apiUrl, 'enqueue', body);
    expect(res.status).toBe(413);
    expect(errorOf(res.json)).toMatchObject({
      message: 'Request body too large',
      data: { code: 'PAYLOAD_TOO_LARGE' },
    });
  });

  it('answers 400 to a batch of more than 50 calls, naming the reason', async () => {
    const paths = (n: number) => Array(n).fill('jobs.get').join(',');
    const input = encodeURIComponent(JSON.stringify({}));
    const over = await rawRequest(
      `${harness.apiUrl}/trpc/${paths(51)}?batch=1&input=${input}`,
    );
    expect(over.status).toBe(400);
    expect(over.text).toMatch(/Too many calls in one batched request/);
    const atLimit = await rawRequest(
      `${harness.apiUrl}/trpc/${paths(50)}?batch=1&input=${input}`,
    );
    // 50 calls are served: one answer per call (each a 400 for its missing id).
    expect(Array.isArray(atLimit.json)).toBe(true);
    expect(atLimit.json).toHaveLength(50);
  });

  it('checks enqueueMany item count before validating any item', async () => {
    // Within the body limit: 200k empty items (~600 KB).
    const items = `[${Array(200_000).fill('{}').join(',')}]`;
    const res = await postJson(
      harness.apiUrl,
      'enqueueMany',
      `{"json":{"jobs":${items}}}`,
    );
    expect(res.status).toBe(400);
    const issues = errorOf(res.json).data.issues as { path: unknown[] }[];
    // One issue, about the count: not one per item.
    expect(issues).toEqual([
      expect.objectContaining({
        path: ['jobs'],
        message: expect.stringContaining(String(MAX_BATCH_SIZE)),
      }),
    ]);
  });

  it('keeps item issue paths of a valid-size batch', async () => {
    const jobs = [
      ...Array.from({ length: 3 }, () => testJobCall('ok').json),
      { name: 'sms.send', data: { to: 5, message: 'x' } },
    ];
    const res = await postJson(
      harness.apiUrl,
      'enqueueMany',
      JSON.stringify({ json: { jobs } }),
    );
    expect(res.status).toBe(400);
    const issues = errorOf(res.json).data.issues as { path: unknown[] }[];
    expect(issues.map((i) => i.path)).toContainEqual(['jobs', 3, 'data', 'to']);
  });
});

describe('payload bytes per job (limits.maxPayloadBytes)', () => {
  // The catalog's own fields cannot reach 64 KiB; the same jobs with a
  // 1 KiB limit show the check over real HTTP.
  const tight = { maxPayloadBytes: 1_024 };
  const tightRegistry = defineRegistry([
    { ...testJob, limits: { ...testJob.limits, ...tight } },
    smsSend,
    emailDigest,
  ]) as unknown as FixtureRegistry;
  const prefix = uniquePrefix('payload');
  let services: ConveyorServices<FixtureRegistry>;
  let server: ReturnType<typeof createApiServer>;
  let apiUrl: string;

  beforeAll(async () => {
    services = createServices({
      registry: tightRegistry,
      redis: createRedisClient(redisUrl, { preset: 'api' }),
      logger: pino({ level: 'silent' }),
      prefix,
    });
    server = createApiServer({ services, logger: pino({ level: 'silent' }) });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
    await services.close();
    await deletePrefix(redisUrl, prefix);
  });

  it('is 64 KiB by default', () => {
    expect(registry.get('TEST_JOB')?.limits.maxPayloadBytes).toBe(65_536);
  });

  it('refuses an oversized job with 413 PAYLOAD_TOO_LARGE naming the limit', async () => {
    const res = await postJson(
      apiUrl,
      'enqueue',
      JSON.stringify(testJobCall('y'.repeat(2_000))),
    );
    expect(res.status).toBe(413);
    expect(errorOf(res.json)).toMatchObject({
      message: expect.stringMatching(
        /^Payload for TEST_JOB is \d+ bytes once encoded; the job allows at most 1024$/,
      ),
      data: { code: 'PAYLOAD_TOO_LARGE', reason: 'PAYLOAD_TOO_LARGE' },
    });
    expect(await countStoredJobs(redisUrl, prefix)).toBe(0);
  });

  it('enqueues nothing from an enqueueMany with one oversized item', async () => {
    const jobs = [
      testJobCall('small').json,
      testJobCall('z'.repeat(2_000)).json,
      testJobCall('small too').json,
    ];
    const res = await postJson(
      apiUrl,
      'enqueueMany',
      JSON.stringify({ json: { jobs } }),
    );
    expect(res.status).toBe(413);
    expect(await countStoredJobs(redisUrl, prefix)).toBe(0);
    const fits = await postJson(
      apiUrl,
      'enqueue',
      JSON.stringify(testJobCall('small')),
    );
    expect(fits.status).toBe(200);
    expect(await countStoredJobs(redisUrl, prefix)).toBe(1);
  });
});
