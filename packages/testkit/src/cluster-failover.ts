import { Redis } from 'ioredis';
import type { RedisServerHandle } from './redis-server.ts';

/** Every replica of the Cluster (by INFO) has its link to its master up. */
export async function waitForReplicasInSync(
  nodes: RedisServerHandle[],
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (const node of nodes) {
    const redis = new Redis(node.url, { maxRetriesPerRequest: 1 });
    try {
      for (;;) {
        const info = await redis.info('replication');
        if (/role:master/.test(info) || /master_link_status:up/.test(info))
          break;
        if (Date.now() > deadline)
          throw new Error(`replica ${node.url} never came in sync`);
        await new Promise((r) => setTimeout(r, 100));
      }
    } finally {
      redis.disconnect();
    }
  }
}

/**
 * The node that is master of `key`'s slot now (asked of any live node): the
 * one to kill -9 to fail over the shard a test's queue lives on.
 */
export async function clusterMasterOf(
  nodes: RedisServerHandle[],
  key: string,
): Promise<RedisServerHandle> {
  const alive = nodes.find(
    (node) =>
      node.process.exitCode === null && node.process.signalCode === null,
  );
  if (!alive) throw new Error('no Cluster node is running');
  const redis = new Redis(alive.url, { maxRetriesPerRequest: 1 });
  try {
    const slot = Number(await redis.cluster('KEYSLOT', key));
    const ranges = await redis.cluster('SLOTS');
    const range = ranges.find(([from, to]) => slot >= from && slot <= to);
    // The first node of a range is its master.
    const port = range?.[2]?.[1];
    const master = nodes.find((node) => node.port === port);
    if (!master) throw new Error(`no node owns slot ${slot}`);
    return master;
  } finally {
    redis.disconnect();
  }
}
