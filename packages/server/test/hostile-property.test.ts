import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { fixtureRegistry } from '@conveyor/fixtures';
import { createConveyorRouter } from '../src/create-conveyor-router.ts';
import { createTestDatabase } from '@conveyor/testkit';
import { startHarness, type Harness } from './support/harness.ts';
import {
  countStoredJobs,
  rawRequest,
  type RawResponse,
} from './support/raw-http.ts';

const redisUrl = inject('redisUrl');

/** Text that must never reach a client: stacks, internals, exception wording. */
const LEAK =
  /at .*\(|node_modules|ioredis|bullmq|WRONGTYPE|ERR |call stack|is not a function|Cannot (read|destructure)|github\.com|INTERNAL_SERVER_ERROR|Internal server error/i;

const procedures = Object.entries(
  createConveyorRouter(fixtureRegistry)._def.procedures as unknown as Record<
    string,
    { _def: { type: string } }
  >,
).map(([path, p]) => ({ path, type: p._def.type }));

// --- generators ------------------------------------------------------------

const annotation = fc.constantFrom<unknown>(
  'Date',
  'map',
  'set',
  'bigint',
  'undefined',
  'number',
  'regexp',
  'Error',
  'URL',
  'nonsense',
  ['typed-array', 'Float64Array'],
  ['typed-array', 'Uint8Array'],
  ['class', 'Foo'],
  ['custom', 'Decimal'],
  ['symbol', 's'],
  [],
  null,
  42,
);
const pathSegment = fc.constantFrom(
  'a',
  '0',
  '1',
  'id',
  'data',
  'name',
  'jobs',
  'message',
  '__proto__',
  'constructor',
  'prototype',
  'length',
  '',
  'x\\y',
);
const annotationPath = fc
  .array(pathSegment, { maxLength: 6 })
  .map((s) => s.join('.'));
const huge = fc.constantFrom<unknown>(
  1e308,
  -1e308,
  Number.MAX_SAFE_INTEGER + 2,
  1e-320,
  '9'.repeat(400),
  '1e400',
  'NaN',
  '-Infinity',
  { length: 1e8 },
  [[1e9, 1e9]],
);
const shape = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }),
  huge,
  fc.record({ id: fc.oneof(fc.string(), huge, pathSegment) }),
  fc.record({
    name: fc.constantFrom('TEST_JOB', 'sms.send', 'email.digest', 'nope'),
    data: fc.oneof(fc.jsonValue({ maxDepth: 3 }), huge),
  }),
  fc.record({
    jobs: fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 5 }),
  }),
);
const meta = fc.oneof(
  fc.constant(undefined),
  fc.record(
    {
      values: fc.oneof(
        fc.tuple(annotation),
        fc.dictionary(annotationPath, fc.tuple(annotation), { maxKeys: 4 }),
        fc.jsonValue({ maxDepth: 3 }),
      ),
      referentialEqualities: fc.oneof(
        fc.dictionary(
          annotationPath,
          fc.array(annotationPath, { maxLength: 4 }),
          {
            maxKeys: 3,
          },
        ),
        fc.tuple(fc.array(annotationPath, { maxLength: 3 })),
        fc.jsonValue({ maxDepth: 2 }),
      ),
      v: fc.constantFrom<unknown>(1, 0, 2, 'x', null),
    },
    { requiredKeys: [] },
  ),
  fc.jsonValue({ maxDepth: 3 }),
);
/** One call's encoded input: mostly superjson-shaped, sometimes not at all. */
const encodedInput = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.tuple(shape, meta).map(([json, m]) => ({ json, meta: m })),
  },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
);
const deepBody = fc
  .tuple(fc.integer({ min: 60, max: 20_000 }), fc.constantFrom('[', '{"a":'))
  .map(([depth, open]) => {
    const close = open === '[' ? ']' : '}';
    return `{"json":${open.repeat(depth)}1${close.repeat(depth)}}`;
  });
const procedure = fc.constantFrom(...procedures);
const method = fc.constantFrom(
  'GET',
  'POST',
  'PUT',
  'DELETE',
  'PATCH',
  'OPTIONS',
  'TRACE',
  'HEAD',
);
const contentType = fc.constantFrom<string | undefined>(
  'application/json',
  'application/json; charset=utf-16',
  'text/plain',
  'multipart/form-data; boundary=x',
  'application/octet-stream',
  undefined,
);
const oddPath = fc.oneof(
  procedure.map((p) => p.path),
  fc.string({ maxLength: 30 }).map(encodeURIComponent),
  fc.constantFrom(
    '%E0%A4%A',
    '..%2F..%2Fetc',
    'jobs',
    'jobs.',
    ',,,',
    '__proto__',
  ),
);

// --- the suite -------------------------------------------------------------

