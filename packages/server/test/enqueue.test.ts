import { DEFAULT_TENANT } from '@conveyor/core';
import type { JobInput } from '@conveyor/core';
import type { FixtureRegistry } from '@conveyor/fixtures';
import { waitFor } from '@conveyor/testkit';
import type { ProcessorMap } from '@conveyor/queue';
import {
  afterAll,
  beforeAll,
  beforeEach,
  describe,
  expect,
  inject,
  it,
} from 'vitest';
import { isConveyorError } from '@conveyor/client';
import { startHarness, type Harness } from './support/harness.ts';

const redisUrl = inject('redisUrl');

describe('enqueue through the typed HTTP client', () => {
  let harness: Harness;
  const seen: { name: string; payload: unknown }[] = [];
  let requests = 0;

  const processors: ProcessorMap<FixtureRegistry> = {
    TEST_JOB: (payload) => (
      seen.push({ name: 'TEST_JOB', payload }),
      Promise.resolve({ echoed: payload.message })
    ),
    'sms.send': (payload) => (
      seen.push({ name: 'sms.send', payload }),
      Promise.resolve({ providerMessageId: 'x' })
    ),
    'email.digest': (payload) => (
      seen.push({ name: 'email.digest', payload }),
      Promise.resolve({ messageId: 'm', itemCount: 0 })
    ),
    'feed.sync': (payload) => (
      seen.push({ name: 'feed.sync', payload }),
      Promise.resolve({ feeds: 0, items: 0, added: 0, newest: null })
    ),
    'content.generate': (payload) => (
      seen.push({ name: 'content.generate', payload }),
      Promise.resolve({
        title: payload.topic,
        markdown: '',
        words: 0,
        sections: payload.sections,
        sources: 0,
      })
    ),
  };

  beforeAll(async () => {
    harness = await startHarness(redisUrl, {
      processors,
      fetch: (input, init) => {
        requests += 1;
        return fetch(input, init);
      },
    });
  });
  afterAll(() => harness.close());
  beforeEach(() => {
    seen.length = 0;
    requests = 0;
  });

  const seenFor = (name: string) =>
    waitFor(
      () => seen.find((s) => s.name === name),
      10_000,
      `${name} to be processed`,
    );
  const totalJobs = async () => {
    const counts = await harness.services.jobs.stats(DEFAULT_TENANT);
    return Object.values(counts)
      .flatMap((byState) => Object.values(byState))
      .reduce((a, b) => a + b, 0);
  };

  it('the worker receives exactly the payload the client sent', async () => {
    const data = { message: 'hello over HTTP ✓ with "quotes" and \n newline' };
    const result = await harness.client.enqueue.mutate({
      name: 'TEST_JOB',
      data,
    });
    expect(result).toEqual({
      id: expect.any(String),
      name: 'TEST_JOB',
      queue: 'default',
      replayed: false,
    });
    expect((await seenFor('TEST_JOB')).payload).toEqual(data);
  });

  it('Dates in email.digest arrive in the processor as Dates', async () => {
    const data: JobInput<FixtureRegistry['jobs']['email.digest']> = {
      userId: 'user-42',
      period: 'weekly',
      startDate: new Date('2026-11-01T00:00:00.000Z'),
      endDate: new Date('2026-11-07T23:59:59.999Z'),
    };
    await harness.client.enqueue.mutate({ name: 'email.digest', data });
    const payload = (await seenFor('email.digest')).payload as typeof data;
    expect(payload.startDate).toBeInstanceOf(Date);
    expect(payload.endDate).toBeInstanceOf(Date);
    expect(payload).toEqual(data);
  });

  it('an invalid payload is rejected with each issue, and nothing is enqueued', async () => {
    const before = await totalJobs();
    const error = await harness.client.enqueue
      .mutate({
        name: 'sms.send',
        data: { to: '555-0123', message: 'x'.repeat(1_601) },
      })
      .catch((e: unknown) => e);
    expect(isConveyorError(error)).toBe(true);
    if (!isConveyorError(error)) return;
    expect(error.data?.code).toBe('BAD_REQUEST');
    expect(error.data?.httpStatus).toBe(400);
    expect(error.data?.reason).toBe('INVALID_INPUT');
    expect(error.data?.issues).toEqual([
      {
        path: ['data', 'to'],
        message: 'Phone number must be in E.164 format, e.g. +14155550123',
        code: 'invalid_format',
      },
      {
        path: ['data', 'message'],
        message: expect.stringContaining('1600'),
        code: 'too_big',
      },
    ]);
    expect(await totalJobs()).toBe(before);
  });

  it('an unknown job name is rejected, naming the known ones, and nothing is enqueued', async () => {
    const before = await totalJobs();
    const request = {
      name: 'sms.sned',
      data: { to: '+14155550123', message: 'hi' },
    };
    const error = await harness.client.enqueue
      .mutate(
        request as unknown as Parameters<
          typeof harness.client.enqueue.mutate
        >[0],
      )
      .catch((e: unknown) => e);
    expect(isConveyorError(error) && error.data?.code).toBe('BAD_REQUEST');
    if (!isConveyorError(error)) return;
    expect(error.data?.issues?.[0]?.path).toEqual(['name']);
    expect(error.data?.issues?.[0]?.message).toContain(
      'expected one of: TEST_JOB, sms.send, email.digest',
    );
    expect(await totalJobs()).toBe(before);
  });

  it('calls made together travel in one batched HTTP request', async () => {
    const results = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        harness.client.enqueue.mutate({
          name: 'TEST_JOB',
          data: { message: `b${i}` },
        }),
      ),
    );
    expect(new Set(results.map((r) => r.id)).size).toBe(5);
    expect(requests).toBe(1);
  });

  it('malformed requests get a clean error: no stack, no internals', async () => {
    const response = await fetch(`${harness.apiUrl}/trpc/enqueue`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"json": {"name": "TEST_JOB", "data": ',
    });
    expect(response.status).toBe(400);
    const body = await response.text();
    expect(body).not.toMatch(/stack|at .*\.(js|ts):\d+|node_modules/);
    expect(JSON.parse(body)).toMatchObject({
      error: { json: { data: { code: 'BAD_REQUEST' } } },
    });
  });

  it('health and readiness answer over HTTP', async () => {
    expect(await (await fetch(`${harness.apiUrl}/healthz`)).json()).toEqual({
      status: 'ok',
    });
    const ready = await fetch(`${harness.apiUrl}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({
      ready: true,
      redis: 'up',
      maxmemoryPolicy: 'noeviction',
      warnings: [],
    });
    expect((await fetch(`${harness.apiUrl}/nope`)).status).toBe(404);
  });
});
