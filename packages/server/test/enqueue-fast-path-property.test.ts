import { DEFAULT_TENANT } from '@conveyor/core';
import { fixtureRegistry as registry } from '@conveyor/fixtures';
import { createRedisClient } from '@conveyor/queue';
import { deletePrefix, uniquePrefix } from '@conveyor/testkit';
import fc from 'fast-check';
import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import superjson from 'superjson';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createAuthenticate } from '../src/auth/authenticate.ts';
import type { NewToken } from '../src/auth/token-store.ts';
import { createServices } from '../src/domain/create-services.ts';
import { startTwinApis, type TwinApis } from './support/twin-apis.ts';

const redisUrl = inject('redisUrl');
const adminToken = randomBytes(32).toString('base64url');

/**
 * What superjson (so any tRPC client) can send: it refuses to serialize an
 * object with a `__proto__`, `prototype` or `constructor` key, which random
 * JSON sometimes holds. How the API treats such a body sent raw is the
 * hostile-wire tests' concern.
 */
function serializable(value: unknown): boolean {
  try {
    superjson.serialize(value);
    return true;
  } catch {
    return false;
  }
}

/**
 * Mostly jobs the API takes (with valid options), some it refuses. No
 * idempotency keys: the first server's enqueue would change what the
 * second answers (enqueue-fast-path.test.ts compares those one by one).
 */
const jobArb = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record(
      {
        name: fc.constant('TEST_JOB'),
        data: fc.record({ message: fc.string({ maxLength: 20 }) }),
        options: fc.record(
          {
            delay: fc.integer({ min: 1_000, max: 10_000_000 }),
            priority: fc.integer({ min: 1, max: 1_000 }),
          },
          { requiredKeys: [] },
        ),
      },
      { requiredKeys: ['name', 'data'] },
    ),
  },
  {
    weight: 1,
    arbitrary: fc.record(
      {
        name: fc.constantFrom('TEST_JOB', 'sms.send', 'email.digest', 'NOPE'),
        data: fc.oneof(
          fc.record({
            userId: fc.string({ maxLength: 5 }),
            period: fc.constantFrom('daily', 'weekly'),
            startDate: fc.date(),
            endDate: fc.date(),
          }),
          fc.jsonValue({ maxDepth: 3 }).filter(serializable),
        ),
        options: fc.record(
          {
            delay: fc.integer({ min: -1, max: 10_000_000 }),
            priority: fc.integer({ min: 0, max: 2_000 }),
            runAt: fc.date(),
          },
          { requiredKeys: [] },
        ),
      },
      { requiredKeys: ['name'] },
    ),
  },
);

const procedures = ['enqueue', 'enqueueMany'] as const;
const inputFor = (procedure: string, jobs: unknown[]) =>
  superjson.serialize(procedure === 'enqueue' ? jobs[0] : { jobs });

/** A URL the fast path takes, and a body for it: well-formed, wrong, or torn. */
const requestArb = fc
  .tuple(
    fc.array(fc.constantFrom(...procedures), { minLength: 1, maxLength: 3 }),
    fc.boolean(),
    fc.array(jobArb, { minLength: 0, maxLength: 3 }),
    fc.constantFrom('as is', 'as is', 'as is', 'raw json', 'torn', 'empty'),
    fc.json({ maxDepth: 3 }),
    fc.nat(),
  )
  .map(([paths, batched, jobs, shape, rawJson, cut]) => {
    const batch = batched || paths.length > 1;
    const path = batch ? `${paths.join(',')}?batch=1` : paths[0];
    const wellFormed = JSON.stringify(
      batch
        ? Object.fromEntries(paths.map((p, i) => [i, inputFor(p, jobs)]))
        : inputFor(paths[0] ?? 'enqueue', jobs),
    );
    const body =
      shape === 'as is'
        ? wellFormed
        : shape === 'raw json'
          ? rawJson
          : shape === 'torn'
            ? wellFormed.slice(0, cut % (wellFormed.length + 1))
            : '';
    return { path: `/trpc/${path}`, body };
  });

describe('the enqueue fast path, over random requests', () => {
  const prefix = uniquePrefix('fast-path-property');
  const redis = createRedisClient(redisUrl, { preset: 'api' });
  const services = createServices({
    registry,
    redis,
    logger: pino({ level: 'silent' }),
    prefix,
  });
  let twins: TwinApis;
  const callers: (string | null)[] = [adminToken, null, 'x'.repeat(20)];

  beforeAll(async () => {
    // Commands fail at once until connected (the API preset has no offline queue).
    if (redis.status !== 'ready')
      await new Promise((resolve) => redis.once('ready', resolve));
    const specs: NewToken[] = [
      { tenantId: 'acme', role: 'producer' },
      { tenantId: 'acme', role: 'viewer' },
      { tenantId: 'acme', role: 'producer', jobs: ['sms.send'] },
    ];
    for (const spec of specs)
      callers.push((await services.tokens.create(spec)).token);
    twins = await startTwinApis({
      services,
      authenticate: createAuthenticate({
        tokens: services.tokens,
        adminToken,
        adminTenant: DEFAULT_TENANT,
      }),
      http: { maxBodyBytes: 600 },
    });
  });
  afterAll(async () => {
    await twins.close();
    await services.close();
    await deletePrefix(redisUrl, prefix);
  });

  it('answers every one exactly as tRPC does', async () => {
    const statuses = new Set<number>();
    await fc.assert(
      fc.asyncProperty(
        requestArb,
        fc.constantFrom(...callers.keys()),
        async ({ path, body }, caller) => {
          const token = callers[caller] ?? null;
          const { standard, fast } = await twins.ask({
            path,
            headers: {
              'content-type': 'application/json',
              ...(token === null ? {} : { authorization: `Bearer ${token}` }),
            },
            body,
          });
          expect(fast).toEqual({ ...standard, fetchRequests: 0 });
          statuses.add(standard.status);
        },
      ),
      { numRuns: 200 },
    );
    // The random requests reached enqueues and each kind of refusal, not one
    // refusal over and over (207 and 413 come often, not always).
    expect([...statuses]).toEqual(expect.arrayContaining([200, 400, 401, 403]));
  });
});
