import { OutcomeUnknownError } from '@conveyor/core';
import { durableRegistry } from '@conveyor/fixtures';
import { connectRedis, uniquePrefix } from '@conveyor/testkit';
import type { Cluster, Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';
import {
  createKeyspace,
  createProducer,
  createRedisClient,
} from '../src/index.ts';

const redisUrl = inject('redisUrl');

/**
 * Runs in the `cluster` project only (vitest.config.ts): a 3-master Cluster
 * without replicas. WAIT counts the writes of the connection it is sent on,
 * so it must go to the master that owns the job's slot: INFO commandstats
 * on each master shows where it went.
 */
describe('replicated acknowledgements on a Redis Cluster', () => {
  const redis = createRedisClient(redisUrl, { preset: 'producer' });
  const admin = connectRedis(redisUrl) as unknown as Cluster;
  const keys = createKeyspace(uniquePrefix('acks'));
  const producer = createProducer({
    registry: durableRegistry,
    redis,
    keys,
    tenantId: 'acme',
    timeoutMs: 5_000,
  });
  afterAll(async () => {
    await producer.close();
    redis.disconnect();
    admin.disconnect();
  });

  const waitsPerMaster = async () => {
    const masters: Redis[] = admin.nodes('master');
    return Promise.all(
      masters.map(async (node) => {
        const stats = await node.info('commandstats');
        return {
          port: node.options.port,
          waits: Number(/cmdstat_wait:calls=(\d+)/.exec(stats)?.[1] ?? 0),
        };
      }),
    );
  };

  it("waits on the master that owns the job's slot, and answers outcome-unknown without replicas", async () => {
    const slot = Number(
      await admin.cluster('KEYSLOT', keys.bull('default', 'id')),
    );
    const owner = admin.slots[slot]?.[0];
    const before = await waitsPerMaster();
    const error = await producer
      .enqueue({ name: 'ledger.post', data: { entry: 'credit 5' } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OutcomeUnknownError);
    // WAIT answered (0 replicas) rather than failing to find its node.
    expect((error as Error).message).toMatch(/0 of the 1 replicas/);
    expect(((error as Error).cause as Error).cause).toBeUndefined();
    const after = await waitsPerMaster();
    const grew = after
      .filter((n, i) => n.waits > (before[i]?.waits ?? 0))
      .map((n) => `127.0.0.1:${n.port}`);
    expect(grew).toEqual([owner]);
    // A job that asks nothing is answered as before.
    const plain = await producer.enqueue({
      name: 'TEST_JOB',
      data: { message: 'plain' },
    });
    expect(plain.replayed).toBe(false);
  });
});
