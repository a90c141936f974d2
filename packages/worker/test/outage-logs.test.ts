import {
  spawnTsProcess,
  startRedisServer,
  uniquePrefix,
  type RedisServerHandle,
  type TsProcess,
} from '@conveyor/testkit';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';

const DAEMON = fileURLToPath(
  new URL('fixtures/fault-daemon.ts', import.meta.url),
);
let redis: RedisServerHandle | undefined;
let daemon: TsProcess | undefined;
afterAll(async () => {
  daemon?.child.kill('SIGKILL');
  await daemon?.exited;
  await redis?.kill();
});

it('a Redis outage is one warn line and one info line per episode, not one per retry', async () => {
  redis = await startRedisServer();
  const { port } = redis;
  daemon = spawnTsProcess(DAEMON, {
    env: {
      ...process.env,
      REDIS_URL: redis.url,
      CONVEYOR_PREFIX: uniquePrefix('outage-logs'),
      LOG_LEVEL: 'info',
    },
  });
  await daemon.waitForLine(
    (l) => l.record?.msg === 'Conveyor worker ready',
    60_000,
  );
  // Startup lines (the Redis self-check) are not part of the episode.
  await new Promise((r) => setTimeout(r, 1_000));
  const before = daemon.lines.length;
  await redis.kill();
  await new Promise((r) => setTimeout(r, 5_000)); // many reconnect attempts
  redis = await startRedisServer({ port });
  await daemon.waitForLine(
    (l) => l.record?.msg === 'Redis connection restored',
    60_000,
  );
  await new Promise((r) => setTimeout(r, 1_000));
  const episode = daemon.lines.slice(before).filter((l) => l.record);
  const loud = episode.filter((l) => Number(l.record?.level) >= 40);
  console.info(
    `outage of 5 s: ${episode.length} log lines, ${loud.length} at warn or above: ${loud.map((l) => String(l.record?.msg)).join(' | ')}`,
  );
  expect(
    loud.filter((l) => l.record?.msg === 'Redis connection lost; retrying')
      .length,
  ).toBe(1);
  expect(loud.length).toBeLessThanOrEqual(2);
  expect(episode.length).toBeLessThanOrEqual(4);
}, 60_000);
