import { QUEUES } from '@conveyor/fixtures';
import { createKeyspace } from '@conveyor/queue';
import { deletePrefix, uniquePrefix } from '@conveyor/testkit';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { lastTick, recordTick } from '../src/last-tick.ts';

const redisUrl = inject('redisUrl');
const ID = 'c.tick.pulse';

describe('a schedule’s last tick', () => {
  const prefix = uniquePrefix('last-tick');
  const keys = createKeyspace(prefix);
  let redis: Redis;
  let queue: Queue;

  beforeAll(() => {
    redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
    queue = new Queue(QUEUES.default, {
      connection: redis,
      prefix: keys.bullPrefix(QUEUES.default),
    });
  });
  afterAll(async () => {
    await queue.close();
    redis.disconnect();
    await deletePrefix(redisUrl, prefix);
  });

  it('is null until a tick is recorded, then the latest one, whatever order workers start them in', async () => {
    const source = { redis, keys, queue };
    expect(await lastTick(source, ID, undefined)).toBeNull();
    await recordTick(redis, keys, `repeat:${ID}:2000`);
    await recordTick(redis, keys, `repeat:${ID}:1000`);
    // Not a fired job: nothing recorded.
    await recordTick(redis, keys, '0f8e4c1a-2b3d-4e5f-8a9b-0c1d2e3f4a5b');
    expect(await lastTick(source, ID, undefined)).toEqual({
      at: 2000,
      jobId: `repeat:${ID}:2000`,
    });
    expect(await redis.hlen(keys.scheduleTicks())).toBe(1);
  });

  it('is the pending run once it is due and exists, not before', async () => {
    const source = { redis, keys, queue };
    const due = Date.now() - 1;
    // Due, but BullMQ holds no such job: the recorded tick stands.
    expect((await lastTick(source, ID, due))?.at).toBe(2000);
    await queue.add('tick', {}, { jobId: `repeat:${ID}:${due}` });
    expect(await lastTick(source, ID, due)).toEqual({
      at: due,
      jobId: `repeat:${ID}:${due}`,
    });
    // A pending run still ahead has not fired.
    const ahead = Date.now() + 3_600_000;
    await queue.add('tick', {}, { jobId: `repeat:${ID}:${ahead}` });
    expect((await lastTick(source, ID, ahead))?.at).toBe(2000);
  });
});
