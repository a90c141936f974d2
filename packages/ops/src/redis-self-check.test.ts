import { startRedisServer } from '@conveyor/testkit';
import { Redis } from 'ioredis';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { redisSelfCheck } from './redis-self-check.ts';

function capturingLogger() {
  const lines: { level: number; msg: string }[] = [];
  const logger = pino(
    { level: 'info' },
    { write: (line: string) => void lines.push(JSON.parse(line) as never) },
  );
  return { logger, lines };
}

describe('redisSelfCheck', () => {
  it('logs the settings at info and warns about eviction and no persistence', async () => {
    const server = await startRedisServer({
      args: ['--maxmemory', '64mb', '--maxmemory-policy', 'allkeys-lru'],
    });
    const redis = new Redis(server.url);
    const { logger, lines } = capturingLogger();
    try {
      const check = await redisSelfCheck(redis, logger);
      expect(check).toMatchObject({
        maxmemoryPolicy: 'allkeys-lru',
        memory: { max: 64 * 1024 * 1024 },
        aof: false,
        rdbSave: '',
      });
      expect(lines[0]).toMatchObject({ level: 30 });
      expect(lines[0]?.msg).toMatch(
        /^Redis \d+\.\d+\.\d+: maxmemory 64\.0 MB \(allkeys-lru\), AOF off, RDB off$/,
      );
      const warnings = lines.filter((l) => l.level === 40).map((l) => l.msg);
      expect(warnings).toHaveLength(2);
      expect(warnings[0]).toContain('set it to "noeviction"');
      expect(warnings[1]).toContain('persistence is off');
    } finally {
      redis.disconnect();
      await server.stop();
    }
  });

  it('has nothing to warn about with AOF and noeviction, and waits for a late connection', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'conveyor-self-check-'));
    const server = await startRedisServer({ dataDir });
    const redis = new Redis(server.url, { lazyConnect: true });
    const { logger, lines } = capturingLogger();
    try {
      const checked = redisSelfCheck(redis, logger); // before the connection is ready
      await redis.connect();
      const check = await checked;
      expect(check).toMatchObject({
        aof: true,
        appendfsync: 'everysec',
        maxmemoryPolicy: 'noeviction',
        warnings: [],
      });
      expect(lines.map((l) => l.level)).toEqual([30]);
      expect(lines[0]?.msg).toContain('AOF on (appendfsync everysec)');
    } finally {
      redis.disconnect();
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
