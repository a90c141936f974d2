import { startRedisServer, type RedisServerHandle } from '@conveyor/testkit';
import { Redis } from 'ioredis';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createRedisClient, redisRefusal } from '../src/index.ts';

/**
 * A primary demoted to a replica behind an address that stays the same (a
 * DNS name or a proxy that will point at the new primary): the READONLY
 * reply makes the connection reconnect, and the refused write is rejected
 * (the caller retries it), never resent behind its back.
 */
describe('a READONLY reply', () => {
  const dir = mkdtempSync(join(tmpdir(), 'conveyor-readonly-'));
  const servers: RedisServerHandle[] = [];
  const clients: Redis[] = [];
  afterAll(async () => {
    for (const client of clients) client.disconnect();
    for (const server of servers) await server.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reconnects the connection and rejects the write', async () => {
    // A replica writes its primary's snapshot on a full sync: not into the repository.
    const args = ['--dir', dir];
    const primary = await startRedisServer({ args });
    const other = await startRedisServer({ args });
    servers.push(primary, other);
    const redis = createRedisClient(primary.url, { preset: 'worker' });
    const admin = new Redis(primary.url);
    clients.push(redis, admin);
    expect(await redis.set('k', '1')).toBe('OK');
    let reconnects = 0;
    redis.on('reconnecting', () => (reconnects += 1));
    await admin.replicaof('127.0.0.1', other.port);
    const error = await redis.set('k', '2').catch((e: unknown) => e);
    expect(redisRefusal(error)).toBe('readonly');
    await new Promise((r) => setTimeout(r, 500));
    expect(reconnects).toBeGreaterThan(0);
    // Promoted back (what the address now points at): writes go through.
    await admin.replicaof('NO', 'ONE');
    expect(await redis.set('k', '3')).toBe('OK');
  });
});
