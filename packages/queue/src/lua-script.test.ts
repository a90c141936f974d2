import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { LuaScript } from './lua-script.ts';

describe('LuaScript', () => {
  const redis = new Redis(inject('redisUrl'));
  afterAll(() => redis.disconnect());

  it('runs by SHA, loading the script when Redis does not know it', async () => {
    const script = new LuaScript(
      `return { KEYS[1], ARGV[1], '${Math.random()}' }`,
    );
    const first = (await script.run(redis, ['k'], ['a'])) as string[];
    expect(first.slice(0, 2)).toEqual(['k', 'a']);
    // Now cached: EVALSHA answers without the body.
    expect(await script.run(redis, ['k2'], ['b'])).toEqual([
      'k2',
      'b',
      first[2],
    ]);
  });
});
