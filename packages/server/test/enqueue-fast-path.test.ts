import { DEFAULT_TENANT } from '@conveyor/core';
import { fixtureRegistry as registry } from '@conveyor/fixtures';
import { createRedisClient } from '@conveyor/queue';
import { deletePrefix, uniquePrefix } from '@conveyor/testkit';
import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import superjson from 'superjson';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createAuthenticate } from '../src/auth/authenticate.ts';
import {
  createServices,
  type ConveyorServices,
} from '../src/domain/create-services.ts';
import {
  startTwinApis,
  type Answer,
  type RawCall,
  type TwinApis,
} from './support/twin-apis.ts';

const redisUrl = inject('redisUrl');
const adminToken = randomBytes(32).toString('base64url');
const silent = pino({ level: 'silent' });
const MAX_BODY = 16 * 1_024;

const json = (value: unknown) => JSON.stringify(superjson.serialize(value));
const job = (data: unknown = { message: 'hi' }, options?: object) =>
  ({ name: 'TEST_JOB', data, ...(options ? { options } : {}) }) as const;
const later = (message: string, options: object = {}) =>
  job({ message }, { delay: 600_000, ...options });

describe('the enqueue fast path answers as tRPC does', () => {
  const prefix = uniquePrefix('fast-path');
  const redis = createRedisClient(redisUrl, { preset: 'api' });
  let services: ConveyorServices;
  let twins: TwinApis;
  const tokens: Record<'producer' | 'scoped' | 'viewer' | 'capped', string> = {
    producer: '',
    scoped: '',
    viewer: '',
    capped: '',
  };

  beforeAll(async () => {
    // Commands fail at once until connected (the API preset has no offline queue).
    if (redis.status !== 'ready')
      await new Promise((resolve) => redis.once('ready', resolve));
    services = createServices({
      registry,
      redis,
      logger: silent,
      prefix,
      limits: {
        defaults: {
          maxUnfinished: 1,
          ratePerSecond: null,
          burst: 1_000,
          maxSchedules: 20,
        },
        unlimitedTenants: [DEFAULT_TENANT, 'acme'],
      },
    });
    await services.tenants.publishPolicy();
    const mint = async (spec: Parameters<typeof services.tokens.create>[0]) =>
      (await services.tokens.create(spec)).token;
    tokens.producer = await mint({ tenantId: 'acme', role: 'producer' });
    tokens.scoped = await mint({
      tenantId: 'acme',
      role: 'producer',
      jobs: ['sms.send'],
    });
    tokens.viewer = await mint({ tenantId: 'acme', role: 'viewer' });
    tokens.capped = await mint({ tenantId: 'capped', role: 'producer' });
    twins = await startTwinApis({
      services,
      authenticate: createAuthenticate({
        tokens: services.tokens,
        adminToken,
        adminTenant: DEFAULT_TENANT,
      }),
      http: { maxBodyBytes: MAX_BODY, maxBatchCalls: 4 },
    });
  });
  afterAll(async () => {
    await twins.close();
    await services.close();
    await deletePrefix(redisUrl, prefix);
  });

  const as = (token: string | null, extra: Record<string, string> = {}) => ({
    'content-type': 'application/json',
    ...(token === null ? {} : { authorization: `Bearer ${token}` }),
    ...extra,
  });
  const post = (
    path: string,
    body: string | Buffer,
    token: string | null = adminToken,
    extra?: Record<string, string>,
  ): RawCall => ({ path: `/trpc/${path}`, headers: as(token, extra), body });

  /** Both answers are equal in everything but timing, and the fast path built no Fetch request. */
  async function same(call: RawCall): Promise<Answer> {
    const { standard, fast } = await twins.ask(call);
    expect(fast).toEqual({ ...standard, fetchRequests: 0 });
    expect(standard.fetchRequests).toBe(1);
    return standard;
  }
  const errorOf = (answer: Answer) =>
    (JSON.parse(answer.body) as { error: { json: Record<string, unknown> } })
      .error.json;

  it('enqueues one job: status, headers, body, request log, observers', async () => {
    const answer = await same(post('enqueue', json(job())));
    expect(answer.status).toBe(200);
    expect(answer.headers).toEqual([
      'x-content-type-options: nosniff',
      'content-type: application/json',
      'vary: trpc-accept, accept',
      'Connection: close',
      'Transfer-Encoding: chunked',
    ]);
    expect(answer.body).toBe(
      '{"result":{"data":{"json":{"id":"<job-id>","name":"TEST_JOB","queue":"default","replayed":false}}}}',
    );
    expect(answer.calls).toEqual([
      {
        procedure: 'enqueue',
        type: 'mutation',
        status: 200,
        code: null,
        tenant: DEFAULT_TENANT,
      },
    ]);
    expect(answer.log).toEqual([
      expect.objectContaining({ msg: 'request', status: 200 }),
    ]);
  });

  it('enqueues with superjson types in the input (Dates) and many at once', async () => {
    const digest = {
      name: 'email.digest',
      data: {
        userId: 'u1',
        period: 'daily',
        startDate: new Date('2026-01-01T00:00:00Z'),
        endDate: new Date('2026-01-02T00:00:00Z'),
      },
      options: { runAt: new Date(Date.now() + 600_000) },
    };
    expect((await same(post('enqueue', json(digest)))).status).toBe(200);
    const many = await same(
      post('enqueueMany', json({ jobs: [later('a'), digest, later('b')] })),
    );
    expect(many.status).toBe(200);
    expect(many.body.match(/<job-id>/g)).toHaveLength(3);
  });

  it('answers batches: all good, mixed (207), with a missing input, too many calls', async () => {
    const batch = (paths: string, inputs: Record<number, unknown>) =>
      post(
        `${paths}?batch=1`,
        JSON.stringify(
          Object.fromEntries(
            Object.entries(inputs).map(([k, v]) => [k, superjson.serialize(v)]),
          ),
        ),
      );
    const good = await same(
      batch('enqueue,enqueueMany', { 0: job(), 1: { jobs: [later('x')] } }),
    );
    expect(good.status).toBe(200);
    const mixed = await same(
      batch('enqueue,enqueue,enqueueMany', {
        0: job(),
        1: { name: 'NOPE', data: {} },
        2: { jobs: [] },
      }),
    );
    expect(mixed.status).toBe(207);
    expect(mixed.calls.map((c) => c.status).sort()).toEqual([200, 400, 400]);
    const missing = await same(batch('enqueue,enqueue', { 1: job() }));
    expect(missing.status).toBe(207);
    expect((await same(post('enqueue?batch=1', '[1]'))).status).toBe(400);
    expect((await same(post('enqueue?batch=1', ''))).status).toBe(400);
    // More calls than allowed: tRPC's own 400, from its handler on both servers.
    const tooMany = await twins.ask(
      batch('enqueue,enqueue,enqueue,enqueue,enqueue', { 0: job() }),
    );
    expect(tooMany.fast).toEqual(tooMany.standard);
    expect(tooMany.standard.status).toBe(400);
  });

  it('refuses bad input with the same issues, reasons and messages', async () => {
    const invalid = await same(post('enqueue', json(job({ message: 42 }))));
    expect(invalid.status).toBe(400);
    expect(errorOf(invalid)).toMatchObject({
      data: { code: 'BAD_REQUEST', reason: 'INVALID_INPUT', path: 'enqueue' },
    });
    const unknown = await same(
      post('enqueue', json({ name: 'NOPE', data: {} })),
    );
    expect(errorOf(unknown)).toMatchObject({ data: { code: 'BAD_REQUEST' } });
    for (const body of [
      '{"json":',
      '',
      'null',
      '{"json":{"name":"TEST_JOB"},"extra":1}',
      '{"json":{"name":"TEST_JOB","data":{"message":"x"}},"meta":{"values":{"data":["regexp"]}}}',
      '{"json":{"__proto__":{"name":"TEST_JOB"}}}',
      `{"json":${'['.repeat(100)}${']'.repeat(100)}}`,
      '\uFEFF{"json":{"name":"TEST_JOB","data":{"message":"bom"}}}',
    ]) {
      const answer = await same(post('enqueue', body));
      expect([body.slice(0, 30), answer.status]).toEqual([
        body.slice(0, 30),
        body.includes('bom') ? 200 : 400,
      ]);
    }
    // Bytes that are not UTF-8 are replaced, as Fetch's text() replaces them.
    const badBytes = Buffer.concat([
      Buffer.from('{"json":{"name":"TEST_JOB","data":{"message":"'),
      Buffer.from([0xff, 0xc3]),
      Buffer.from('"}}}'),
    ]);
    expect((await same(post('enqueue', badBytes))).status).toBe(200);
  });

  it('answers 401, 403 and a bad tenant the same, whatever the body', async () => {
    const body = json(job());
    const cases: [RawCall, number][] = [
      [post('enqueue', body, null), 401],
      [post('enqueue', body, 'not-a-token-but-long-enough'), 401],
      [post('enqueue', '{"json":', null), 401],
      [post('enqueue', body, tokens.viewer), 403],
      [post('enqueue', body, tokens.scoped), 403],
      [
        post('enqueue', body, tokens.producer, {
          'x-conveyor-tenant': 'other',
        }),
        403,
      ],
      [
        post('enqueue', body, adminToken, {
          'x-conveyor-tenant': 'Bad Tenant!',
        }),
        400,
      ],
      [post('enqueueMany', json({ jobs: [job()] }), tokens.scoped), 403],
    ];
    for (const [call, status] of cases)
      expect((await same(call)).status).toBe(status);
  });

  it('refuses an oversized body with 413 (and 401 first without credentials)', async () => {
    const big = json(job({ message: 'x'.repeat(MAX_BODY) }));
    const tooLarge = await same(post('enqueue', big));
    expect(tooLarge.status).toBe(413);
    expect(errorOf(tooLarge)).toMatchObject({
      message: 'Request body too large',
      data: { code: 'PAYLOAD_TOO_LARGE', path: 'enqueue' },
    });
    expect((await same(post('enqueue', big, null))).status).toBe(401);
  });

  it('answers a quota (429 with retryAfterMs) and an idempotency conflict (422)', async () => {
    // The capped tenant may hold one unfinished job.
    const first = await twins.prime(
      post('enqueue', json(later('first')), tokens.capped),
    );
    expect(first.status).toBe(200);
    const quota = await same(
      post('enqueue', json(later('second')), tokens.capped),
    );
    expect(quota.status).toBe(429);
    expect(errorOf(quota)).toMatchObject({
      data: { code: 'TOO_MANY_REQUESTS', reason: 'QUOTA_EXCEEDED' },
    });
    expect(errorOf(quota).data).toHaveProperty('retryAfterMs');

    const key = { idempotencyKey: 'fast-path-key' };
    expect(
      (await twins.prime(post('enqueue', json(later('one', key))))).status,
    ).toBe(200);
    // The same key and payload: the same job, on both.
    const again = await same(post('enqueue', json(later('one', key))));
    expect(again.status).toBe(200);
    const conflict = await same(post('enqueue', json(later('two', key))));
    expect(conflict.status).toBe(422);
    expect(again.headers).toContain('Idempotent-Replayed: true');
  });

  it('leaves wrong content types, GETs and streaming requests to tRPC', async () => {
    const body = json(job());
    const others: RawCall[] = [
      { ...post('enqueue', body), headers: { 'content-type': 'text/plain' } },
      { path: '/trpc/enqueue', method: 'GET' },
      post('enqueue?batch=1', '{}', adminToken, {
        'trpc-accept': 'application/jsonl',
      }),
      post('enqueue/', body),
      post('enqueue?batch=1&x=1', body),
      post('jobs.get', body),
      // A Host no URL can hold: tRPC's 400 before anything else.
      post('enqueue', body, adminToken, { host: 'localhost:99999' }),
    ];
    for (const call of others) {
      const { standard, fast } = await twins.ask(call);
      // Equal down to the Fetch requests built: tRPC's handler (or the
      // API's own 415) answered on both servers.
      expect([call.path, fast]).toEqual([call.path, standard]);
    }
  });
});

describe('the enqueue fast path with Redis down', () => {
  it('answers 503 as tRPC does', async () => {
    const redis = createRedisClient('redis://127.0.0.1:1', { preset: 'api' });
    const services = createServices({ registry, redis, logger: silent });
    const twins = await startTwinApis({
      services,
      authenticate: createAuthenticate({
        tokens: services.tokens,
        adminToken,
        adminTenant: DEFAULT_TENANT,
      }),
    });
    try {
      const call: RawCall = {
        path: '/trpc/enqueue',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${adminToken}`,
        },
        body: json(job()),
      };
      const { standard, fast } = await twins.ask(call);
      expect(fast).toEqual({ ...standard, fetchRequests: 0 });
      expect(standard.status).toBe(503);
      // With a stored token, authentication itself needs Redis: a 503 too.
      const stored = await twins.ask({
        ...call,
        headers: {
          ...call.headers,
          authorization: 'Bearer cvk_abc_0123456789abcdef',
        },
      });
      expect(stored.fast).toEqual({ ...stored.standard, fetchRequests: 0 });
      expect(stored.standard.status).toBe(503);
    } finally {
      await twins.close();
      await services.close();
    }
  });
});
