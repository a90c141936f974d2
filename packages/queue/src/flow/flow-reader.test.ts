import { deletePrefix, uniquePrefix } from '@conveyor/testkit';
import { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createKeyspace } from '../keyspace.ts';
import { readWaitingFor } from './flow-reader.ts';

const redisUrl = inject('redisUrl');
const queue = 'email';
const tenant = 'acme';
const name = 'email.send';

describe('why a held job waits (flow reader)', () => {
  const prefix = uniquePrefix('flow-reader');
  const keys = createKeyspace(prefix);
  const fc = keys.flowPrefix(queue);
  let redis: Redis;

  /** Writes a held job as the documented layout has it (keyspace.ts `{Q}:cv:fc:*`). */
  async function hold(key: string, ahead = 0) {
    const lane = `${tenant}:${name}:${key}`;
    const id = randomUUID();
    for (let i = 0; i < ahead; i += 1)
      await redis.zadd(`${fc}lane:${lane}`, i, randomUUID());
    await redis.zadd(`${fc}lane:${lane}`, ahead, id);
    await redis.hset(keys.bull(queue, id), {
      name,
      cvh: '1',
      cvf: JSON.stringify({ l: lane, c: 1, r: null, f: true }),
    });
    return { id, lane, ref: { queue, id, tenant, name } };
  }

  beforeAll(() => {
    redis = new Redis(redisUrl);
  });
  afterAll(async () => {
    redis.disconnect();
    await deletePrefix(redisUrl, prefix);
  });

  it('a held job whose lane is awake waits for its tenant’s turn, with its place in the lane', async () => {
    const { ref } = await hold('customer-1', 2);
    expect(await readWaitingFor(redis, keys, ref)).toEqual({
      reason: 'fair-share',
      key: 'customer-1',
      position: 3,
    });
  });

  it.each(['concurrency', 'rate-limit'] as const)(
    'a held job whose lane sleeps for %s says so, with the key and when it is tried again',
    async (why) => {
      const { ref, lane } = await hold(`k-${why}`);
      const wake = Date.now() + 60_000;
      await redis.zadd(`${fc}sleep`, wake, lane);
      await redis.hset(`${fc}why`, lane, why);
      expect(await readWaitingFor(redis, keys, ref)).toEqual({
        reason: why,
        key: `k-${why}`,
        position: 1,
        retryAt: new Date(wake),
      });
    },
  );

  it('a job without a key reads key null', async () => {
    const { ref } = await hold('');
    expect(await readWaitingFor(redis, keys, ref)).toMatchObject({
      reason: 'fair-share',
      key: null,
    });
  });

  it('a dispatched job waits for a worker', async () => {
    const id = randomUUID();
    await redis.hset(keys.bull(queue, id), {
      name,
      cvd: '1',
      cvf: JSON.stringify({ l: `${tenant}:${name}:k`, c: null, r: null }),
    });
    await redis.lpush(keys.bull(queue, 'wait'), id);
    expect(
      await readWaitingFor(redis, keys, { queue, id, tenant, name }),
    ).toEqual({ reason: 'dispatched', key: 'k' });
  });

  it('a job flow control never held, or one that is gone, has no reason', async () => {
    const id = randomUUID();
    await redis.hset(keys.bull(queue, id), { name, data: '{}' });
    expect(
      await readWaitingFor(redis, keys, { queue, id, tenant, name }),
    ).toBeNull();
    expect(
      await readWaitingFor(redis, keys, {
        queue,
        id: randomUUID(),
        tenant,
        name,
      }),
    ).toBeNull();
  });

  it('an unreadable flow spec is no reason rather than an error', async () => {
    const id = randomUUID();
    await redis.hset(keys.bull(queue, id), {
      name,
      cvh: '1',
      cvf: '{not json',
    });
    expect(
      await readWaitingFor(redis, keys, { queue, id, tenant, name }),
    ).toBeNull();
  });
});
