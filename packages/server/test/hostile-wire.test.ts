import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startHarness, type Harness } from './support/harness.ts';
import { countStoredJobs, postJson } from './support/raw-http.ts';

const redisUrl = inject('redisUrl');

/** The error body tRPC sends, superjson-wrapped. */
type ErrorBody = {
  error: { json: { message: string; data: Record<string, unknown> } };
};
const errorOf = (json: unknown) => (json as ErrorBody).error.json;

describe('superjson on the wire (hostile input)', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness(redisUrl);
  });
  afterAll(() => harness.close());

  const enqueue = (json: unknown, meta?: unknown) =>
    postJson(
      harness.apiUrl,
      'enqueue',
      JSON.stringify(meta === undefined ? { json } : { json, meta }),
    );

  it('refuses the 138-byte typed-array request without allocating it', async () => {
    const body = JSON.stringify({
      json: { length: 1e8 },
      meta: { values: [['typed-array', 'Float64Array']] },
    });
    expect(body.length).toBeLessThan(140);
    const before = process.memoryUsage();
    const res = await postJson(harness.apiUrl, 'enqueue', body);
    const after = process.memoryUsage();
    expect(res.status).toBe(400);
    expect(errorOf(res.json)).toMatchObject({
      message: expect.stringMatching(
        /^Unsupported superjson type "typed-array"/,
      ),
      data: { code: 'BAD_REQUEST', reason: 'MALFORMED_INPUT' },
    });
    // A Float64Array of 1e8 would be 800 MB of array buffers.
    expect(after.arrayBuffers - before.arrayBuffers).toBeLessThan(10e6);
  });

  it('refuses it on queries too (GET input)', async () => {
    const input = encodeURIComponent(
      JSON.stringify({
        json: { id: { length: 1e8 } },
        meta: { values: { id: [['typed-array', 'Uint8Array']] } },
      }),
    );
    const res = await fetch(`${harness.apiUrl}/trpc/jobs.get?input=${input}`);
    expect(res.status).toBe(400);
    expect(errorOf(await res.json()).data.reason).toBe('MALFORMED_INPUT');
  });

  it('refuses every type the contract does not use', async () => {
    const types = [
      ['class', 'Foo'],
      ['custom', 'Decimal'],
      ['symbol', 's'],
      'regexp',
      'Error',
      'URL',
      'nonsense',
    ];
    for (const type of types) {
      const res = await enqueue(
        { name: 'TEST_JOB', data: { message: 'x' } },
        { values: { 'data.message': [type] } },
      );
      expect(res.status, JSON.stringify(type)).toBe(400);
      expect(errorOf(res.json).message).toMatch(/Unsupported superjson type/);
    }
  });

  it('refuses deep nesting of json and of meta, in the API words', async () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    const res = await postJson(
      harness.apiUrl,
      'enqueue',
      `{"json":{"name":"TEST_JOB","data":{"message":${deep}}}}`,
    );
    expect(res.status).toBe(400);
    expect(errorOf(res.json).message).toBe(
      'Input nested too deeply (at most 64 levels)',
    );
    const path = Array.from({ length: 200 }, () => 'a').join('.');
    const metaDeep = await enqueue(
      { name: 'TEST_JOB', data: { message: 'x' } },
      { values: { [path]: ['Date'] } },
    );
    expect(metaDeep.status).toBe(400);
    expect(metaDeep.text).not.toMatch(/call stack|at .*\(/);
  });

  it('bounds shared references and refuses self-reference', async () => {
    const many = Array.from({ length: 3_000 }, () => 'data.message');
    const res = await enqueue(
      { name: 'TEST_JOB', data: { message: 'x' } },
      { v: 1, referentialEqualities: { name: many } },
    );
    expect(res.status).toBe(400);
    expect(errorOf(res.json).message).toMatch(/Too many shared references/);
    const self = await enqueue(
      { name: 'TEST_JOB', data: { message: 'x' } },
      { v: 1, referentialEqualities: [['data.x']] },
    );
    expect(self.status).toBe(400);
  });

  it('still takes what the typed client sends (Dates reused across jobs)', async () => {
    const startDate = new Date('2026-11-21T00:00:00Z');
    const endDate = new Date('2026-11-22T00:00:00Z');
    // The same Date objects in two jobs: superjson sends referentialEqualities.
    const data = {
      userId: 'u-1',
      period: 'daily' as const,
      startDate,
      endDate,
    };
    const { jobs } = await harness.client.enqueueMany.mutate({
      jobs: [
        { name: 'email.digest', data },
        { name: 'email.digest', data: { ...data, userId: 'u-2' } },
      ],
    });
    const stored = await harness.client.jobs.get.query({ id: jobs[1]!.id });
    expect(stored.name === 'email.digest' && stored.data).toEqual({
      ...data,
      userId: 'u-2',
    });
  });

  it('enqueues nothing for any refused input', async () => {
    const before = await countStoredJobs(redisUrl, harness.prefix);
    await enqueue(
      { name: 'TEST_JOB', data: { message: 'x' } },
      { values: { 'data.message': ['regexp'] } },
    );
    expect(await countStoredJobs(redisUrl, harness.prefix)).toBe(before);
  });
});
