import { isConveyorError } from '@conveyor/client';
import type { FixtureRegistry } from '@conveyor/fixtures';
import type { ProcessorMap } from '@conveyor/queue';
import { waitFor } from '@conveyor/testkit';
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { scriptedProcessors } from './support/scripted-processors.ts';
import { startHarness, type Harness } from './support/harness.ts';
import type { FixtureClient } from './support/fixture-router.ts';

const redisUrl = inject('redisUrl');
const adminToken = randomBytes(32).toString('base64url');

const failure = async (call: Promise<unknown>) => {
  const error = await call.catch((e: unknown) => e);
  if (!isConveyorError(error)) throw new Error('expected an API error');
  return { code: error.data?.code, message: error.message };
};

/** Two tenants, each with a producer token: nothing of one is visible or reachable to the other. */
describe('tenants are isolated in every read, action, key and count', () => {
  let harness: Harness;
  let acme: FixtureClient;
  let globex: FixtureClient;
  const tenantsSeen: { message: string; tenantId: string }[] = [];
  const processors: ProcessorMap<FixtureRegistry> = {
    ...scriptedProcessors(),
    TEST_JOB: (payload, context) => {
      tenantsSeen.push({
        message: payload.message,
        tenantId: context.tenantId,
      });
      if (payload.message.startsWith('always-fail'))
        return Promise.reject(new Error('boom'));
      return Promise.resolve({ echoed: payload.message });
    },
  };
  // One job of acme's in each state a probe needs.
  let done: string;
  let dead: string;
  let delayed: string;

  beforeAll(async () => {
    harness = await startHarness(redisUrl, { adminToken, processors });
    const token = async (tenantId: string) =>
      (
        await harness.client.tokens.create.mutate({
          tenantId,
          role: 'producer',
        })
      ).token;
    acme = harness.clientWith(await token('acme'));
    globex = harness.clientWith(await token('globex'));
    done = (
      await acme.enqueue.mutate({ name: 'TEST_JOB', data: { message: 'ok' } })
    ).id;
    dead = (
      await acme.enqueue.mutate({
        name: 'TEST_JOB',
        data: { message: 'always-fail' },
        options: { attempts: 1 },
      })
    ).id;
    delayed = (
      await acme.enqueue.mutate({
        name: 'TEST_JOB',
        data: { message: 'later' },
        options: { delay: 60_000 },
      })
    ).id;
    await waitFor(async () => {
      const [a, b] = await Promise.all([
        acme.jobs.get.query({ id: done }),
        acme.jobs.get.query({ id: dead }),
      ]);
      return a.state === 'completed' && b.state === 'failed' ? true : undefined;
    });
  });
  afterAll(() => harness.close());

  it('the processor learns the tenant from the job, which took it from the token', () => {
    expect(tenantsSeen).toContainEqual({ message: 'ok', tenantId: 'acme' });
  });

  it('another tenant’s job id is NOT_FOUND, exactly like an id that does not exist', async () => {
    const missing = randomUUID();
    for (const id of [done, dead, delayed]) {
      const theirs = await failure(globex.jobs.get.query({ id }));
      const none = await failure(globex.jobs.get.query({ id: missing }));
      expect(theirs.code).toBe('NOT_FOUND');
      expect(theirs.message.replace(id, 'ID')).toBe(
        none.message.replace(missing, 'ID'),
      );
    }
    expect((await acme.jobs.get.query({ id: done })).state).toBe('completed');
  });

  it('and so is every action on it: cancel, retry, promote, redrive, watch', async () => {
    expect(
      (await failure(globex.jobs.cancel.mutate({ id: delayed }))).code,
    ).toBe('NOT_FOUND');
    expect(
      (await failure(globex.jobs.promote.mutate({ id: delayed }))).code,
    ).toBe('NOT_FOUND');
    expect((await failure(globex.jobs.retry.mutate({ id: dead }))).code).toBe(
      'NOT_FOUND',
    );
    expect(
      (await failure(globex.deadLetters.redrive.mutate({ id: dead }))).code,
    ).toBe('NOT_FOUND');
    const watched = await new Promise<string | undefined>((resolve) => {
      const sub = globex.jobs.watch.subscribe(
        { id: done },
        {
          onData: () => resolve('data'),
          onError: (error) => {
            sub.unsubscribe();
            resolve(isConveyorError(error) ? error.data?.code : 'other');
          },
        },
      );
    });
    expect(watched).toBe('NOT_FOUND');
    expect(await globex.deadLetters.redriveMany.mutate({})).toEqual({
      redriven: 0,
    });
    // Nothing happened to acme's jobs.
    expect((await acme.jobs.get.query({ id: delayed })).state).toBe('delayed');
    expect((await acme.jobs.get.query({ id: dead })).state).toBe('failed');
  });

  it('lists, dead letters and stats show only the caller’s tenant', async () => {
    const ids = (page: { items: { id: string }[] }) =>
      page.items.map((j) => j.id);
    expect(ids(await globex.jobs.list.query({ limit: 100 }))).toEqual([]);
    expect(ids(await acme.jobs.list.query({ limit: 100 }))).toEqual(
      expect.arrayContaining([done, dead, delayed]),
    );
    expect(ids(await globex.deadLetters.list.query({}))).toEqual([]);
    expect(ids(await acme.deadLetters.list.query({}))).toEqual([dead]);
    const theirs = await globex.queues.stats.query();
    expect(theirs.default).toEqual({
      waiting: 0,
      delayed: 0,
      active: 0,
      completed: 0,
      failed: 0,
      cancelled: 0,
      held: 0,
    });
    const ours = await acme.queues.stats.query();
    expect(ours.default).toEqual({
      waiting: 0,
      delayed: 1,
      active: 0,
      completed: 1,
      failed: 1,
      cancelled: 0,
      held: 0,
    });
  });

  it('the same idempotency key in two tenants is two jobs', async () => {
    const request = {
      name: 'TEST_JOB' as const,
      data: { message: 'once' },
      options: { idempotencyKey: 'shared-key', delay: 60_000 },
    };
    const a = await acme.enqueue.mutate(request);
    const b = await globex.enqueue.mutate(request);
    expect(a.id).not.toBe(b.id);
    expect((await acme.enqueue.mutate(request)).id).toBe(a.id);
    expect((await globex.enqueue.mutate(request)).id).toBe(b.id);
  });

  it('an admin acts for a tenant only by naming it; nobody else may', async () => {
    const asAcme = harness.clientWith(adminToken, 'acme');
    expect((await asAcme.jobs.get.query({ id: done })).id).toBe(done);
    expect(
      (await failure(harness.client.jobs.get.query({ id: done }))).code,
    ).toBe('NOT_FOUND');
    const producerToken = (
      await harness.client.tokens.create.mutate({
        tenantId: 'globex',
        role: 'producer',
      })
    ).token;
    const sneaky = harness.clientWith(producerToken, 'acme');
    expect((await failure(sneaky.jobs.get.query({ id: done }))).code).toBe(
      'FORBIDDEN',
    );
  });
});
