import { startRedisServer, type RedisServerHandle } from '@conveyor/testkit';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRedisCapacity } from './redis-capacity.ts';
import { watchRedisCapacity } from './redis-capacity-watch.ts';

interface Line {
  level: number;
  msg: string;
}

/** A real pino logger whose lines land in an array. */
function capturingLogger() {
  const lines: Line[] = [];
  const logger = pino(
    { level: 'debug' },
    { write: (line: string) => void lines.push(JSON.parse(line) as Line) },
  );
  return { logger, lines };
}

const WARN = 40;
const INFO = 30;

async function fill(redis: Redis): Promise<Error> {
  for (let i = 0; ; i++) {
    const error = await redis
      .set(`fill:${i}`, 'x'.repeat(20_000))
      .then(() => null)
      .catch((e: unknown) => e as Error);
    if (error) return error;
  }
}

describe('Redis capacity', () => {
  let server: RedisServerHandle;
  let redis: Redis;
  beforeAll(async () => {
    server = await startRedisServer({ args: ['--maxmemory', '3mb'] });
    redis = new Redis(server.url);
  });
  afterAll(async () => {
    redis.disconnect();
    await server.stop();
  });

  it('reads memory, policy and persistence, and sees a full Redis as full', async () => {
    const roomy = await readRedisCapacity(redis, { probeKey: 'probe' });
    expect(roomy).toMatchObject({
      full: false,
      maxmemoryPolicy: 'noeviction',
      memory: { max: 3 * 1024 * 1024 },
      persistence: { aof: false, rdbLastSave: 'ok' },
    });
    expect(roomy.memory.ratio).toBeLessThan(1);
    expect(await redis.exists('probe')).toBe(0); // the probe stores nothing

    await fill(redis);
    const full = await readRedisCapacity(redis, { probeKey: 'probe' });
    expect(full.full).toBe(true);
    expect(full.memory.ratio).toBeGreaterThanOrEqual(0.99);
    await redis.flushall();
  });

  it('logs one warn per episode however many refusals, and one info when memory returns', async () => {
    const { logger, lines } = capturingLogger();
    const watch = watchRedisCapacity(redis, logger, { intervalMs: 60_000 });
    try {
      const refusal = await fill(redis);
      for (let i = 0; i < 20; i++) expect(watch.observe(refusal)).toBe(true);
      await watch.check();
      expect(watch.full).toBe(true);
      expect(watch.observe(new Error('connect ECONNREFUSED'))).toBe(false);

      // A refusal since the last check keeps the episode open…
      await redis.flushall();
      await watch.check();
      expect(watch.full).toBe(false);
      await watch.check(); // …and a quiet one closes it, once.
      const logged = lines.filter((l) => l.level >= INFO);
      expect(logged.map((l) => l.level)).toEqual([WARN, INFO]);
      expect(logged[0]?.msg).toContain('Redis is out of memory');
      expect(logged[1]?.msg).toContain('Redis has memory again');
      expect(logged[1]).toMatchObject({ refusals: 20 });
    } finally {
      watch.stop();
      await redis.flushall();
    }
  });

  it('a check alone opens the episode: no refusal needed', async () => {
    const { logger, lines } = capturingLogger();
    const watch = watchRedisCapacity(redis, logger, { intervalMs: 60_000 });
    try {
      await fill(redis);
      await watch.check();
      await watch.check();
      expect(lines.filter((l) => l.level === WARN)).toHaveLength(1);
      expect(lines[0]).toMatchObject({ via: 'check' });
    } finally {
      watch.stop();
      await redis.flushall();
    }
  });
});
