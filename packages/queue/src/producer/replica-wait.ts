import type { Cluster, Redis } from 'ioredis';

/**
 * Fewer replicas than asked confirmed the writes in time. The job is stored
 * on the primary, so this is never a refusal: `isNoReply` counts it as "may
 * have stored", and the writer answers outcome-unknown.
 */
export class ReplicationUnconfirmedError extends Error {
  constructor(
    readonly replicas: number,
    readonly confirmed: number,
    readonly timeoutMs: number,
    options?: { cause?: unknown },
  ) {
    super(
      `${confirmed} of ${replicas} replicas confirmed the add within ${timeoutMs} ms`,
      options,
    );
    this.name = 'ReplicationUnconfirmedError';
  }
}

/**
 * Redis `WAIT` on the connection that wrote: it counts the replicas that
 * have every write this connection sent so far. On a Cluster the writes of
 * a queue went to the master of its slot (`slotKey`, any key with the
 * queue's hash tag), so the WAIT must go to that node's connection too; the
 * slot of a key never changes and is asked once.
 */
export class ReplicaWait {
  private readonly slots = new Map<string, number>();

  constructor(private readonly redis: Redis) {}

  async confirmed(
    slotKey: string,
    replicas: number,
    timeoutMs: number,
  ): Promise<number> {
    const node = this.redis.isCluster
      ? await this.masterOf(slotKey)
      : this.redis;
    return node.wait(replicas, timeoutMs);
  }

  private async masterOf(slotKey: string): Promise<Redis> {
    const cluster = this.redis as unknown as Cluster;
    let slot = this.slots.get(slotKey);
    if (slot === undefined) {
      slot = Number(await cluster.cluster('KEYSLOT', slotKey));
      this.slots.set(slotKey, slot);
    }
    const owner = cluster.slots[slot]?.[0];
    const node = cluster
      .nodes('master')
      .find((n) => `${n.options.host}:${n.options.port}` === owner);
    // Slots not known yet (a failover under way): nothing to ask.
    if (!node) throw new Error(`no known master owns slot ${slot}`);
    return node;
  }
}
