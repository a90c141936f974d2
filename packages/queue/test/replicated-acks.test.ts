import { OutcomeUnknownError } from '@conveyor/core';
import { durableRegistry } from '@conveyor/fixtures';
import {
  freezeRedis,
  startRedisReplica,
  startRedisServer,
  uniquePrefix,
  type RedisServerHandle,
} from '@conveyor/testkit';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createKeyspace,
  createProducer,
  createRedisClient,
  type Producer,
} from '../src/index.ts';

/**
 * Replicated acknowledgements against a real primary and replica: an
 * answer means the replica has the job; a replica that does not confirm
 * (its process stopped, socket open) turns the answer into outcome-unknown,
 * and a retry with the key leads to the one job once it does.
 */
describe('replicated acknowledgements (Redis WAIT)', () => {
  let primary: RedisServerHandle;
  let replica: RedisServerHandle;
  let redis: Redis;
  let onReplica: Redis;
  let frozen: { resume(): void } | undefined;
  const producers: Producer<typeof durableRegistry>[] = [];
  const keys = createKeyspace(uniquePrefix('acks'));

  beforeAll(async () => {
    primary = await startRedisServer();
    replica = await startRedisReplica(primary);
    redis = createRedisClient(primary.url, { preset: 'producer' });
    onReplica = createRedisClient(replica.url, { preset: 'worker' });
  });
  afterEach(async () => {
    frozen?.resume();
    frozen = undefined;
    await Promise.all(producers.splice(0).map((p) => p.close()));
  });
  afterAll(async () => {
    redis.disconnect();
    onReplica.disconnect();
    await replica.stop();
    await primary.stop();
  });

  const producer = (replicas: number, timeoutMs = 1_000, tenantId = 'acme') => {
    const created = createProducer({
      registry: durableRegistry,
      redis,
      keys,
      tenantId,
      timeoutMs: 5_000,
      ...(replicas > 0 ? { replicatedAck: { replicas, timeoutMs } } : {}),
    });
    producers.push(created);
    return created;
  };
  const onTheReplica = (id: string) =>
    onReplica.exists(keys.bull('default', id));

  it('answers only once the replica has the job', async () => {
    const acked = producer(1, 5_000);
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, n) =>
        acked
          .enqueue({ name: 'TEST_JOB', data: { message: `m${n}` } })
          .then(async (job) => ({ job, there: await onTheReplica(job.id) })),
      ),
    );
    expect(results.map((r) => r.there)).toEqual(results.map(() => 1));
  });

  it('a replica that does not confirm in time is outcome-unknown; the retry with the key is the one job', async () => {
    const acked = producer(1, 300, 'payer');
    frozen = freezeRedis(replica);
    const request = {
      name: 'TEST_JOB' as const,
      data: { message: 'pay' },
      options: { idempotencyKey: 'invoice-7' },
    };
    const error = await acked.enqueue(request).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OutcomeUnknownError);
    expect((error as Error).message).toMatch(
      /0 of the 1 replicas asked for confirmed it within 300 ms/,
    );
    // Stored on the primary all the same: never a refusal.
    const ids = await redis.zrange(keys.index('default', 'payer'), '0', '-1');
    expect(ids).toHaveLength(1);
    // A retry while the replica is still silent is no 2xx either (the replay waits too).
    await expect(acked.enqueue(request)).rejects.toBeInstanceOf(
      OutcomeUnknownError,
    );
    frozen.resume();
    frozen = undefined;
    // The same key through a producer that waits longer (a loaded machine's replica catches up slowly).
    const retried = await producer(1, 10_000, 'payer').enqueue(request);
    expect(retried).toMatchObject({ id: ids[0], replayed: true });
    expect(await onTheReplica(retried.id)).toBe(1);
    expect(await redis.zcard(keys.index('default', 'payer'))).toBe(1);
  });

  /** Which of two promises settles first (order, not time). */
  const first = (named: Record<string, Promise<unknown>>) =>
    Promise.race(
      Object.entries(named).map(([name, p]) =>
        p.then(
          () => name,
          () => name,
        ),
      ),
    );

  it("a job's contract asks for replicas although the deployment does not; nobody waits behind another's WAIT", async () => {
    const plain = producer(0);
    frozen = freezeRedis(replica);
    // Two replicas asked, one exists: this WAIT lasts its whole 10 s.
    const audit = plain
      .enqueue({ name: 'ledger.audit', data: { entry: 'audit 1' } })
      .catch((e: unknown) => e);
    // A plain enqueue is answered meanwhile (its own connection).
    const other = plain.enqueue({
      name: 'TEST_JOB',
      data: { message: 'not durable' },
    });
    expect(await first({ audit, other })).toBe('other');
    expect((await other).replayed).toBe(false);
    // A job asking one replica, once it answers, is not held behind the long WAIT.
    frozen.resume();
    frozen = undefined;
    const post = plain.enqueue({
      name: 'ledger.post',
      data: { entry: 'debit 10' },
    });
    expect(await first({ audit, post })).toBe('post');
    expect(await onTheReplica((await post).id)).toBe(1);
    const outcome = await audit;
    expect(outcome).toBeInstanceOf(OutcomeUnknownError);
    expect((outcome as Error).message).toMatch(/1 of the 2 replicas/);
  });

  it('enqueueMany waits for the replica as a whole', async () => {
    const acked = producer(1, 300);
    frozen = freezeRedis(replica);
    await expect(
      acked.enqueueMany({
        jobs: [
          { name: 'TEST_JOB', data: { message: 'a' } },
          { name: 'TEST_JOB', data: { message: 'b' } },
        ],
      }),
    ).rejects.toBeInstanceOf(OutcomeUnknownError);
    frozen.resume();
    frozen = undefined;
    const { jobs } = await producer(1, 10_000).enqueueMany({
      jobs: [
        { name: 'TEST_JOB', data: { message: 'c' } },
        { name: 'TEST_JOB', data: { message: 'd' } },
      ],
    });
    for (const job of jobs) expect(await onTheReplica(job.id)).toBe(1);
  });

  it('asking for more replicas than exist is outcome-unknown, never a 2xx', async () => {
    const acked = producer(2, 200);
    await expect(
      acked.enqueue({ name: 'TEST_JOB', data: { message: 'two' } }),
    ).rejects.toThrow(/1 of the 2 replicas/);
  });
});
