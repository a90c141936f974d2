import { isConveyorError } from '@conveyor/client';
import { createKeyspace, createRedisClient } from '@conveyor/queue';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startHarness, type Harness } from './support/harness.ts';
import {
  DASHBOARD_ADMIN_TOKEN,
  serveDashboard,
} from './support/serve-dashboard.ts';
import type { FixtureClient } from './support/fixture-router.ts';

const redisUrl = inject('redisUrl');
const adminToken = randomBytes(32).toString('base64url');
const queue = 'default';

const codeOf = async (call: Promise<unknown>) => {
  const error = await call.catch((e: unknown) => e);
  return isConveyorError(error) ? error.data?.code : 'no error';
};

/**
 * Flow control's dispatch is the lead's (its end-to-end tests cover the
 * real path); here a held job is made as the keyspace documents it: an
 * enqueued job taken out of BullMQ's structures, its id in its lane, its
 * hash marked held, its tenant's backlog counted.
 */
describe('flow-control visibility through the API', () => {
  let harness: Harness;
  let acme: FixtureClient;
  let other: FixtureClient;
  const redis = createRedisClient(redisUrl, { preset: 'worker' });
  const keys = () => createKeyspace(harness.prefix);
  const fc = () => keys().flowPrefix(queue);

  const tenantClient = async (tenantId: string) =>
    harness.clientWith(
      (
        await harness.client.tokens.create.mutate({
          tenantId,
          role: 'producer',
        })
      ).token,
    );

  async function enqueueHeld(
    client: FixtureClient,
    tenant: string,
    key: string,
  ) {
    const job = await client.enqueue.mutate({
      name: 'TEST_JOB',
      data: { message: 'held' },
      options: { delay: 600_000 },
    });
    const lane = `${tenant}:TEST_JOB:${key}`;
    await redis.zrem(keys().bull(queue, 'delayed'), job.id);
    await redis.zadd(`${fc()}lane:${lane}`, Date.now(), job.id);
    await redis.hset(keys().bull(queue, job.id), {
      cvh: '1',
      cvf: JSON.stringify({ l: lane, c: 2, r: null, f: true }),
    });
    await redis.hincrby(`${fc()}backlog`, tenant, 1);
    return { ...job, lane };
  }

  beforeAll(async () => {
    harness = await startHarness(redisUrl, { adminToken });
    acme = await tenantClient('acme');
    other = await tenantClient('other');
  });
  afterAll(async () => {
    redis.disconnect();
    await harness.close();
  });

  it('a held job reads as waiting, for its tenant’s turn, and only its own tenant finds it', async () => {
    const job = await enqueueHeld(acme, 'acme', 'customer-7');
    const view = await acme.jobs.get.query(job);
    expect(view.state).toBe('waiting');
    expect(view.waitingFor).toEqual({
      reason: 'fair-share',
      key: 'customer-7',
      position: 1,
    });
    expect(await codeOf(other.jobs.get.query(job))).toBe('NOT_FOUND');
  });

  it('a held job whose key is full says concurrency, and when it is tried again', async () => {
    const job = await enqueueHeld(acme, 'acme', 'busy');
    const wake = Date.now() + 30_000;
    await redis.zadd(`${fc()}sleep`, wake, job.lane);
    await redis.hset(`${fc()}why`, job.lane, 'concurrency');
    expect((await acme.jobs.get.query(job)).waitingFor).toEqual({
      reason: 'concurrency',
      key: 'busy',
      position: 1,
      retryAt: new Date(wake),
    });
  });

  it('a job flow control does not hold has no waitingFor', async () => {
    const job = await acme.enqueue.mutate({
      name: 'TEST_JOB',
      data: { message: 'plain' },
    });
    const view = await acme.jobs.get.query(job);
    expect(view.state).toBe('waiting');
    expect(view).not.toHaveProperty('waitingFor');
  });

  it('stats show a tenant its own held backlog only; an admin sees every tenant’s', async () => {
    await enqueueHeld(other, 'other', '');
    const acmeStats = (await acme.queues.stats.query())[queue];
    const otherStats = (await other.queues.stats.query())[queue];
    expect(acmeStats.held).toBe(2);
    expect(acmeStats.waiting).toBeGreaterThanOrEqual(2);
    expect(otherStats.held).toBe(1);
    expect((await acme.queues.stats.query()).email.held).toBe(0);

    expect(await harness.client.queues.heldBacklog.query()).toEqual([
      { queue, tenant: 'acme', held: 2 },
      { queue, tenant: 'other', held: 1 },
    ]);
    expect(
      await harness.client.queues.heldBacklog.query({ limit: 1 }),
    ).toHaveLength(1);
    expect(await codeOf(acme.queues.heldBacklog.query())).toBe('FORBIDDEN');
    expect(
      await codeOf(harness.client.queues.heldBacklog.query({ limit: 0 })),
    ).toBe('BAD_REQUEST');
  });

  it('the dashboard’s job page says why a held job waits, first in its logs', async () => {
    const job = await enqueueHeld(acme, 'acme', 'board');
    const plain = await acme.enqueue.mutate({
      name: 'TEST_JOB',
      data: { message: 'not held' },
      options: { delay: 600_000 },
    });
    const { dashboard, api } = await serveDashboard(harness);
    try {
      const signIn = await fetch(`${api.apiUrl}/admin/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `token=${DASHBOARD_ADMIN_TOKEN}`,
        redirect: 'manual',
      });
      const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0];
      const logsOf = async (id: string) => {
        const res = await fetch(
          `${api.apiUrl}/admin/api/queues/${queue}/${id}/logs`,
          { headers: { cookie: cookie ?? '' } },
        );
        expect(res.status).toBe(200);
        return (await res.json()) as string[];
      };
      expect(await logsOf(job.id)).toEqual([
        "[flow control] held: waiting its tenant's turn (fair share) (key board, position 1 in line)",
      ]);
      expect(await logsOf(plain.id)).toEqual([]);
    } finally {
      await api.close();
      await dashboard.close();
    }
  });
});
