import { effectiveDurability, type Durability } from '@conveyor/core';
import type { Redis } from 'ioredis';
import type { Keyspace } from '../keyspace.ts';
import { duplicateRedis } from '../redis-client.ts';
import { AddTransactions } from './add-transaction.ts';
import { touchIn, type IdempotencyTarget } from './idempotency.ts';
import { QueueCache } from './queue-cache.ts';
import type { TenantJob } from './tenant-job.ts';
import type { WriteAttempt } from './write-attempt.ts';

/** A connection with BullMQ's scripts on it, and the add transactions that use it. */
export interface WriteLane {
  queues: QueueCache;
  transactions: AddTransactions;
}

/**
 * Where adds go. A `WAIT` blocks its connection until the replicas answer
 * (up to its timeout, when they are gone), and every command behind it on
 * the connection waits too. So adds that wait for replicas get connections
 * of their own, one per durability (replicas and timeout), opened at first
 * use: plain enqueues and the API's reads never queue behind a WAIT, and a
 * job asking for a short wait never waits out another's long one.
 */
export class WriteLanes {
  private readonly slotKeys = new Map<string, string>();
  readonly plain: WriteLane;
  private readonly replicated = new Map<
    string,
    { lane: WriteLane; redis: Redis }
  >();
  private closed = false;

  constructor(
    private readonly redis: Redis,
    private readonly keys: Keyspace,
    private readonly onError: (error: Error) => void,
  ) {
    this.plain = {
      queues: new QueueCache(redis, keys, onError),
      transactions: new AddTransactions(redis),
    };
  }

  for(durability: Durability): WriteLane {
    if (durability.replicas === 0 || this.closed) return this.plain;
    const level = `${durability.replicas}/${durability.timeoutMs}`;
    let replicated = this.replicated.get(level);
    if (!replicated) {
      // A command cut off by a reconnect is never sent again on the new
      // session: a WAIT there would count none of the old session's writes.
      const redis = duplicateRedis(this.redis, {
        autoResendUnfulfilledCommands: false,
        enableOfflineQueue: false,
      });
      redis.on('error', this.onError);
      replicated = {
        redis,
        lane: {
          queues: new QueueCache(redis, this.keys, this.onError),
          transactions: new AddTransactions(redis),
        },
      };
      this.replicated.set(level, replicated);
    }
    return replicated.lane;
  }

  /**
   * Whether a queue of the lane is ready (an enqueue then skips its wait);
   * any trouble answers no, and the wait reports it.
   */
  isReady(durability: Durability, queue: string): boolean {
    try {
      return this.for(durability).queues.isReady(queue);
    } catch {
      return false;
    }
  }

  /** One Redis: any adds may share a transaction. A Cluster: one queue's (its slot). */
  group(queue: string, durability: Durability) {
    // One string per queue (a registry's few), not one per enqueue.
    let slotKey = this.slotKeys.get(queue);
    if (slotKey === undefined) {
      slotKey = this.keys.bull(queue, 'id');
      this.slotKeys.set(queue, slotKey);
    }
    return {
      group: this.redis.isCluster ? queue : '',
      slotKey,
      durability,
    };
  }

  /**
   * A replay answers a job an earlier call stored, maybe from another
   * process, maybe not on the replicas yet: a write of ours after it (the
   * key, rewritten as it is) and a WAIT for that write covers it too.
   * Resolves true (replayed) once confirmed.
   */
  async confirmReplay(
    target: IdempotencyTarget,
    attempt: WriteAttempt,
    durability: Durability,
  ): Promise<true> {
    if (durability.replicas > 0)
      await this.for(durability).transactions.add({
        attempt,
        jobs: [],
        after: (multi) => touchIn(multi, target),
        ...this.group(target.queue, durability),
      });
    return true;
  }

  async close(): Promise<void> {
    this.closed = true;
    const replicated = [...this.replicated.values()];
    this.replicated.clear();
    await this.plain.queues.close();
    await Promise.all(
      replicated.map(async ({ lane, redis }) => {
        await lane.queues.close();
        await redis.quit().catch(() => redis.disconnect());
      }),
    );
  }
}

/** What jobs written together wait for: the most any of them asks. */
export function durabilityOf(
  deployment: Durability,
  prepared: readonly TenantJob[],
): Durability {
  let durability = deployment;
  for (const p of prepared)
    durability = effectiveDurability(durability, p.job.durability);
  return durability;
}
