import type { FixtureRegistry } from '@conveyor/fixtures';
import type { ProcessorMap } from '@conveyor/queue';
import {
  startRedisServer,
  waitFor,
  type RedisServerHandle,
} from '@conveyor/testkit';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { scriptedProcessors } from './support/scripted-processors.ts';
import { startHarness, type Harness } from './support/harness.ts';

/**
 * Redis killed with kill -9 under load and restarted from its AOF
 * (appendfsync always): every enqueue the API acknowledged completes, once
 * as a job; the typed client retries what was unknown or refused meanwhile
 * with its idempotency keys, so nothing is duplicated either.
 */
describe('Redis kill -9 and restart with AOF', () => {
  const dir = mkdtempSync(join(tmpdir(), 'conveyor-aof-'));
  let redis: RedisServerHandle | undefined;
  let harness: Harness | undefined;
  afterAll(async () => {
    await harness?.close().catch(() => undefined);
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('every acknowledged job completes, none twice as a job', async () => {
    const start = (port?: number) =>
      startRedisServer({
        dataDir: dir,
        args: ['--appendfsync', 'always'],
        ...(port ? { port } : {}),
      });
    redis = await start();
    const runs = new Map<string, number>();
    const processors: ProcessorMap<FixtureRegistry> = {
      ...scriptedProcessors(),
      TEST_JOB: (payload) => {
        runs.set(payload.message, (runs.get(payload.message) ?? 0) + 1);
        return Promise.resolve({ echoed: payload.message });
      },
    };
    harness = await startHarness(redis.url, { processors });
    const h = harness;
    const acknowledged = new Map<string, string>();
    const refused: string[] = [];
    const enqueueAll = async (from: number, count: number) => {
      await Promise.all(
        Array.from({ length: count }, async (_, i) => {
          const message = `job-${from + i}`;
          try {
            const job = await h.client.enqueue.mutate({
              name: 'TEST_JOB',
              data: { message },
            });
            acknowledged.set(message, job.id);
          } catch {
            refused.push(message);
          }
        }),
      );
    };
    await enqueueAll(0, 100);
    // Killed while these are in flight.
    const during = enqueueAll(100, 100);
    await new Promise((r) => setImmediate(r));
    const { port } = redis;
    await redis.kill();
    await new Promise((r) => setTimeout(r, 300));
    redis = await start(port);
    await during;
    await enqueueAll(200, 50);

    expect(acknowledged.size + refused.length).toBe(250);
    expect(acknowledged.size).toBeGreaterThanOrEqual(150);
    await waitFor(
      async () => {
        const done = await Promise.all(
          [...acknowledged.values()].map(
            async (id) => (await h.client.jobs.get.query({ id })).state,
          ),
        );
        return done.every((s) => s === 'completed') ? true : undefined;
      },
      30_000,
      'every acknowledged job to complete',
    );
    // One job per message, whatever the retries: list them all.
    const seen = new Map<string, number>();
    let cursor: string | undefined;
    do {
      const page = await h.client.jobs.list.query({
        limit: 100,
        ...(cursor ? { cursor } : {}),
      });
      for (const job of page.items)
        if (job.name === 'TEST_JOB' && job.data)
          seen.set(job.data.message, (seen.get(job.data.message) ?? 0) + 1);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    for (const message of acknowledged.keys())
      expect(seen.get(message)).toBe(1);
    expect([...seen.values()].every((n) => n === 1)).toBe(true);
    // At least once per acknowledged job (a job running when Redis died may run again).
    for (const message of acknowledged.keys())
      expect(runs.get(message)).toBeGreaterThanOrEqual(1);
    console.log(
      `redis kill -9: ${acknowledged.size} acknowledged, ${refused.length} refused, ` +
        `${[...runs.values()].filter((n) => n > 1).length} processor runs repeated, 0 lost, 0 duplicated jobs`,
    );
  }, 60_000);
});
