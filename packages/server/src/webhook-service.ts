import {
  JobStateError,
  WEBHOOK_TEST_EVENT,
  WebhookNotFoundError,
  type DeliveryQuery,
  type NewWebhook,
  type WebhookDeliveryView,
  type WebhookEventBody,
  type WebhookView,
} from '@conveyor/core';
import {
  assertPublicUrl,
  DeliveryLog,
  DeliveryQueue,
  toDeliveryView,
  toWebhookView,
  WebhookStore,
  type DeliveryRetryPolicy,
} from '@conveyor/webhooks';
import { createKeyspace } from '@conveyor/queue';
import type { Redis } from 'ioredis';
import { randomBytes } from 'node:crypto';

export interface WebhookServiceOptions {
  /** The API's fail-fast connection. */
  redis: Redis;
  /** BullMQ key prefix; `conveyor` when omitted. */
  prefix?: string;
  /** WEBHOOK_ALLOW_PRIVATE: accept URLs that resolve to loopback or private addresses. */
  allowPrivate: boolean;
  /** Attempts and backoff of the deliveries it enqueues (tests shorten them). */
  retry?: DeliveryRetryPolicy;
}

/**
 * The API's door to webhooks: every procedure of `webhooks.*` is one call
 * here, always with the caller's tenant, which every key it touches names.
 */
export class WebhookService {
  private readonly store: WebhookStore;
  private readonly log: DeliveryLog;
  private readonly queue: DeliveryQueue;
  private readonly allowPrivate: boolean;

  constructor(options: WebhookServiceOptions) {
    const keys = createKeyspace(options.prefix);
    this.store = new WebhookStore(options.redis, keys);
    this.log = new DeliveryLog(options.redis, keys);
    this.queue = new DeliveryQueue(options.redis, keys, options.retry);
    this.allowPrivate = options.allowPrivate;
  }

  /** The secret is in this answer only: reads never show it. */
  async create(
    tenant: string,
    spec: NewWebhook,
  ): Promise<{ webhook: WebhookView; secret: string }> {
    await assertPublicUrl(spec.url, { allowPrivate: this.allowPrivate });
    const record = await this.store.create(tenant, spec);
    return { webhook: toWebhookView(record), secret: record.secret };
  }

  list(tenant: string): Promise<WebhookView[]> {
    return this.store.list(tenant);
  }

  /** Deliveries already queued for it end as failed ("removed"), unsent. */
  async remove(tenant: string, id: string) {
    if (!(await this.store.remove(tenant, id)))
      throw new WebhookNotFoundError('webhook', id);
    return { id, removed: true as const };
  }

  /** Sends a `webhook.test` event through the delivery queue; see it in `deliveries`. */
  async test(tenant: string, id: string): Promise<{ deliveryId: string }> {
    const webhook = await this.store.get(tenant, id);
    if (!webhook) throw new WebhookNotFoundError('webhook', id);
    const deliveryId = `dlv_${randomBytes(16).toString('hex')}`;
    const now = new Date();
    const body: WebhookEventBody = {
      id: `test-${deliveryId.slice(4)}`,
      type: WEBHOOK_TEST_EVENT,
      createdAt: now.toISOString(),
      tenantId: tenant,
      data: { jobId: '', name: '', queue: '', attempt: 0, attempts: 0 },
    };
    // Logged as pending at once, so `deliveries` shows it before it is sent.
    await this.log.write(tenant, {
      id: deliveryId,
      webhookId: id,
      eventId: body.id,
      type: WEBHOOK_TEST_EVENT,
      jobId: null,
      status: 'pending',
      attempts: 0,
      maxAttempts: 0,
      lastError: null,
      responseStatus: null,
      createdAt: now,
      updatedAt: now,
      body,
    });
    await this.queue.enqueue([
      { tenantId: tenant, webhookId: id, deliveryId, body },
    ]);
    return { deliveryId };
  }

  async deliveries(
    tenant: string,
    query: DeliveryQuery,
  ): Promise<WebhookDeliveryView[]> {
    return (await this.log.list(tenant, query)).map(toDeliveryView);
  }

  /** Only a failed delivery: it runs again with fresh attempts. */
  async redrive(tenant: string, deliveryId: string) {
    const record = await this.log.get(tenant, deliveryId);
    if (!record) throw new WebhookNotFoundError('delivery', deliveryId);
    if (record.status !== 'failed' || (await this.queue.pending(deliveryId)))
      throw new JobStateError(
        `Delivery ${deliveryId} is ${record.status}; only a failed delivery can be redriven`,
      );
    await this.queue.redrive({
      tenantId: tenant,
      webhookId: record.webhookId,
      deliveryId,
      body: record.body,
    });
    return { id: deliveryId, redriven: true as const };
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}
