import { QueueUnavailableError } from '@conveyor/core';
import { startRedisServer, type RedisServerHandle } from '@conveyor/testkit';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isRedisOutOfMemory, redisRefusal } from './redis-errors.ts';

/** Real refusals from a Redis with 2 MB of room, filled up. */
describe('redisRefusal', () => {
  let server: RedisServerHandle;
  let redis: Redis;
  beforeAll(async () => {
    server = await startRedisServer({ args: ['--maxmemory', '2mb'] });
    redis = new Redis(server.url);
    for (let i = 0; ; i++) {
      const refused = await redis
        .set(`fill:${i}`, 'x'.repeat(20_000))
        .then(() => false)
        .catch(() => true);
      if (refused) break;
    }
  });
  afterAll(async () => {
    redis.disconnect();
    await server.stop();
  });

  it('recognises a plain OOM reply, and one wrapped as a cause', async () => {
    const error = await redis
      .set('one-more', 'x'.repeat(20_000))
      .catch((e: unknown) => e);
    expect(redisRefusal(error)).toBe('oom');
    const wrapped = new QueueUnavailableError({ cause: error });
    expect(isRedisOutOfMemory(wrapped)).toBe(true);
  });

  it('finds the OOM behind an aborted MULTI (EXECABORT), as BullMQ addBulk sees it', async () => {
    const error = await redis
      .multi()
      .set('a', 'x'.repeat(20_000))
      .exec()
      .catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/^EXECABORT/);
    expect(isRedisOutOfMemory(error)).toBe(true);
  });

  it('recognises OOM raised inside a Lua script, as every BullMQ write is', async () => {
    const error = await redis
      .eval(
        "return redis.call('SET', KEYS[1], ARGV[1])",
        1,
        'k',
        'x'.repeat(20_000),
      )
      .catch((e: unknown) => e);
    expect(isRedisOutOfMemory(error)).toBe(true);
  });

  it('classifies the other refusals by their reply text, and nothing else', () => {
    const reply = (message: string) => new Error(message);
    expect(
      redisRefusal(
        reply("READONLY You can't write against a read only replica."),
      ),
    ).toBe('readonly');
    expect(
      redisRefusal(reply('LOADING Redis is loading the dataset in memory')),
    ).toBe('loading');
    expect(
      redisRefusal(
        reply(
          'BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.',
        ),
      ),
    ).toBe('busy');
    expect(
      redisRefusal(
        reply(
          "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk.",
        ),
      ),
    ).toBe('misconf');
    expect(
      redisRefusal(reply('connect ECONNREFUSED 127.0.0.1:6379')),
    ).toBeNull();
    expect(redisRefusal('OOM command not allowed')).toBeNull(); // not an Error
    expect(redisRefusal(undefined)).toBeNull();
  });

  it('stops on a cause cycle', () => {
    const a = new Error('a');
    const b = new Error('b', { cause: a });
    (a as { cause?: unknown }).cause = b;
    expect(redisRefusal(a)).toBeNull();
  });
});
