import { JobStateError } from '@conveyor/core';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Keyspace } from '@conveyor/queue';
import {
  deliveryJobOptions,
  WEBHOOK_QUEUE,
  type DeliveryJobData,
  type DeliveryRetryPolicy,
} from './webhook-queue.ts';

/** Where deliveries are enqueued: by the dispatcher, `webhooks.test` and redrive. */
export class DeliveryQueue {
  private readonly queue: Queue<DeliveryJobData>;

  constructor(
    redis: Redis,
    keys: Keyspace,
    private readonly policy: DeliveryRetryPolicy = {},
  ) {
    this.queue = new Queue<DeliveryJobData>(WEBHOOK_QUEUE, {
      connection: redis,
      prefix: keys.bullPrefix(WEBHOOK_QUEUE),
    });
  }

  /** One round trip for all of them (a MULTI); ids already queued are left as they are. */
  async enqueue(deliveries: readonly DeliveryJobData[]): Promise<void> {
    await this.queue.addBulk(
      deliveries.map((data) => ({
        name: data.body.type,
        data,
        opts: deliveryJobOptions(data.deliveryId, this.policy),
      })),
    );
  }

  /**
   * Runs a failed delivery again with fresh attempts: its job if BullMQ
   * still keeps it, else a new one with the same id and body.
   */
  async redrive(data: DeliveryJobData): Promise<void> {
    const job = await this.queue.getJob(data.deliveryId);
    if (job && (await job.isFailed())) {
      // Two redrives at once: the second finds it no longer failed.
      await job
        .retry('failed', {
          resetAttemptsMade: true,
          resetAttemptsStarted: true,
        })
        .catch(() => {
          throw new JobStateError(
            `Delivery ${data.deliveryId} is already being sent again`,
          );
        });
      return;
    }
    if (job) await job.remove();
    await this.enqueue([data]);
  }

  /** Whether the delivery is waiting, delayed or running (not yet settled). */
  async pending(deliveryId: string): Promise<boolean> {
    const state = await this.queue.getJobState(deliveryId);
    return ['waiting', 'delayed', 'active', 'prioritized'].includes(state);
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}
