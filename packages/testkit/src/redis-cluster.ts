import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Cluster, Redis, type RedisOptions } from 'ioredis';
import {
  getFreePort,
  startRedisServer,
  type RedisServerHandle,
} from './redis-server.ts';
import { waitForReplicasInSync } from './cluster-failover.ts';

const run = promisify(execFile);

export interface RedisClusterHandle {
  /** `redis-cluster://127.0.0.1:p1,…`: what Conveyor's REDIS_URL accepts for a Cluster. */
  url: string;
  nodes: RedisServerHandle[];
  stop(): Promise<void>;
}

const CLUSTER_SCHEME = 'redis-cluster://';

export interface RedisClusterOptions {
  /** Replicas per master (default 0); with them a master's death fails over. */
  replicas?: number;
  /** `cluster-node-timeout`: how long a silent node takes to be deemed down (default 2000 ms). */
  nodeTimeoutMs?: number;
}

/**
 * A real Redis Cluster of `masters` redis-servers (and `replicas` per
 * master) on free loopback ports, no persistence, slots spread by
 * `redis-cli --cluster create`. Ready when every node reports
 * `cluster_state:ok` and every replica is in sync.
 */
export async function startRedisCluster(
  masters = 3,
  options: RedisClusterOptions = {},
): Promise<RedisClusterHandle> {
  const replicas = options.replicas ?? 0;
  // redis-cli --cluster create refuses fewer than 3 masters (bench/src/cluster/topology.ts makes a 1-master one by hand).
  if (masters < 3)
    throw new Error('startRedisCluster needs at least 3 masters');
  const dir = mkdtempSync(join(tmpdir(), 'conveyor-cluster-'));
  const nodes: RedisServerHandle[] = [];
  const stop = async () => {
    await Promise.all(nodes.map((node) => node.stop()));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < masters * (1 + replicas); i += 1)
      nodes.push(
        await startRedisServer({
          args: [
            '--cluster-enabled',
            'yes',
            '--cluster-config-file',
            join(dir, `node-${i}.conf`),
            '--cluster-node-timeout',
            String(options.nodeTimeoutMs ?? 2_000),
            // A replica may always take over, however long its link was down.
            '--cluster-replica-validity-factor',
            '0',
            '--dir',
            dir,
            // Its own free port: the default (port + 10000) may be taken or out of range.
            '--cluster-port',
            String(await getFreePort()),
          ],
        }),
      );
    const addresses = nodes.map((node) => `127.0.0.1:${node.port}`);
    await run('redis-cli', [
      '--cluster',
      'create',
      ...addresses,
      '--cluster-replicas',
      String(replicas),
      '--cluster-yes',
    ]);
    await waitForClusterOk(nodes);
    if (replicas > 0) await waitForReplicasInSync(nodes);
    return { url: `${CLUSTER_SCHEME}${addresses.join(',')}`, nodes, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function waitForClusterOk(nodes: RedisServerHandle[]): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (const node of nodes) {
    const redis = new Redis(node.url, { maxRetriesPerRequest: 1 });
    try {
      while (!/cluster_state:ok/.test(String(await redis.cluster('INFO')))) {
        if (Date.now() > deadline)
          throw new Error(
            `cluster node ${node.url} never reported cluster_state:ok`,
          );
        await new Promise((r) => setTimeout(r, 100));
      }
    } finally {
      redis.disconnect();
    }
  }
}

export function isClusterUrl(url: string): boolean {
  return url.startsWith(CLUSTER_SCHEME);
}

/**
 * A test's own connection to `url`, a server or a Cluster (typed as `Redis`:
 * the commands tests use are the same on both).
 */
export function connectRedis(
  url: string,
  options: RedisOptions = { maxRetriesPerRequest: 1 },
): Redis {
  if (!isClusterUrl(url)) return new Redis(url, options);
  const nodes = url
    .slice(CLUSTER_SCHEME.length)
    .split(',')
    .map((node) => {
      const at = node.lastIndexOf(':');
      return { host: node.slice(0, at), port: Number(node.slice(at + 1)) };
    });
  return new Cluster(nodes, {
    redisOptions: options,
  }) as unknown as Redis;
}

/** The masters of `redis` (itself when it is one server): where a SCAN must look. */
export function masters(redis: Redis): Redis[] {
  return redis.isCluster
    ? (redis as unknown as Cluster).nodes('master')
    : [redis];
}
