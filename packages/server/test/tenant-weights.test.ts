import { isConveyorError } from '@conveyor/client';
import { createKeyspace, createRedisClient } from '@conveyor/queue';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startHarness, type Harness } from './support/harness.ts';

const redisUrl = inject('redisUrl');
const adminToken = randomBytes(32).toString('base64url');

const failureOf = async (call: Promise<unknown>) => {
  const error = await call.catch((e: unknown) => e);
  return isConveyorError(error)
    ? { code: error.data?.code, httpStatus: error.data?.httpStatus }
    : 'no error';
};

const limits = { maxUnfinished: null, ratePerSecond: null, burst: 1_000 };

describe('tenant fair-share weights', () => {
  let harness: Harness;
  const redis = createRedisClient(redisUrl, { preset: 'worker' });
  const weightsIn = (queue: string) =>
    redis.hgetall(`${createKeyspace(harness.prefix).flowPrefix(queue)}weights`);
  const everyQueue = () =>
    Promise.all(
      harness.services.registry.queues.map(async (queue) => ({
        queue,
        weights: await weightsIn(queue),
      })),
    );

  beforeAll(async () => {
    harness = await startHarness(redisUrl, { adminToken });
  });
  afterAll(async () => {
    redis.disconnect();
    await harness.close();
  });

  it('an admin sets a weight: the limits answer it and every queue of the registry dispatches by it', async () => {
    const set = await harness.client.tenants.setLimits.mutate({
      tenantId: 'heavy',
      ...limits,
      weight: 5,
    });
    expect(set.weight).toBe(5);
    expect(
      (await harness.client.tenants.limits.query({ tenantId: 'heavy' })).weight,
    ).toBe(5);
    const queues = await everyQueue();
    expect(queues.length).toBeGreaterThan(1);
    for (const { weights } of queues) expect(weights).toEqual({ heavy: '5' });
  });

  it('setting other limits without a weight keeps it; null clears it everywhere (back to 1)', async () => {
    await harness.client.tenants.setLimits.mutate({
      tenantId: 'kept',
      ...limits,
      weight: 7,
    });
    const changed = await harness.client.tenants.setLimits.mutate({
      tenantId: 'kept',
      ...limits,
      burst: 10,
    });
    expect(changed).toMatchObject({ burst: 10, weight: 7 });
    for (const { weights } of await everyQueue())
      expect(weights.kept).toBe('7');

    const cleared = await harness.client.tenants.setLimits.mutate({
      tenantId: 'kept',
      ...limits,
      weight: null,
    });
    expect(cleared.weight).toBe(1);
    for (const { weights } of await everyQueue())
      expect(weights.kept).toBeUndefined();
  });

  it('setWeight changes only the weight: a tenant on the policy’s defaults stays on them', async () => {
    const answered = await harness.client.tenants.setWeight.mutate({
      tenantId: 'solo',
      weight: 4,
    });
    expect(answered).toEqual({
      maxUnfinished: null,
      ratePerSecond: null,
      burst: 1_000,
      maxSchedules: null,
      weight: 4,
    });
    expect(
      await redis.hgetall(createKeyspace(harness.prefix).limits('solo')),
    ).toEqual({ weight: '4' });
    for (const { weights } of await everyQueue())
      expect(weights.solo).toBe('4');
    await harness.client.tenants.setWeight.mutate({
      tenantId: 'solo',
      weight: null,
    });
    for (const { weights } of await everyQueue())
      expect(weights.solo).toBeUndefined();
  });

  it('a tenant without a weight reads 1', async () => {
    expect(
      (await harness.client.tenants.limits.query({ tenantId: 'never-set' }))
        .weight,
    ).toBe(1);
  });

  it('only admins set weights: a tenant token is refused and nothing is mirrored', async () => {
    const { token } = await harness.client.tokens.create.mutate({
      tenantId: 'sneaky',
      role: 'producer',
    });
    const tenant = harness.clientWith(token);
    expect(
      await failureOf(
        tenant.tenants.setLimits.mutate({
          tenantId: 'sneaky',
          ...limits,
          weight: 1_000,
        }),
      ),
    ).toEqual({ code: 'FORBIDDEN', httpStatus: 403 });
    expect(
      await failureOf(
        tenant.tenants.setWeight.mutate({ tenantId: 'sneaky', weight: 1_000 }),
      ),
    ).toEqual({ code: 'FORBIDDEN', httpStatus: 403 });
    for (const { weights } of await everyQueue())
      expect(weights.sneaky).toBeUndefined();
  });

  it.each([0, -1, 1_001, 1.5, Number.MAX_SAFE_INTEGER, '3', true])(
    'a hostile weight (%s) is a 400 and changes nothing',
    async (weight) => {
      await harness.client.tenants.setLimits.mutate({
        tenantId: 'target',
        ...limits,
        weight: 2,
      });
      expect(
        await failureOf(
          harness.client.tenants.setLimits.mutate({
            tenantId: 'target',
            ...limits,
            weight: weight as number,
          }),
        ),
      ).toEqual({ code: 'BAD_REQUEST', httpStatus: 400 });
      expect(
        await failureOf(
          harness.client.tenants.setWeight.mutate({
            tenantId: 'target',
            weight: weight as number,
          }),
        ),
      ).toEqual({ code: 'BAD_REQUEST', httpStatus: 400 });
      expect(
        (await harness.client.tenants.limits.query({ tenantId: 'target' }))
          .weight,
      ).toBe(2);
      for (const { weights } of await everyQueue())
        expect(weights.target).toBe('2');
    },
  );
});
