import { createConveyorClient, isConveyorError } from '@conveyor/client';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startHarness, type Harness } from './support/harness.ts';
import type { FixtureRouter, FixtureClient } from './support/fixture-router.ts';

const redisUrl = inject('redisUrl');
const adminToken = randomBytes(32).toString('base64url');

const codeOf = async (call: Promise<unknown>) => {
  const error = await call.catch((e: unknown) => e);
  return isConveyorError(error) ? error.data?.code : 'no error';
};

describe('API tokens and roles', () => {
  let harness: Harness;
  let admin: FixtureClient;
  const create = (
    spec: Parameters<FixtureClient['tokens']['create']['mutate']>[0],
  ) => admin.tokens.create.mutate(spec);
  const enqueue = (
    client: FixtureClient,
    name: 'TEST_JOB' | 'sms.send' = 'TEST_JOB',
  ) =>
    name === 'TEST_JOB'
      ? client.enqueue.mutate({
          name,
          data: { message: 'hi' },
          options: { delay: 60_000 },
        })
      : client.enqueue.mutate({
          name,
          data: { to: '+14155550123', message: 'hi' },
          options: { delay: 60_000 },
        });

  beforeAll(async () => {
    harness = await startHarness(redisUrl, { adminToken });
    admin = harness.client;
  });
  afterAll(() => harness.close());

  it('no token, a malformed one or an unknown one is a 401', async () => {
    const anonymous = createConveyorClient<FixtureRouter>({
      url: `${harness.apiUrl}/trpc`,
    });
    expect(await codeOf(anonymous.queues.stats.query())).toBe('UNAUTHORIZED');
    expect(await codeOf(harness.clientWith('short').queues.stats.query())).toBe(
      'UNAUTHORIZED',
    );
    const forged = `cvk_000000000000_${randomBytes(32).toString('base64url')}`;
    expect(await codeOf(harness.clientWith(forged).queues.stats.query())).toBe(
      'UNAUTHORIZED',
    );
    expect(await codeOf(enqueue(anonymous))).toBe('UNAUTHORIZED');
  });

  it('a created token works, is listed without its secret, and is dead once revoked', async () => {
    const created = await create({
      tenantId: 'acme',
      role: 'producer',
      label: 'ci',
    });
    expect(created.token).toMatch(/^cvk_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    const client = harness.clientWith(created.token);
    expect((await enqueue(client)).name).toBe('TEST_JOB');
    const listed = await admin.tokens.list.query({ tenantId: 'acme' });
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({
      id: created.record.id,
      role: 'producer',
      label: 'ci',
      revokedAt: null,
    });
    // The secret is what follows `cvk_<id>_` (it may itself hold `_`).
    const secret = created.token.slice(`cvk_${created.record.id}_`.length);
    expect(JSON.stringify(listed)).not.toContain(secret);
    await waitForLastUsed(created.record.id);
    await admin.tokens.revoke.mutate({ id: created.record.id });
    expect(await codeOf(client.queues.stats.query())).toBe('UNAUTHORIZED');
    expect(
      await codeOf(admin.tokens.revoke.mutate({ id: 'ffffffffffff' })),
    ).toBe('NOT_FOUND');
  });

  async function waitForLastUsed(id: string) {
    const [record] = await admin.tokens.list.query({ tenantId: 'acme' });
    expect(record?.id).toBe(id);
    expect(record?.lastUsedAt).toBeInstanceOf(Date);
  }

  it('an expired token is a 401', async () => {
    const { token } = await create({
      tenantId: 'acme',
      role: 'viewer',
      expiresAt: new Date(Date.now() + 3_000),
    });
    const client = harness.clientWith(token);
    expect((await client.queues.stats.query()).default).toBeDefined();
    await sleep(3_100);
    expect(await codeOf(client.queues.stats.query())).toBe('UNAUTHORIZED');
  });

  it('roles: a viewer reads but cannot enqueue or steer; only an admin manages tokens', async () => {
    const viewer = harness.clientWith(
      (await create({ tenantId: 'acme', role: 'viewer' })).token,
    );
    const producer = harness.clientWith(
      (await create({ tenantId: 'acme', role: 'producer' })).token,
    );
    const job = await enqueue(producer);
    expect((await viewer.jobs.get.query(job)).id).toBe(job.id);
    expect(await codeOf(enqueue(viewer))).toBe('FORBIDDEN');
    expect(await codeOf(viewer.jobs.cancel.mutate(job))).toBe('FORBIDDEN');
    expect(await codeOf(producer.tokens.list.query())).toBe('FORBIDDEN');
    expect(await codeOf(producer.tokens.create.mutate({ role: 'admin' }))).toBe(
      'FORBIDDEN',
    );
    expect(
      await codeOf(producer.tenants.limits.query({ tenantId: 'acme' })),
    ).toBe('FORBIDDEN');
    expect((await producer.jobs.cancel.mutate(job)).state).toBe('cancelled');
  });

  it('a token scoped to some jobs enqueues only those; a batch with one other job is refused whole', async () => {
    const scoped = harness.clientWith(
      (
        await create({
          tenantId: 'scoped',
          role: 'producer',
          jobs: ['sms.send'],
        })
      ).token,
    );
    expect((await enqueue(scoped, 'sms.send')).name).toBe('sms.send');
    expect(await codeOf(enqueue(scoped, 'TEST_JOB'))).toBe('FORBIDDEN');
    expect(
      await codeOf(
        scoped.enqueueMany.mutate({
          jobs: [
            { name: 'sms.send', data: { to: '+14155550123', message: 'a' } },
            { name: 'TEST_JOB', data: { message: 'b' } },
          ],
        }),
      ),
    ).toBe('FORBIDDEN');
    // Steering needs the same scope: another job of the tenant is off limits.
    const other = await admin.enqueue.mutate({
      name: 'TEST_JOB',
      data: { message: 'not yours' },
      options: { delay: 60_000 },
    });
    const otherAsScoped = harness.clientWith(adminToken, 'scoped');
    const digest = await otherAsScoped.enqueue.mutate({
      name: 'TEST_JOB',
      data: { message: 'in scoped tenant' },
      options: { delay: 60_000 },
    });
    expect(await codeOf(scoped.jobs.promote.mutate(digest))).toBe('FORBIDDEN');
    expect(await codeOf(scoped.jobs.cancel.mutate(digest))).toBe('FORBIDDEN');
    expect(await codeOf(scoped.deadLetters.redriveMany.mutate({}))).toBe(
      'FORBIDDEN',
    );
    expect(await codeOf(scoped.jobs.cancel.mutate(other))).toBe('NOT_FOUND');
    await otherAsScoped.jobs.cancel.mutate(digest);
    const stats = await scoped.queues.stats.query();
    expect(stats.sms.delayed + stats.sms.waiting + stats.default.waiting).toBe(
      1,
    );
  });
});
