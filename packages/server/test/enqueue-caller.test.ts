import { DEFAULT_TENANT } from '@conveyor/core';
import { fixtureRegistry as registry } from '@conveyor/fixtures';
import { createRedisClient } from '@conveyor/queue';
import { deletePrefix, uniquePrefix, waitFor } from '@conveyor/testkit';
import { TRPCError } from '@trpc/server';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { LOCAL_PRINCIPAL } from '../src/auth/principal.ts';
import { createContextInner } from '../src/context.ts';
import {
  createServices,
  type ConveyorServices,
} from '../src/domain/create-services.ts';
import { createConveyorRouter } from '../src/create-conveyor-router.ts';
import { createCallerFactory } from '../src/trpc.ts';

const redisUrl = inject('redisUrl');
const logger = pino({ level: 'silent' });
const createCaller = createCallerFactory(createConveyorRouter(registry));

describe('enqueue procedure (server-side caller)', () => {
  let prefix: string;
  let services: ConveyorServices<typeof registry>;

  beforeEach(() => {
    prefix = uniquePrefix('caller');
    services = createServices({
      registry,
      redis: createRedisClient(redisUrl, { preset: 'api' }),
      logger,
      prefix,
    });
  });
  afterEach(async () => {
    await services.close();
    await deletePrefix(redisUrl, prefix);
  });

  it('enqueues for an authenticated caller', async () => {
    const caller = createCaller(
      createContextInner({ services, logger }, LOCAL_PRINCIPAL),
    );
    const result = await caller.enqueue({
      name: 'sms.send',
      data: { to: '+14155550123', message: 'hi', alertId: 'a-1' },
    });
    expect(result).toEqual({
      id: expect.any(String),
      name: 'sms.send',
      queue: 'sms',
      replayed: false,
    });
    expect((await services.jobs.stats(DEFAULT_TENANT)).sms.waiting).toBe(1);
  });

  it('rejects a caller without a principal before touching the queue', async () => {
    const caller = createCaller(createContextInner({ services, logger }, null));
    const error = await caller
      .enqueue({ name: 'TEST_JOB', data: { message: 'x' } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCError);
    expect((error as TRPCError).code).toBe('UNAUTHORIZED');
    expect((await services.jobs.stats(DEFAULT_TENANT)).default.waiting).toBe(0);
  });

  it('rejects invalid input with BAD_REQUEST', async () => {
    const caller = createCaller(
      createContextInner({ services, logger }, LOCAL_PRINCIPAL),
    );
    const error = await caller
      .enqueue({ name: 'TEST_JOB', data: { message: '' } })
      .catch((e: unknown) => e);
    expect((error as TRPCError).code).toBe('BAD_REQUEST');
  });
});

describe('readiness', () => {
  it('reports a maxmemory-policy that lets Redis evict jobs', async () => {
    const admin = new Redis(redisUrl);
    const [, before] = (await admin.config('GET', 'maxmemory-policy')) as [
      string,
      string,
    ];
    const services = createServices({
      registry,
      redis: createRedisClient(redisUrl, { preset: 'api' }),
      logger,
      prefix: uniquePrefix('ready'),
    });
    try {
      await admin.config('SET', 'maxmemory-policy', 'allkeys-lru');
      // Not ready until the fail-fast connection is up; then ready, with a warning.
      const readiness = await waitFor(async () => {
        const r = await services.readiness.check();
        return r.ready ? r : undefined;
      });
      expect(readiness).toMatchObject({
        ready: true,
        redis: 'up',
        maxmemoryPolicy: 'allkeys-lru',
      });
      expect(readiness.warnings[0]).toContain('set it to "noeviction"');
    } finally {
      await admin.config('SET', 'maxmemory-policy', before);
      await services.close();
      admin.disconnect();
    }
    expect(before).toBe('noeviction');
  });
});