describe('hostile input at every procedure (property-based, real HTTP)', () => {
  let harness: Harness;
  let rssBefore: number;
  let peakBefore: number;
  const seen = { requests: 0, statuses: new Map<number, number>() };

  // History on, so its procedures face the same probes as the rest.
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  beforeAll(async () => {
    database = await createTestDatabase(inject('postgresUrl'));
    harness = await startHarness(redisUrl, {
      history: { databaseUrl: database.url },
    });
    rssBefore = process.memoryUsage().rss;
    // Peak RSS (KiB): a huge allocation freed before the end still shows.
    peakBefore = process.resourceUsage().maxRSS * 1024;
  });
  afterAll(async () => {
    await harness.close();
    await database.drop();
  });

  /** Sends one request and checks what every answer must satisfy. */
  async function probe(send: () => Promise<RawResponse>) {
    const before = await countStoredJobs(redisUrl, harness.prefix);
    const res = await send();
    seen.requests++;
    // Answered (headers at least) within the 1.5 s each request is given.
    expect(res.status, 'no answer in time').toBeGreaterThan(0);
    seen.statuses.set(res.status, (seen.statuses.get(res.status) ?? 0) + 1);
    expect(res.status, res.text.slice(0, 300)).toBeLessThan(500);
    expect(res.text).not.toMatch(LEAK);
    if (res.status >= 400)
      expect(await countStoredJobs(redisUrl, harness.prefix)).toBe(before);
  }

  const get = (path: string, input?: string) =>
    rawRequest(
      `${harness.apiUrl}/trpc/${path}${input === undefined ? '' : `?input=${encodeURIComponent(input)}`}`,
      { timeoutMs: 1_500 },
    );
  const post = (path: string, body: string, type?: string) =>
    rawRequest(`${harness.apiUrl}/trpc/${path}`, {
      method: 'POST',
      headers: type === undefined ? {} : { 'content-type': type },
      body,
      timeoutMs: 1_500,
    });

  it('random superjson inputs: each procedure by its own method', async () => {
    await fc.assert(
      fc.asyncProperty(procedure, encodedInput, async (p, input) => {
        const body = JSON.stringify(input) ?? 'null';
        await probe(() =>
          p.type === 'mutation'
            ? post(p.path, body, 'application/json')
            : get(p.path, body),
        );
      }),
      { numRuns: 250 },
    );
  });

  it('deep nesting and the typed-array probe', async () => {
    await probe(() =>
      post(
        'enqueue',
        '{"json":{"length":1e8},"meta":{"values":[["typed-array","Float64Array"]]}}',
        'application/json',
      ),
    );
    await fc.assert(
      fc.asyncProperty(procedure, deepBody, async (p, body) => {
        await probe(() =>
          p.type === 'mutation'
            ? post(p.path, body, 'application/json')
            : get(p.path, body),
        );
      }),
      { numRuns: 30 },
    );
  });

  it('odd methods, paths and content types', async () => {
    await fc.assert(
      fc.asyncProperty(
        method,
        oddPath,
        contentType,
        encodedInput,
        async (m, path, type, input) => {
          await probe(() =>
            rawRequest(`${harness.apiUrl}/trpc/${path}`, {
              method: m,
              headers: type === undefined ? {} : { 'content-type': type },
              ...(m === 'GET' || m === 'HEAD'
                ? {}
                : { body: JSON.stringify(input) ?? '' }),
              timeoutMs: 1_500,
            }),
          );
        },
      ),
      { numRuns: 150 },
    );
  });

  it('batch URLs with random calls and inputs', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(procedure, { minLength: 1, maxLength: 60 }),
        fc.array(encodedInput, { maxLength: 60 }),
        fc.boolean(),
        async (calls, inputs, asPost) => {
          const path = calls.map((c) => c.path).join(',');
          const body = JSON.stringify(
            Object.fromEntries(inputs.map((v, i) => [i, v])),
          );
          await probe(() =>
            asPost
              ? post(`${path}?batch=1`, body, 'application/json')
              : rawRequest(
                  `${harness.apiUrl}/trpc/${path}?batch=1&input=${encodeURIComponent(body)}`,
                  { timeoutMs: 1_500 },
                ),
          );
        },
      ),
      { numRuns: 80 },
    );
  });

  it('kept the API process memory bounded', () => {
    const rssAfter = process.memoryUsage().rss;
    const peakAfter = process.resourceUsage().maxRSS * 1024;
    const mb = (n: number) => Math.round(n / 1024 / 1024);
    console.log(
      `hostile suite: ${seen.requests} requests, statuses ${JSON.stringify(Object.fromEntries(seen.statuses))}; ` +
        `RSS before ${mb(rssBefore)} MB, after ${mb(rssAfter)} MB; ` +
        `peak RSS before ${mb(peakBefore)} MB, after ${mb(peakAfter)} MB`,
    );
    expect(seen.requests).toBeGreaterThan(500);
    // One revived 1e8 Float64Array alone would be 800 MB.
    expect(rssAfter - rssBefore).toBeLessThan(200 * 1024 * 1024);
    expect(peakAfter - peakBefore).toBeLessThan(200 * 1024 * 1024);
  });
});
