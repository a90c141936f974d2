import { uniquePrefix } from '@conveyor/testkit';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { leanMulti, leanPipeline } from '../src/lean-batch.ts';

const redisUrl = inject('redisUrl');
// A connection as the pools have it: BullMQ's scripts defined on it, and ours.
const redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
const queue = new Queue(uniquePrefix('lean'), { connection: redis });
redis.defineCommand('leanEcho', {
  numberOfKeys: 1,
  lua: 'redis.call("SET", KEYS[1], ARGV[1]) return ARGV[1]',
});
redis.defineCommand('leanOther', { numberOfKeys: 0, lua: 'return 1' });
afterAll(async () => {
  await queue.close();
  redis.disconnect();
});

type Batch = Record<string, unknown> & { redis?: unknown };

describe('lean batches', () => {
  it('answers a MULTI exactly as redis.multi() does, with only the listed scripts', async () => {
    await queue.waitUntilReady();
    const key = uniquePrefix('lean-key');
    const full = redis.multi().set(key, 'a').get(key);
    const lean = leanMulti(redis, ['leanEcho']).set(key, 'a').get(key);
    expect(await lean.exec()).toEqual(await full.exec());
    const batch = leanMulti(redis, ['leanEcho']) as unknown as Batch;
    expect(typeof batch.leanEcho).toBe('function');
    expect(batch.leanOther).toBeUndefined();
    // A BullMQ script is not copied onto a batch that does not call it.
    expect(Object.keys(batch).some((k) => k.startsWith('moveToActive'))).toBe(
      false,
    );
    expect(batch.redis).toBe(redis);
  });

  it('runs a listed script inside the transaction, and a failing command fails as in a MULTI', async () => {
    const key = uniquePrefix('lean-script');
    const multi = leanMulti(redis, ['leanEcho']) as unknown as {
      leanEcho(key: string, value: string): unknown;
      exec(): Promise<[Error | null, unknown][] | null>;
    };
    multi.leanEcho(key, 'v1');
    (
      multi as unknown as { hincrby(k: string, f: string, n: number): unknown }
    ).hincrby(key, 'f', 1);
    const replies = await multi.exec();
    expect(replies?.[0]).toEqual([null, 'v1']);
    expect(replies?.[1]?.[0]).toBeInstanceOf(Error);
    expect(await redis.get(key)).toBe('v1');
  });

  it('sends a pipeline on the same connection', async () => {
    const key = uniquePrefix('lean-pipe');
    const replies = await leanPipeline(redis).incr(key).incr(key).exec();
    expect(replies).toEqual([
      [null, 1],
      [null, 2],
    ]);
  });

  it('builds the ordinary batch while a listed script is not defined yet', () => {
    const batch = leanMulti(redis, ['leanNotYet']) as unknown as Batch;
    expect(typeof batch.leanOther).toBe('function');
    expect(batch.redis).toBe(redis);
  });
});
