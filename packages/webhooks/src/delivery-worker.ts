import { WebhookUrlRefusedError, type DeliveryStatus } from '@conveyor/core';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import {
  type Keyspace,
  DEFAULT_MAX_STALLS,
  isStallLimitFailure,
  isConnectionTrouble,
} from '@conveyor/queue';
import { DeliveryLog } from './delivery-log.ts';
import { postWebhook } from './post-webhook.ts';
import { deliveryHeaders } from './sign.ts';
import { WEBHOOK_QUEUE, type DeliveryJobData } from './webhook-queue.ts';
import { WebhookStore } from './webhook-store.ts';

export interface DeliveryWorkerOptions {
  /** The worker's connection (`preset: 'worker'`). */
  redis: Redis;
  keys: Keyspace;
  logger: Logger;
  /** WEBHOOK_ALLOW_PRIVATE: let deliveries reach loopback and private addresses. */
  allowPrivate: boolean;
  /** Deliveries in flight at once (default 10): slow receivers wait here, not in job slots. */
  concurrency?: number;
  /** Per attempt, connect to response (default 10 s). */
  timeoutMs?: number;
}

export interface DeliveryWorker {
  ready(): Promise<void>;
  close(): Promise<void>;
}

const MAX_ERROR_CHARS = 500;

/** The outcome of one attempt, before it is logged. */
interface Attempt {
  status: number | null;
  error: string | null;
  /** No later attempt can do better (webhook removed, address refused). */
  final: boolean;
}

/**
 * Sends deliveries from their own queue: signs the body with the webhook's
 * secret, POSTs it, and logs every attempt (status, attempts, last error,
 * response status) in the tenant's delivery log. A 2xx is delivered; any
 * other answer, a timeout or a network error is retried with backoff.
 */

export function createDeliveryWorker(
  options: DeliveryWorkerOptions,
): DeliveryWorker {
  const { redis, keys, logger } = options;
  const sender = new DeliverySender(options);
  const worker = new Worker<DeliveryJobData>(
    WEBHOOK_QUEUE,
    async (job) => {
      const outcome = await sender.attempt(job);
      await sender.record(job, outcome);
      if (outcome.error === null) return;
      if (outcome.final) throw new UnrecoverableError(outcome.error);
      throw new Error(outcome.error);
    },
    {
      connection: redis,
      prefix: keys.bullPrefix(WEBHOOK_QUEUE),
      concurrency: options.concurrency ?? 10,
      // Like job workers: a delivery survives workers dying under it.
      maxStalledCount: DEFAULT_MAX_STALLS,
    },
  );
  worker.on('error', (error) => {
    // An outage is logged once by the connection, not per fetch retry.
    if (isConnectionTrouble(redis, error)) return;
    logger.error({ err: error.message }, 'webhook delivery worker error');
  });
  worker.on('failed', (job, error) => {
    // Failed by BullMQ for stalling too often, it never reached `attempt`:
    // the log must still say failed, or it could not be redriven.
    if (job && isStallLimitFailure(error))
      void sender.record(job, {
        status: null,
        error: error.message,
        final: true,
      });
    if (job && job.attemptsMade >= (job.opts.attempts ?? 1))
      logger.warn(
        { deliveryId: job.id, tenantId: job.data.tenantId, err: error.message },
        'webhook delivery failed for good',
      );
  });
  return {
    ready: () => worker.waitUntilReady().then(() => undefined),
    close: () => worker.close(),
  };
}

/** One delivery attempt: find the webhook, sign, POST; then its line in the tenant's log. */
class DeliverySender {
  private readonly store: WebhookStore;
  private readonly log: DeliveryLog;
  private readonly timeoutMs: number;

  constructor(private readonly options: DeliveryWorkerOptions) {
    this.store = new WebhookStore(options.redis, options.keys);
    this.log = new DeliveryLog(options.redis, options.keys);
    this.timeoutMs = options.timeoutMs ?? 10_000;
  }

  async attempt(job: Job<DeliveryJobData>): Promise<Attempt> {
    const { tenantId, webhookId, deliveryId, body } = job.data;
    const webhook = await this.store.get(tenantId, webhookId);
    if (!webhook)
      return { status: null, error: 'The webhook was removed', final: true };
    const json = JSON.stringify(body);
    try {
      const status = await postWebhook(webhook.url, json, {
        timeoutMs: this.timeoutMs,
        policy: { allowPrivate: this.options.allowPrivate },
        // The delivery id is stable across attempts and redrives: it is
        // also the Standard Webhooks `webhook-id` receivers dedupe on.
        headers: deliveryHeaders({
          secret: webhook.secret,
          deliveryId,
          eventType: body.type,
          body: json,
        }),
      });
      const ok = status >= 200 && status < 300;
      return { status, error: ok ? null : `HTTP ${status}`, final: false };
    } catch (error) {
      const text = error instanceof Error ? error.message : String(error);
      return {
        status: null,
        error: text.slice(0, MAX_ERROR_CHARS),
        final: error instanceof WebhookUrlRefusedError,
      };
    }
  }

  /** A log that cannot be written must not fail (and so repeat) a delivery. */
  async record(job: Job<DeliveryJobData>, outcome: Attempt): Promise<void> {
    const made = job.attemptsMade + 1;
    const max = job.opts.attempts ?? 1;
    const status: DeliveryStatus =
      outcome.error === null
        ? 'delivered'
        : outcome.final || made >= max
          ? 'failed'
          : 'retrying';
    const { tenantId, webhookId, deliveryId, body } = job.data;
    await this.log
      .write(tenantId, {
        id: deliveryId,
        webhookId,
        eventId: body.id,
        type: body.type,
        jobId: body.data.jobId || null,
        status,
        attempts: made,
        maxAttempts: max,
        lastError: outcome.error,
        responseStatus: outcome.status,
        createdAt: new Date(job.timestamp),
        updatedAt: new Date(),
        body,
      })
      .catch((error: unknown) =>
        this.options.logger.warn(
          { err: error, deliveryId },
          'delivery log write failed',
        ),
      );
  }
}
