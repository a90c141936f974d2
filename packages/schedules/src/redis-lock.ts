import type { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import { LuaScript } from '@conveyor/queue';

const LOCK_TTL_MS = 30_000;
const POLL_MS = 100;

/** Deletes the lock only if this holder still owns it. */
const RELEASE = new LuaScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`);

/**
 * Runs `work` while holding a Redis lock: processes starting together
 * reconcile one after another (the later ones then find nothing to do), and
 * two calls on one tenant schedule do not interleave their record and
 * scheduler writes. A holder that dies frees it after the TTL; waiting past
 * the TTL means the holder is stuck, and the work runs anyway (each step is
 * idempotent).
 */
export async function withRedisLock<T>(
  redis: Redis,
  key: string,
  work: () => Promise<T>,
): Promise<T> {
  const token = randomUUID();
  const deadline = Date.now() + LOCK_TTL_MS;
  let held = false;
  while (!held && Date.now() < deadline) {
    held = (await redis.set(key, token, 'PX', LOCK_TTL_MS, 'NX')) === 'OK';
    if (!held) await new Promise((r) => setTimeout(r, POLL_MS));
  }
  try {
    return await work();
  } finally {
    if (held) await RELEASE.run(redis, [key], [token]).catch(() => undefined);
  }
}
