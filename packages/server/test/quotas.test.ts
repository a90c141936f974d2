import { isConveyorError } from '@conveyor/client';
import { DEFAULT_TENANT } from '@conveyor/core';
import { createKeyspace, createRedisClient } from '@conveyor/queue';
import { spawnTsProcess, waitFor, type TsProcess } from '@conveyor/testkit';
import { randomBytes, randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import {
  afterAll,
  afterEach,
  beforeAll,
  describe,
  expect,
  inject,
  it,
} from 'vitest';
import { startHarness, type Harness } from './support/harness.ts';

const redisUrl = inject('redisUrl');
const adminToken = randomBytes(32).toString('base64url');
const workerEntry = fileURLToPath(
  new URL('fixtures/slow-worker.ts', import.meta.url),
);

const refusal = async (call: Promise<unknown>) =>
  describeRefusal(await call.catch((e: unknown) => e));

function describeRefusal(error: unknown) {
  if (!isConveyorError(error)) return null;
  return {
    code: error.data?.code,
    reason: error.data?.reason,
    retryAfterMs: error.data?.retryAfterMs,
    message: error.message,
  };
}

describe('quotas and rate limits per tenant', () => {
  let harness: Harness;
  const redis = createRedisClient(redisUrl, { preset: 'worker' });
  const workers: TsProcess[] = [];
  const tenantClient = async (tenantId: string) =>
    harness.clientWith(
      (
        await harness.client.tokens.create.mutate({
          tenantId,
          role: 'producer',
        })
      ).token,
    );
  const later = (message: string) =>
    ({
      name: 'TEST_JOB',
      data: { message },
      options: { delay: 600_000 },
    }) as const;

  beforeAll(async () => {
    harness = await startHarness(redisUrl, {
      adminToken,
      limits: {
        defaults: {
          maxUnfinished: 50,
          ratePerSecond: null,
          burst: 1_000,
          maxSchedules: 20,
        },
        unlimitedTenants: [DEFAULT_TENANT],
      },
    });
  });
  afterEach(async () => {
    for (const worker of workers.splice(0)) {
      worker.child.kill('SIGKILL');
      await worker.exited;
    }
  });
  afterAll(async () => {
    redis.disconnect();
    await harness.close();
  });

  it('200 concurrent enqueues against a quota of 50 admit exactly 50; the rest are 429 with retryAfter and enqueue nothing', async () => {
    const client = await tenantClient('small');
    const results = await Promise.allSettled(
      Array.from({ length: 200 }, (_, i) =>
        client.enqueue.mutate(later(`j${i}`)),
      ),
    );
    const admitted = results.filter((r) => r.status === 'fulfilled');
    const rejections = results.filter((r) => r.status === 'rejected');
    const refused = describeRefusal(rejections[0]?.reason);
    expect(admitted, JSON.stringify(refused)).toHaveLength(50);
    expect(refused).toMatchObject({
      code: 'TOO_MANY_REQUESTS',
      reason: 'QUOTA_EXCEEDED',
      retryAfterMs: expect.any(Number),
    });
    expect((await client.queues.stats.query()).default.delayed).toBe(50);
    expect((await client.jobs.list.query({ limit: 100 })).items).toHaveLength(
      50,
    );
  });

  it('a batch that would pass the quota is refused whole', async () => {
    const client = await tenantClient('batchy');
    await Promise.all(
      Array.from({ length: 49 }, (_, i) =>
        client.enqueue.mutate(later(`b${i}`)),
      ),
    );
    const refused = await refusal(
      client.enqueueMany.mutate({ jobs: [later('x'), later('y')] }),
    );
    expect(refused?.code).toBe('TOO_MANY_REQUESTS');
    expect((await client.queues.stats.query()).default.delayed).toBe(49);
    await client.enqueueMany.mutate({ jobs: [later('z')] });
    expect((await client.queues.stats.query()).default.delayed).toBe(50);
  });

  it('cancelling frees quota at once', async () => {
    const client = await tenantClient('freed');
    const jobs = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        client.enqueue.mutate(later(`f${i}`)),
      ),
    );
    expect((await refusal(client.enqueue.mutate(later('over'))))?.code).toBe(
      'TOO_MANY_REQUESTS',
    );
    await client.jobs.cancel.mutate({ id: jobs[0]?.id ?? '' });
    expect((await client.enqueue.mutate(later('fits'))).name).toBe('TEST_JOB');
  });

  it('running a job again (retry of a cancelled job) is admitted like a new one: over the quota it is a 429', async () => {
    const client = await tenantClient('rerun');
    const first = await client.enqueue.mutate(later('first'));
    await client.jobs.cancel.mutate(first);
    await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        client.enqueue.mutate(later(`q${i}`)),
      ),
    );
    expect((await refusal(client.jobs.retry.mutate(first)))?.code).toBe(
      'TOO_MANY_REQUESTS',
    );
    expect((await client.jobs.get.query(first)).state).toBe('cancelled');
    expect((await client.queues.stats.query()).default.delayed).toBe(50);
  });

  it('the rate limit is a token bucket: a burst, then 429 with when to retry, then admitted again', async () => {
    await harness.client.tenants.setLimits.mutate({
      tenantId: 'fast',
      maxUnfinished: null,
      ratePerSecond: 0.5,
      burst: 5,
    });
    const client = await tenantClient('fast');
    // Enqueue until refused: the burst, plus one token per 2 s the calls
    // took (a loaded machine refills some; the count is checked against
    // the time taken, not the time against a bound).
    const started = Date.now();
    let admitted = 0;
    let refused = await refusal(client.enqueue.mutate(later('r0')));
    while (!refused && admitted < 100) {
      admitted += 1;
      refused = await refusal(client.enqueue.mutate(later(`r${admitted}`)));
    }
    const refills = Math.ceil(((Date.now() - started) / 1_000) * 0.5);
    expect(admitted).toBeGreaterThanOrEqual(5);
    expect(admitted).toBeLessThanOrEqual(5 + refills);
    expect(refused).toMatchObject({
      code: 'TOO_MANY_REQUESTS',
      reason: 'QUOTA_EXCEEDED',
    });
    expect(refused?.retryAfterMs).toBeGreaterThan(0);
    expect(refused?.retryAfterMs).toBeLessThanOrEqual(2_000);
    await new Promise((r) => setTimeout(r, (refused?.retryAfterMs ?? 0) + 20));
    expect((await client.enqueue.mutate(later('r6'))).name).toBe('TEST_JOB');
    expect(
      await harness.client.tenants.limits.query({ tenantId: 'fast' }),
    ).toEqual({
      maxUnfinished: null,
      ratePerSecond: 0.5,
      burst: 5,
      maxSchedules: 20,
      weight: 1,
    });
  });

  it('the bootstrap admin’s tenant is unlimited unless configured', async () => {
    const jobs = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        harness.client.enqueue.mutate(later(`a${i}`)),
      ),
    );
    expect(jobs).toHaveLength(60);
  });

  it('a count that leaked heals: an entry whose job is gone does not keep a tenant at its quota', async () => {
    const client = await tenantClient('leaky');
    await Promise.all(
      Array.from({ length: 49 }, (_, i) =>
        client.enqueue.mutate(later(`l${i}`)),
      ),
    );
    // An admission whose add never happened (the API died between them), long ago.
    const keys = createKeyspace(harness.prefix);
    await redis.zadd(
      keys.open('default', 'leaky'),
      Date.now() - 120_000,
      randomUUID(),
    );
    expect((await client.enqueue.mutate(later('fits'))).name).toBe('TEST_JOB');
    expect((await client.queues.stats.query()).default.delayed).toBe(50);
  });

  it('after a worker is killed (kill -9) mid-job, the tenant’s counts return to the truth', async () => {
    const client = await tenantClient('crashy');
    const env = {
      ...process.env,
      REDIS_URL: redisUrl,
      CONVEYOR_PREFIX: harness.prefix,
      WORKER_LOCK_DURATION_MS: '1000',
    };
    const first = spawnTsProcess(workerEntry, { env });
    workers.push(first);
    await first.waitForLine(
      (l) => l.record?.msg === 'Conveyor worker ready',
      60_000,
    );
    const ids = await Promise.all(
      ['slow:1500', 'slow:1500'].map(
        async (message) =>
          (await client.enqueue.mutate({ name: 'TEST_JOB', data: { message } }))
            .id,
      ),
    );
    for (const id of ids)
      await first.waitForLine(
        (l) => l.record?.jobId === id && l.record.msg === 'slow job started',
      );
    first.child.kill('SIGKILL');
    await first.exited;
    expect((await client.queues.stats.query()).default.active).toBe(2);
    const second = spawnTsProcess(workerEntry, { env });
    workers.push(second);
    const stats = await waitFor(
      async () => {
        const s = (await client.queues.stats.query()).default;
        return s.completed === 2 ? s : undefined;
      },
      20_000,
      'the killed worker’s jobs to finish elsewhere',
    );
    expect(stats).toEqual({
      waiting: 0,
      delayed: 0,
      active: 0,
      completed: 2,
      failed: 0,
      cancelled: 0,
      held: 0,
    });
    for (const id of ids)
      expect((await client.jobs.get.query({ id })).state).toBe('completed');
  });
});
