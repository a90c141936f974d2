import { DEFAULT_TENANT } from '@conveyor/core';
import { createKeyspace } from '@conveyor/queue';
import {
  startRedisServer,
  waitFor,
  type RedisServerHandle,
  fillRedisMemory,
  freeRedisMemory,
} from '@conveyor/testkit';
import { isConveyorError } from '@conveyor/client';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './support/harness.ts';

/** Each test runs its own small redis-server (maxmemory 8 MB, noeviction). */
describe('enqueue when Redis is out of memory', () => {
  let server: RedisServerHandle | undefined;
  let harness: Harness | undefined;
  let admin: Redis | undefined;
  afterEach(async () => {
    await harness?.close().catch(() => undefined);
    admin?.disconnect();
    await server?.stop();
    harness = admin = server = undefined;
  });

  const enqueue = (h: Harness, message: string, idempotencyKey?: string) =>
    h.client.enqueue.mutate({
      name: 'TEST_JOB',
      data: { message },
      ...(idempotencyKey ? { options: { idempotencyKey } } : {}),
    });

  const readyz = async (h: Harness) => {
    const res = await fetch(`${h.apiUrl}/readyz`);
    return {
      status: res.status,
      body: (await res.json()) as Record<string, unknown>,
    };
  };

  it('answers 503 QUEUE_FULL, stores nothing, is not ready, and recovers once memory is freed', async () => {
    server = await startRedisServer({ args: ['--maxmemory', '8mb'] });
    admin = new Redis(server.url);
    harness = await startHarness(server.url);
    const h = harness;
    const keys = createKeyspace(h.prefix);
    const before = await enqueue(h, 'before');
    const roomy = await readyz(h);
    expect(roomy.status).toBe(200);
    expect(roomy.body).toMatchObject({
      ready: true,
      memory: { max: 8 * 1024 * 1024 },
    });

    await fillRedisMemory(admin);
    for (const key of [undefined, 'order-1']) {
      const error = await enqueue(h, 'refused', key).catch((e: unknown) => e);
      expect(isConveyorError(error)).toBe(true);
      if (!isConveyorError(error)) return;
      expect(error.data?.httpStatus).toBe(503);
      expect(error.data?.reason).toBe('QUEUE_FULL');
      expect(error.message).toContain('out of memory');
    }
    const full = await readyz(h);
    expect(full.status).toBe(503);
    expect(full.body).toMatchObject({
      ready: false,
      redis: 'up',
      reason: 'QUEUE_FULL',
    });

    // Nothing half-stored: one job, one quota entry, and no idempotency claim
    // but the first job's (the typed client gives every enqueue a key).
    // (Plain reads: Redis refuses every command inside a MULTI while full.)
    expect(await admin.llen(keys.bull('default', 'wait'))).toBe(1);
    expect(await admin.zcard(keys.open('default', DEFAULT_TENANT))).toBe(1);
    expect(await admin.zcard(keys.index('default', DEFAULT_TENANT))).toBe(1);
    const claims = await admin.keys(
      keys.idempotency('default', DEFAULT_TENANT, '*'),
    );
    expect(claims).toHaveLength(1);
    expect(await admin.get(claims[0] ?? '')).toMatch(
      new RegExp(`^${before.id} \\S+ \\d+ stored$`),
    );

    await freeRedisMemory(admin);
    const back = await waitFor(async () => {
      const r = await readyz(h);
      return r.status === 200 ? r : undefined;
    });
    expect(back.body).toMatchObject({ ready: true, warnings: [] });
    // The key the refused call tried is free: another payload under it is no CONFLICT.
    const after = await enqueue(h, 'after', 'order-1');
    expect(after.name).toBe('TEST_JOB');
    expect((await h.services.jobs.stats(DEFAULT_TENANT)).default.waiting).toBe(
      2,
    );
  });
});
