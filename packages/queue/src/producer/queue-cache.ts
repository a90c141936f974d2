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
    { queue: Queue; broken: boolean }
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
    };
    entry.queue.on('error', this.onError);
    entry.queue.waitUntilReady().catch(() => {
      entry.broken = true;
    });
    this.queues.set(name, entry);
    return entry.queue;
  }

  async close(): Promise<void> {
    const closing = [...this.queues.values()].map((e) => e.queue.close());
    this.queues.clear();
    await Promise.allSettled(closing);
  }
}
