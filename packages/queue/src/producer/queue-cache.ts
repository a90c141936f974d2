import type { QueueName } from '@conveyor/jobs';
import { FlowProducer, Queue } from 'bullmq';
import type { Redis } from 'ioredis';

/**
 * One BullMQ `Queue` per queue name on a shared connection, plus the
 * `FlowProducer` that adds to several queues in one transaction. BullMQ
 * never retries a failed initialisation (Redis dropped during its version
 * check), so such a queue is replaced on next use.
 */
export class QueueCache {
  private readonly queues = new Map<
    QueueName,
    { queue: Queue; broken: boolean }
  >();
  private flows: FlowProducer | undefined;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly onError: (error: Error) => void,
  ) {}

  get(name: QueueName): Queue {
    const existing = this.queues.get(name);
    if (existing && !existing.broken) return existing.queue;
    if (existing) void existing.queue.close().catch(() => undefined);
    const entry = {
      queue: new Queue(name, { connection: this.redis, prefix: this.prefix }),
      broken: false,
    };
    entry.queue.on('error', this.onError);
    entry.queue.waitUntilReady().catch(() => {
      entry.broken = true;
    });
    this.queues.set(name, entry);
    return entry.queue;
  }

  flowProducer(): FlowProducer {
    this.flows ??= new FlowProducer({
      connection: this.redis,
      prefix: this.prefix,
    });
    return this.flows;
  }

  async close(): Promise<void> {
    const closing = [...this.queues.values()].map((e) => e.queue.close());
    if (this.flows) closing.push(this.flows.close());
    this.queues.clear();
    await Promise.allSettled(closing);
  }
}
