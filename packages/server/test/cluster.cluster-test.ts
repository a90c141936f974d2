import { fixtureRegistry as registry } from '@conveyor/fixtures';
import { createKeyspace } from '@conveyor/queue';
import { connectRedis, keysUnder, waitFor } from '@conveyor/testkit';
import { isConveyorError } from '@conveyor/client';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startHarness, type Harness } from './support/harness.ts';
import { scriptedProcessors } from './support/scripted-processors.ts';

const redisUrl = inject('redisUrl');

/** Runs in the `cluster` project only (vitest.config.ts): `redisUrl` is a 3-master Cluster. */
describe('on a Redis Cluster', () => {
  let harness: Harness;
  let redis: Redis;

  beforeAll(async () => {
    harness = await startHarness(redisUrl, {
      processors: scriptedProcessors(),
    });
    redis = connectRedis(redisUrl);
  });
  afterAll(async () => {
    redis.disconnect();
    await harness.close();
  });

  const allKeys = () => keysUnder(redis, harness.prefix);
  const slot = async (key: string) =>
    Number(await redis.cluster('KEYSLOT', key));

  it('keeps each queue on one slot and spreads the queues over the masters', async () => {
    const { id } = await harness.client.enqueue.mutate({
      name: 'sms.send',
      data: { to: '+14155550123', message: 'hi' },
    });
    await waitFor(async () => {
      const job = await harness.client.jobs.get.query({ id });
      return job.state === 'completed' ? job : undefined;
    });
    const keys = createKeyspace(harness.prefix);
    const smsKeys = (await allKeys()).filter((k) =>
      k.startsWith(keys.bullPrefix('sms')),
    );
    // The job, its state lists, events, meta, index, open set, counts.
    expect(smsKeys.length).toBeGreaterThan(4);
    expect(new Set(await Promise.all(smsKeys.map(slot)))).toEqual(
      new Set([await slot(keys.bull('sms', 'wait'))]),
    );
    const slots = (await redis.cluster('SLOTS')) as [number, number, unknown][];
    const owner = async (queue: string) => {
      const s = await slot(keys.bull(queue, 'wait'));
      return slots.findIndex(([from, to]) => s >= from && s <= to);
    };
    const owners = new Set(await Promise.all(registry.queues.map(owner)));
    expect(owners.size).toBeGreaterThan(1);
  });

  it('refuses a batch across queues with a clear 400 and stores nothing', async () => {
    const before = (await allKeys()).length;
    const error = await harness.client.enqueueMany
      .mutate({
        jobs: [
          { name: 'TEST_JOB', data: { message: 'a' } },
          { name: 'sms.send', data: { to: '+14155550123', message: 'b' } },
        ],
      })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    if (!isConveyorError(error)) throw new Error('expected a Conveyor error');
    expect(error.data?.httpStatus).toBe(400);
    expect(error.message).toMatch(/one batch per queue/);
    expect(error.message).not.toMatch(/CROSSSLOT/);
    expect((await allKeys()).length).toBe(before);
  });

  it('stores a batch of one queue whole, and runs it', async () => {
    const { jobs } = await harness.client.enqueueMany.mutate({
      jobs: Array.from({ length: 20 }, (_, i) => ({
        name: 'TEST_JOB' as const,
        data: { message: `m${i}` },
      })),
    });
    expect(jobs).toHaveLength(20);
    await waitFor(async () => {
      const states = await Promise.all(
        jobs.map(({ id }) => harness.client.jobs.get.query({ id })),
      );
      return states.every((j) => j.state === 'completed') ? true : undefined;
    });
    const listed = await harness.client.jobs.list.query({ name: 'TEST_JOB' });
    for (const { id } of jobs)
      expect(listed.items.map((j) => j.id)).toContain(id);
  });
});
