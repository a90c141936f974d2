import { createConveyorClient, isConveyorError } from '@conveyor/client';
import { DEFAULT_TENANT, encodeEnvelope } from '@conveyor/core';
import { createKeyspace, createRedisClient } from '@conveyor/queue';
import { startRedisServer, type RedisServerHandle } from '@conveyor/testkit';
import { createHash, randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { startMuteProxy, type MuteProxy } from './support/mute-proxy.ts';
import { startHarness, type Harness } from './support/harness.ts';
import type { FixtureRouter, FixtureClient } from './support/fixture-router.ts';

const sha256 = (text: string) =>
  createHash('sha256').update(text).digest('hex');

/** What the answers mean (docs/guarantees.md), each shown with a fault. */
describe('an answer means what it says', () => {
  let harness: Harness | undefined;
  let redis: RedisServerHandle | undefined;
  let proxy: MuteProxy | undefined;
  afterEach(async () => {
    await harness?.close().catch(() => undefined);
    await proxy?.close();
    await redis?.stop();
    harness = undefined;
    proxy = undefined;
    redis = undefined;
  });

  const jobsNamed = async (h: Harness, message: string) =>
    (await h.client.jobs.list.query({ limit: 100 })).items.filter(
      (j) => j.name === 'TEST_JOB' && j.data?.message === message,
    );

  it('an add that was sent but not answered is reported as an unknown outcome, and a retry with its key finds the one job', async () => {
    redis = await startRedisServer();
    proxy = await startMuteProxy(redis.port, 'unanswered-add');
    harness = await startHarness(proxy.url);
    const h = harness;
    await h.client.enqueue.mutate({
      name: 'TEST_JOB',
      data: { message: 'warm-up' },
    });
    const once = createConveyorClient<FixtureRouter>({
      url: `${h.apiUrl}/trpc`,
      enqueueRetries: 0,
    });
    const request = {
      name: 'TEST_JOB' as const,
      data: { message: 'unanswered-add' },
      options: { idempotencyKey: 'order-42' },
    };
    const error = await once.enqueue.mutate(request).catch((e: unknown) => e);
    expect(proxy.muted()).toBe(1);
    expect(isConveyorError(error) && error.data?.reason).toBe(
      'OUTCOME_UNKNOWN',
    );
    expect(isConveyorError(error) && error.data?.httpStatus).toBe(503);
    // Redis ran the add: the job exists. The retry with the key answers it, once.
    const retried = await waitForAnswer(once, request);
    expect(await jobsNamed(h, 'unanswered-add')).toHaveLength(1);
    expect((await h.client.jobs.get.query(retried)).data).toEqual({
      message: 'unanswered-add',
    });
    expect((await once.enqueue.mutate(request)).id).toBe(retried.id);
  });

  it('the typed client retries an unknown outcome by itself with its own key: one job, no error', async () => {
    redis = await startRedisServer();
    proxy = await startMuteProxy(redis.port, 'client-retries');
    harness = await startHarness(proxy.url);
    const h = harness;
    await h.client.enqueue.mutate({
      name: 'TEST_JOB',
      data: { message: 'warm-up' },
    });
    const job = await h.client.enqueue.mutate({
      name: 'TEST_JOB',
      data: { message: 'client-retries' },
    });
    expect(proxy.muted()).toBe(1);
    expect(await jobsNamed(h, 'client-retries')).toHaveLength(1);
    expect((await h.client.jobs.get.query(job)).id).toBe(job.id);
  });

  it('two enqueues with the same key at once make one job, and both answers name it', async () => {
    redis = await startRedisServer();
    harness = await startHarness(redis.url);
    const h = harness;
    const request = {
      name: 'TEST_JOB' as const,
      data: { message: 'twice at once' },
      options: { idempotencyKey: 'same-time' },
    };
    const [a, b] = await Promise.all([
      h.client.enqueue.mutate(request),
      createConveyorClient<FixtureRouter>({
        url: `${h.apiUrl}/trpc`,
      }).enqueue.mutate(request),
    ]);
    expect(a.id).toBe(b.id);
    expect(await jobsNamed(h, 'twice at once')).toHaveLength(1);
  });

  it('a key claimed by an enqueue that died before its add leads to a job on the next call, never to NOT_FOUND', async () => {
    redis = await startRedisServer();
    harness = await startHarness(redis.url);
    const h = harness;
    // The state an API killed between claim and add leaves behind.
    const orphan = randomUUID();
    const data = { message: 'claimed, never added' };
    const keys = createKeyspace(h.prefix);
    const admin = createRedisClient(redis.url, { preset: 'worker' });
    await admin.set(
      keys.idempotency(
        'default',
        DEFAULT_TENANT,
        sha256('TEST_JOB\ninvoice-7'),
      ),
      `${orphan} ${sha256(JSON.stringify(encodeEnvelope(data).payload))}`,
      'PX',
      60_000,
    );
    const request = {
      name: 'TEST_JOB' as const,
      data,
      options: { idempotencyKey: 'invoice-7' },
    };
    const healed = await h.client.enqueue.mutate(request);
    expect(healed.id).toBe(orphan);
    expect((await h.client.jobs.get.query({ id: orphan })).state).toBe(
      'waiting',
    );
    expect((await h.client.enqueue.mutate(request)).id).toBe(orphan);
    expect(await jobsNamed(h, data.message)).toHaveLength(1);
    admin.disconnect();
  });
});

/** Sends the same request until it is answered (the proxy cuts the muted connection, the API reconnects). */
async function waitForAnswer(
  client: FixtureClient,
  request: Parameters<FixtureClient['enqueue']['mutate']>[0],
) {
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      return await client.enqueue.mutate(request);
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}
