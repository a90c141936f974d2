import type { WebhookEventBody } from '@conveyor/core';
import type { JobsOptions } from 'bullmq';
import { createHash } from 'node:crypto';
import type { LifecycleEvent } from '@conveyor/queue';

/**
 * The delivery queue: its own BullMQ queue (and worker), so a slow or dead
 * receiver only ever holds delivery slots, never a job's. BullMQ queue
 * names may not contain ':'.
 */
export const WEBHOOK_QUEUE = 'cv-webhooks';

/**
 * 10 attempts, exponential from 15 s, each wait between half and all of its
 * value (jitter, so receivers that recover are not hit in lockstep): at most
 * 15 s, 30 s, 1 min … 64 min, about 1 to 2 hours in all. A receiver may be
 * down for a deploy or an incident that long before a delivery is `failed`
 * (and then it can be redriven).
 */
export const DELIVERY_ATTEMPTS = 10;
export const DELIVERY_BACKOFF_MS = 15_000;

const MAX_ERROR_CHARS = 1_000;

/** One event for one webhook: what a delivery job carries. */
export interface DeliveryJobData {
  tenantId: string;
  webhookId: string;
  deliveryId: string;
  /** Fixed when the event happened: every attempt sends the same body. */
  body: WebhookEventBody;
}

export interface DeliveryRetryPolicy {
  attempts?: number;
  /** The first wait; each next one doubles. */
  backoffMs?: number;
}

export function deliveryJobOptions(
  deliveryId: string,
  policy: DeliveryRetryPolicy = {},
): JobsOptions {
  return {
    // Deterministic: an event replayed after a crash is not enqueued twice.
    jobId: deliveryId,
    attempts: policy.attempts ?? DELIVERY_ATTEMPTS,
    backoff: {
      type: 'exponential',
      delay: policy.backoffMs ?? DELIVERY_BACKOFF_MS,
      jitter: 0.5,
    },
    // Kept a day (replays of an event come within seconds); failed ones a
    // week, for redrive. The delivery log keeps their history either way.
    removeOnComplete: { age: 86_400, count: 10_000 },
    removeOnFail: { age: 7 * 86_400, count: 10_000 },
  };
}

/** The same event and webhook always give the same delivery id (hex: no ':'). */
export function deliveryIdOf(eventId: string, webhookId: string): string {
  const hash = createHash('sha256')
    .update(`${eventId}\n${webhookId}`)
    .digest('hex');
  return `dlv_${hash.slice(0, 32)}`;
}

/** What a receiver gets: the event's facts, never a job's payload or result. */
export function toWebhookBody(event: LifecycleEvent): WebhookEventBody {
  const type = event.type as WebhookEventBody['type'];
  return {
    id: event.id,
    type,
    createdAt: new Date(event.at).toISOString(),
    tenantId: event.tenantId,
    data: {
      jobId: event.jobId,
      name: event.name,
      queue: event.queue,
      attempt: event.attempt,
      attempts: event.attempts,
      // Bounded: a processor's error text can be any length.
      ...(event.error !== undefined
        ? { error: event.error.slice(0, MAX_ERROR_CHARS) }
        : {}),
      ...(event.scheduleId !== undefined
        ? { scheduleId: event.scheduleId }
        : {}),
      ...(event.tickAt !== undefined
        ? { tickAt: new Date(event.tickAt).toISOString() }
        : {}),
      ...(event.policy !== undefined ? { policy: event.policy } : {}),
    },
  };
}
