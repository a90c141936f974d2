import {
  clusterMasterOf,
  startRedisCluster,
  type RedisClusterHandle,
  type RedisServerHandle,
} from '@conveyor/testkit';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { startFailoverRig, type FailoverRig } from './support/failover-rig.ts';
import { runFailover } from './support/failover-scenario.ts';

/**
 * A 3-master Cluster with replicas (its own, not the cluster project's); the API and a worker in their own processes; the master
 * owning the test queue's slot (`{default}`, also the default tenant's)
 * killed with kill -9 under load. Its replica takes over, the clients follow
 * the new slot map, and every acknowledged job is accounted for.
 */
describe("Cluster failover: kill -9 of the queue slot's master under load", () => {
  let cluster: RedisClusterHandle | undefined;
  let rig: FailoverRig | undefined;
  afterEach(async () => {
    await rig?.close();
    await cluster?.stop();
    rig = undefined;
    cluster = undefined;
  });

  const failover = async (replicatedAcks: boolean) => {
    // With replicated acks, two replicas per master: after the failover the
    // promoted one still has a replica to confirm WAIT 1 (with one, every
    // enqueue to that shard answers OUTCOME_UNKNOWN until a replica returns).
    const c = (cluster = await startRedisCluster(3, {
      replicas: replicatedAcks ? 2 : 1,
      nodeTimeoutMs: 1_000,
    }));
    rig = await startFailoverRig(
      c.url,
      replicatedAcks ? { REDIS_ACK_REPLICAS: '1' } : {},
    );
    let victim: RedisServerHandle | undefined;
    return runFailover(rig, {
      topology: 'cluster',
      replicatedAcks,
      kill: async () => {
        victim = await clusterMasterOf(c.nodes, '{default}');
        await victim.kill();
      },
      promoted: async () =>
        (await clusterMasterOf(c.nodes, '{default}')) !== victim &&
        (await clusterOk(c.nodes)),
    });
  };

  it('with replicated acknowledgements (REDIS_ACK_REPLICAS=1): no acknowledged job is lost, none has two jobs', async () => {
    const figures = await failover(true);
    expect(figures.lost).toBe(0);
    expect(figures.duplicateJobs).toBe(0);
  }, 120_000);

  it('without them: the figures are reported and add up (a loss is possible)', async () => {
    const figures = await failover(false);
    expect(figures.acknowledged).toBeGreaterThanOrEqual(400);
    expect(figures.duplicateJobs).toBe(0);
  }, 120_000);
});

/** Every live node says `cluster_state:ok` (the slot map is whole again). */
async function clusterOk(nodes: RedisServerHandle[]): Promise<boolean> {
  const live = nodes.filter(
    (n) => n.process.exitCode === null && n.process.signalCode === null,
  );
  const states = await Promise.all(
    live.map(async (node) => {
      const redis = new Redis(node.url, { maxRetriesPerRequest: 1 });
      try {
        return /cluster_state:ok/.test(String(await redis.cluster('INFO')));
      } catch {
        return false;
      } finally {
        redis.disconnect();
      }
    }),
  );
  return states.every(Boolean);
}
