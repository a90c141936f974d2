import type { Redis } from 'ioredis';
import { createHash } from 'node:crypto';

/**
 * A Lua script run by its SHA (EVALSHA): Redis hashes and parses a script
 * sent with EVAL on every call, which costs more than the script itself for
 * the small ones Conveyor runs per enqueue. Falls back to EVAL once when
 * Redis does not know the script yet (after a restart or SCRIPT FLUSH).
 */
export class LuaScript {
  private readonly sha: string;

  constructor(private readonly lua: string) {
    this.sha = createHash('sha1').update(lua).digest('hex');
  }

  async run(
    redis: Redis,
    keys: readonly string[],
    args: readonly (string | number)[],
  ): Promise<unknown> {
    try {
      return await redis.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT'))
        throw error;
      return redis.eval(this.lua, keys.length, ...keys, ...args);
    }
  }
}
