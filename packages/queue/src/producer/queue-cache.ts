import type { QueueName } from '@conveyor/core';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Keyspace } from '../keyspace.ts';

/**
 * One BullMQ `Queue` per queue name on a shared connection, each under its
 * queue's hash-tagged prefix (keyspace.ts). BullMQ
 * never retries a failed initialisation (Redis dropped during its version
 * check), so such a queue is replaced on next use.
 */
export class QueueCache {
  private readonly queues = new Map<
    QueueName,
    { queue: Queue; broken: boolean; ready: boolean }
  >();

  constructor(
    private readonly redis: Redis,
    private readonly keys: Keyspace,
    private readonly onError: (error: Error) => void,
  ) {}

  get(name: QueueName): Queue {
    const existing = this.queues.get(name);
    if (existing && !existing.broken) return existing.queue;
    if (existing) void existing.queue.close().catch(() => undefined);
    const entry = {
      queue: new Queue(name, {
        connection: this.redis,
        prefix: this.keys.bullPrefix(name),
      }),
      broken: false,
      ready: false,
    };
    entry.queue.on('error', this.onError);
    entry.queue.waitUntilReady().then(
      () => {
        entry.ready = true;
      },
      () => {
        entry.broken = true;
      },
    );
    this.queues.set(name, entry);
    return entry.queue;
  }

  /**
   * Whether the queue's `waitUntilReady` has resolved (BullMQ resolves it
   * once, for good): an enqueue then need not wait on it again.
   */
  isReady(name: QueueName): boolean {
    const existing = this.queues.get(name);
    return existing !== undefined && existing.ready && !existing.broken;
  }

  async close(): Promise<void> {
    const closing = [...this.queues.values()].map((e) => e.queue.close());
    this.queues.clear();
    await Promise.allSettled(closing);
  }
}
