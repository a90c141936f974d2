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

/** The connection a transaction's writes go to, and which of its sessions. */
export interface WaitTarget {
  node: Redis;
  epoch: number;
  slotKey: string;
}

interface Waiter {
  target: WaitTarget;
  replicas: number;
  timeoutMs: number;
  resolve(): void;
  reject(error: unknown): void;
}

/**
 * Redis `WAIT` on the connection that wrote: it counts the replicas that
 * have every write *that session* sent so far. So:
 *
 * - the target is taken before the transaction (on a Cluster, the master
 *   owning the queue's slot; `CLUSTER KEYSLOT` once per queue) and checked
 *   again after it: writes redirected elsewhere are unconfirmed;
 * - a reconnect in between (a new session, maybe on another server) makes
 *   every write of the old session unconfirmed: the lane's connection
 *   never resends a command after a reconnect, and the epoch counts them;
 * - one WAIT in flight per connection: a WAIT blocks its connection, so
 *   transactions that finish meanwhile share the next one instead of
 *   stacking a full timeout each while a replica is away.
 */
export class ReplicaWait {
  private readonly slots = new Map<string, number>();
  private readonly epochs = new WeakMap<Redis, number>();
  private readonly queued = new Map<Redis, Waiter[]>();

  constructor(private readonly redis: Redis) {}

  async target(slotKey: string): Promise<WaitTarget> {
    const node = this.redis.isCluster
      ? await this.masterOf(slotKey)
      : this.redis;
    if (!this.epochs.has(node)) {
      this.epochs.set(node, 0);
      node.on('ready', () =>
        this.epochs.set(node, (this.epochs.get(node) ?? 0) + 1),
      );
    }
    return { node, epoch: this.epochs.get(node) ?? 0, slotKey };
  }

  /** After the transaction: resolves once `replicas` replicas have it. */
  confirm(target: WaitTarget, replicas: number, timeoutMs: number) {
    return new Promise<void>((resolve, reject) => {
      const waiters = this.queued.get(target.node);
      const waiter = { target, replicas, timeoutMs, resolve, reject };
      if (waiters) return void waiters.push(waiter);
      this.queued.set(target.node, [waiter]);
      void this.drain(target.node);
    });
  }

  private async drain(node: Redis): Promise<void> {
    for (;;) {
      const batch = this.queued.get(node)?.splice(0) ?? [];
      if (batch.length === 0) return void this.queued.delete(node);
      const live = await this.sameSession(batch);
      if (live.length === 0) continue;
      const replicas = Math.max(...live.map((w) => w.replicas));
      const timeoutMs = Math.max(...live.map((w) => w.timeoutMs));
      const epoch = this.epochs.get(node);
      let confirmed = 0;
      let cause: unknown;
      try {
        confirmed = await node.wait(replicas, timeoutMs);
        if (this.epochs.get(node) !== epoch) confirmed = 0;
      } catch (error) {
        cause = error;
      }
      for (const w of live)
        if (confirmed >= w.replicas) w.resolve();
        else
          w.reject(
            new ReplicationUnconfirmedError(w.replicas, confirmed, timeoutMs, {
              cause,
            }),
          );
    }
  }

  /** The waiters whose writes went to this session of their node; the others are unconfirmed. */
  private async sameSession(batch: Waiter[]): Promise<Waiter[]> {
    const live: Waiter[] = [];
    for (const w of batch) {
      const now = await this.target(w.target.slotKey).catch(() => undefined);
      if (now?.node === w.target.node && now.epoch === w.target.epoch)
        live.push(w);
      else w.reject(new ReplicationUnconfirmedError(w.replicas, 0, 0));
    }
    return live;
  }

  private async masterOf(slotKey: string): Promise<Redis> {
    const cluster = this.redis as unknown as Cluster;
    let slot = this.slots.get(slotKey);
    if (slot === undefined) {
      slot = Number(await cluster.cluster('KEYSLOT', slotKey));
      this.slots.set(slotKey, slot);
    }
    const owner = cluster.slots[slot]?.[0];
    // The node ioredis routes the slot's commands to (its role in the pool
    // may lag a failover; the slot table is what routing follows).
    const node = cluster
      .nodes('all')
      .find((n) => `${n.options.host}:${n.options.port}` === owner);
    if (!node) {
      // The slot's owner left the pool (killed, failed over) and nothing
      // else made ioredis look again: the table only follows a MOVED or a
      // refresh, and this add was never sent. Refused; the retry finds it.
      cluster.refreshSlotsCache();
      throw new Error(`no known node owns slot ${slot} yet`);
    }
    return node;
  }
}
