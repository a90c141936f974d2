import {
  getFreePort,
  startRedisCluster,
  startRedisServer,
  type RedisServerHandle,
} from '@conveyor/testkit';
import { Redis } from 'ioredis';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export type TopologyKind = 'server' | 'cluster-1' | 'cluster-3';

/** One Redis deployment the cluster bench measures against. */
export interface Topology {
  kind: TopologyKind;
  label: string;
  /** What REDIS_URL takes: `redis://…` or `redis-cluster://…`. */
  url: string;
  /** Every redis-server of it (a Cluster's masters), for per-node INFO reads. */
  nodes: RedisServerHandle[];
  stop(): Promise<void>;
}

export const TOPOLOGY_LABELS: Record<TopologyKind, string> = {
  server: '1 redis-server (no cluster)',
  'cluster-1': 'cluster, 1 master',
  'cluster-3': 'cluster, 3 masters',
};

/** A plain server for reference, or a real Cluster of 1 or 3 masters on free ports. */
export async function startTopology(kind: TopologyKind): Promise<Topology> {
  const label = TOPOLOGY_LABELS[kind];
  if (kind === 'server') {
    const server = await startRedisServer();
    return {
      kind,
      label,
      url: server.url,
      nodes: [server],
      stop: () => server.stop(),
    };
  }
  // `redis-cli --cluster create` wants 3 masters at least, so testkit's
  // startRedisCluster(1) fails; one master is assigned its slots directly.
  const cluster =
    kind === 'cluster-1'
      ? await startOneMasterCluster()
      : await startRedisCluster(3);
  return {
    kind,
    label,
    url: cluster.url,
    nodes: cluster.nodes,
    stop: () => cluster.stop(),
  };
}

/** A Redis Cluster of one master that owns all 16384 slots (Redis ≥ 7: ADDSLOTSRANGE). */
async function startOneMasterCluster(): Promise<{
  url: string;
  nodes: RedisServerHandle[];
  stop(): Promise<void>;
}> {
  const dir = mkdtempSync(join(tmpdir(), 'conveyor-cluster-1-'));
  const node = await startRedisServer({
    args: [
      '--cluster-enabled',
      'yes',
      '--cluster-config-file',
      join(dir, 'node.conf'),
      '--dir',
      dir,
      '--cluster-port',
      String(await getFreePort()),
      // A node that never met another does not know its address and
      // announces none in CLUSTER SLOTS, so clients could not route to it.
      '--cluster-announce-ip',
      '127.0.0.1',
    ],
  });
  const stop = async () => {
    await node.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  const redis = new Redis(node.url);
  try {
    await redis.call('CLUSTER', 'ADDSLOTSRANGE', '0', '16383');
    const deadline = Date.now() + 20_000;
    while (
      !/cluster_state:ok/.test(String(await redis.call('CLUSTER', 'INFO')))
    ) {
      if (Date.now() > deadline)
        throw new Error(`${node.url} never reported cluster_state:ok`);
      await sleep(100);
    }
  } catch (error) {
    await stop();
    throw error;
  } finally {
    redis.disconnect();
  }
  return { url: `redis-cluster://127.0.0.1:${node.port}`, nodes: [node], stop };
}
