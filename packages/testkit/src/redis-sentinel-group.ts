import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import {
  findRedisServer,
  getFreePort,
  pingRedis,
  startRedisServer,
  type RedisServerHandle,
} from './redis-server.ts';
import type {
  RedisSentinelGroup,
  RedisSentinelGroupOptions,
} from './redis-sentinel-group-options.ts';

const NAME = 'mymaster';

/**
 * A primary, its replicas and Sentinels watching them (`redis-server
 * --sentinel`, each with its own generated sentinel.conf), all on free
 * loopback ports, no persistence. Ready when the replicas are in sync and
 * every Sentinel knows the replicas and the other Sentinels (so a failover
 * can be voted on).
 */
export async function startRedisSentinelGroup(
  options: RedisSentinelGroupOptions = {},
): Promise<RedisSentinelGroup> {
  const replicaCount = options.replicas ?? 2;
  const sentinelCount = options.sentinels ?? 3;
  const dir = mkdtempSync(join(tmpdir(), 'conveyor-sentinel-'));
  const servers: RedisServerHandle[] = [];
  const sentinels: RedisServerHandle[] = [];
  const stop = async () => {
    await Promise.all([...sentinels, ...servers].map((node) => node.kill()));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    // Its own folder: a replica writes the primary's snapshot on a full sync.
    const primary = await startRedisServer({ args: ['--dir', dir] });
    servers.push(primary);
    for (let i = 0; i < replicaCount; i += 1) {
      const own = join(dir, `replica-${i}`);
      mkdirSync(own);
      servers.push(
        await startRedisServer({
          args: [
            '--dir',
            own,
            '--replicaof',
            '127.0.0.1',
            String(primary.port),
          ],
        }),
      );
    }
    for (let i = 0; i < sentinelCount; i += 1)
      sentinels.push(
        await startSentinel(dir, i, primary.port, options.downAfterMs ?? 1_000),
      );
    await waitForGroup(primary, sentinels, replicaCount);
    const address = `redis-sentinel://${sentinels
      .map((s) => `127.0.0.1:${s.port}`)
      .join(',')}/${NAME}`;
    return {
      address,
      name: NAME,
      primary,
      replicas: servers.slice(1),
      sentinels,
      currentPrimaryPort: () => askPrimaryPort(sentinels),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function startSentinel(
  dir: string,
  index: number,
  primaryPort: number,
  downAfterMs: number,
): Promise<RedisServerHandle> {
  const binary = findRedisServer();
  if (!binary) throw new Error('redis-server is not on PATH');
  const port = await getFreePort();
  const conf = join(dir, `sentinel-${index}.conf`);
  // Sentinel rewrites its own config file (what it learned), so one each.
  writeFileSync(
    conf,
    [
      `port ${port}`,
      'bind 127.0.0.1',
      `dir ${dir}`,
      `sentinel monitor ${NAME} 127.0.0.1 ${primaryPort} 2`,
      `sentinel down-after-milliseconds ${NAME} ${downAfterMs}`,
      `sentinel failover-timeout ${NAME} 5000`,
      `sentinel parallel-syncs ${NAME} 2`,
      '',
    ].join('\n'),
  );
  const child = spawn(binary, [conf, '--sentinel'], {
    stdio: ['ignore', 'ignore', 'ignore'],
  });
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => resolve()),
  );
  const url = `redis://127.0.0.1:${port}`;
  const deadline = Date.now() + 10_000;
  while (!(await pingRedis(url, 200))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`redis sentinel did not start on port ${port}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const signal = async (sig: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(sig);
    await exited;
  };
  return {
    url,
    port,
    process: child,
    stop: () => signal('SIGTERM'),
    kill: () => signal('SIGKILL'),
  };
}

async function waitForGroup(
  primary: RedisServerHandle,
  sentinels: RedisServerHandle[],
  replicas: number,
): Promise<void> {
  const deadline = Date.now() + 30_000;
  const check = async (url: string, ready: (r: Redis) => Promise<boolean>) => {
    const redis = new Redis(url, { maxRetriesPerRequest: 1 });
    try {
      while (!(await ready(redis))) {
        if (Date.now() > deadline)
          throw new Error(`the Sentinel group did not settle (${url})`);
        await new Promise((r) => setTimeout(r, 200));
      }
    } finally {
      redis.disconnect();
    }
  };
  await check(primary.url, async (r) => {
    const info = await r.info('replication');
    return (info.match(/state=online/g) ?? []).length >= replicas;
  });
  for (const sentinel of sentinels)
    await check(sentinel.url, async (r) => {
      const known = (await r.call('SENTINEL', 'REPLICAS', NAME)) as unknown[];
      const peers = (await r.call('SENTINEL', 'SENTINELS', NAME)) as unknown[];
      return known.length >= replicas && peers.length >= sentinels.length - 1;
    });
}

/** The port of the primary the Sentinels agree on now (the first that answers). */
async function askPrimaryPort(sentinels: RedisServerHandle[]): Promise<number> {
  for (const sentinel of sentinels) {
    if (sentinel.process.exitCode !== null) continue;
    const redis = new Redis(sentinel.url, { maxRetriesPerRequest: 1 });
    try {
      const reply = (await redis.call(
        'SENTINEL',
        'GET-MASTER-ADDR-BY-NAME',
        NAME,
      )) as [string, string] | null;
      if (reply) return Number(reply[1]);
    } catch {
      // ask the next one
    } finally {
      redis.disconnect();
    }
  }
  throw new Error('no Sentinel answered');
}
