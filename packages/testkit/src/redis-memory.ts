import type { Redis } from 'ioredis';

/**
 * Fills Redis with `filler:*` keys until it refuses a write for memory, then
 * pins maxmemory 256 KB under what it uses: Redis shrinks client buffers in
 * its background cron, so a Redis filled just to the limit soon has room for
 * a few small writes again, and a test would race it. For a private
 * redis-server started with `--maxmemory` (never a shared one).
 */
export async function fillRedisMemory(redis: Redis): Promise<void> {
  for (let i = 0; ; i++) {
    const refused = await redis
      .set(`filler:${i}`, 'x'.repeat(20_000))
      .then(() => false)
      .catch((e: unknown) => e instanceof Error && e.message.includes('OOM'));
    if (refused) break;
  }
  const used = Number(
    /used_memory:(\d+)/.exec(await redis.info('memory'))?.[1],
  );
  await redis.config('SET', 'maxmemory', String(used - 256 * 1024));
}

/** Deletes what `fillRedisMemory` wrote: Redis has room again. */
export async function freeRedisMemory(redis: Redis): Promise<void> {
  let cursor = '0';
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', 'filler:*');
    cursor = next;
    if (found.length > 0) await redis.unlink(...found);
  } while (cursor !== '0');
}
