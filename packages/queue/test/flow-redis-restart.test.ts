import { startRedisServer, waitFor } from '@conveyor/testkit';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { cleanUp, flowKeys, harness } from './support/flow-harness.ts';

// Redis killed with kill -9 while keyed jobs are held, dispatched and
// running, then restarted from its AOF: every job still runs, the per-key
// limit holds, and no slot or lane is left behind.
const dir = mkdtempSync(join(tmpdir(), 'conveyor-flow-aof-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('held, dispatched and running jobs survive a Redis kill -9 and AOF restart', async () => {
  const start = (port?: number) =>
    startRedisServer({
      dataDir: dir,
      args: ['--appendfsync', 'always'],
      ...(port ? { port } : {}),
    });
  let redis = await start();
  try {
    const h = harness(redis.url, 4);
    const { jobs } = await h.producer('t1').enqueueMany({
      jobs: Array.from({ length: 80 }, (_, n) => ({
        name: 'fc.keyed' as const,
        data: { user: `u${n % 3}`, n },
      })) as never,
    });
    expect(jobs).toHaveLength(80);
    await waitFor(() => (h.started.length >= 10 ? true : undefined), 60_000);
    const { port } = redis;
    await redis.kill();
    redis = await start(port);
    await waitFor(
      () => (new Set(h.started.map((s) => s.n)).size === 80 ? true : undefined),
      90_000,
      'every job to start after the restart',
    );
    const queue = h.producer('t1').queue('fcq');
    await waitFor(
      async () => ((await queue.getCompletedCount()) === 80 ? true : undefined),
      90_000,
      'every job to complete',
    );
    expect(h.overLimit()).toBe(0);
    await waitFor(
      async () =>
        (await flowKeys(h.redis, h.keys, 'slots:')).length +
          (await flowKeys(h.redis, h.keys, 'lane:')).length ===
        0
          ? true
          : undefined,
      90_000,
      'no slot or lane left',
    );
    await cleanUp();
  } finally {
    await cleanUp().catch(() => undefined);
    await redis.stop();
  }
}, 240_000);
