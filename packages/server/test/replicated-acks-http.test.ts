import { createConveyorClient, isConveyorError } from '@conveyor/client';
import {
  freezeRedis,
  startRedisReplica,
  startRedisServer,
  type RedisServerHandle,
} from '@conveyor/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './support/harness.ts';
import type { FixtureRouter } from './support/fixture-router.ts';

/** REDIS_ACK_REPLICAS over real HTTP: a 2xx only with the replica's word, else 503 outcome-unknown. */
describe('replicated acknowledgements through the API', () => {
  let primary: RedisServerHandle | undefined;
  let replica: RedisServerHandle | undefined;
  let harness: Harness | undefined;
  let frozen: { resume(): void } | undefined;
  afterEach(async () => {
    frozen?.resume();
    await harness?.close().catch(() => undefined);
    await replica?.stop();
    await primary?.stop();
    harness = primary = replica = frozen = undefined;
  });

  it('answers 503 OUTCOME_UNKNOWN while the replica is silent, and the retry with the key is the one job', async () => {
    primary = await startRedisServer();
    replica = await startRedisReplica(primary);
    harness = await startHarness(primary.url, {
      replicatedAck: { replicas: 1, timeoutMs: 300 },
    });
    const once = createConveyorClient<FixtureRouter>({
      url: `${harness.apiUrl}/trpc`,
      enqueueRetries: 0,
    });
    const request = {
      name: 'TEST_JOB' as const,
      data: { message: 'replicated' },
      options: { idempotencyKey: 'order-9' },
    };
    expect(
      (await once.enqueue.mutate({ ...request, options: {} })).replayed,
    ).toBe(false);
    frozen = freezeRedis(replica);
    const error = await once.enqueue.mutate(request).catch((e: unknown) => e);
    expect(isConveyorError(error)).toBe(true);
    if (!isConveyorError(error)) return;
    expect(error.data?.httpStatus).toBe(503);
    expect(error.data?.reason).toBe('OUTCOME_UNKNOWN');
    expect(error.message).toMatch(
      /reached the Redis primary but 0 of the 1 replicas asked for confirmed it within 300 ms/,
    );
    expect(error.message).not.toMatch(/WAIT|ReplicationUnconfirmed|ioredis/);
    frozen.resume();
    frozen = undefined;
    // The typed client retries an unknown outcome with the key until the replica catches up.
    const patient = createConveyorClient<FixtureRouter>({
      url: `${harness.apiUrl}/trpc`,
      enqueueRetries: 20,
    });
    const retried = await patient.enqueue.mutate(request);
    expect(retried.replayed).toBe(true);
    const listed = (await harness.client.jobs.list.query({ limit: 10 })).items;
    expect(listed.filter((j) => j.id === retried.id)).toHaveLength(1);
    expect(listed).toHaveLength(2);
  });
});
