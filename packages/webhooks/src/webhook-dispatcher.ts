import { WEBHOOK_EVENTS, type WebhookEventType } from '@conveyor/core';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { JobObserver, Keyspace, LifecycleEvent } from '@conveyor/queue';
import { DeliveryQueue } from './delivery-queue.ts';
import { WebhookDirectory } from './webhook-directory.ts';
import {
  deliveryIdOf,
  toWebhookBody,
  type DeliveryRetryPolicy,
} from './webhook-queue.ts';
import { WebhookStore } from './webhook-store.ts';

export interface WebhookDispatcherOptions {
  /** The worker's connection (`preset: 'worker'`). */
  redis: Redis;
  keys: Keyspace;
  logger: Logger;
  /** How stale the cached webhook lists may be; 5 s by default. */
  refreshMs?: number;
  retry?: DeliveryRetryPolicy;
}

export interface WebhookDispatcher {
  /** For `createWorkerPool({ observers })`: its `onEvent` enqueues deliveries. */
  observer: JobObserver;
  close(): Promise<void>;
}

const SUBSCRIBABLE = new Set<string>(WEBHOOK_EVENTS);

/**
 * Turns lifecycle events into delivery jobs. It runs on the job's path
 * (awaited before BullMQ records the attempt), so it is cheap: no Redis call
 * when no webhook of the tenant matches (the lists are cached), and one
 * write (a single addBulk) when some do. It never sends anything itself.
 */
export function createWebhookDispatcher(
  options: WebhookDispatcherOptions,
): WebhookDispatcher {
  const { redis, keys, logger } = options;
  const directory = new WebhookDirectory(
    new WebhookStore(redis, keys),
    logger,
    options.refreshMs,
  );
  const deliveries = new DeliveryQueue(redis, keys, options.retry);

  const onEvent = async (event: LifecycleEvent) => {
    if (!SUBSCRIBABLE.has(event.type)) return;
    const type = event.type as WebhookEventType;
    const hooks = await directory.forTenant(event.tenantId);
    const matching = hooks.filter(
      (hook) =>
        hook.events.includes(type) &&
        (hook.jobs === null || hook.jobs.includes(event.name)),
    );
    if (matching.length === 0) return;
    const body = toWebhookBody(event);
    await deliveries.enqueue(
      matching.map((hook) => ({
        tenantId: event.tenantId,
        webhookId: hook.id,
        deliveryId: deliveryIdOf(event.id, hook.id),
        body,
      })),
    );
  };
  return {
    observer: { onEvent },
    async close() {
      directory.close();
      await deliveries.close();
    },
  };
}
