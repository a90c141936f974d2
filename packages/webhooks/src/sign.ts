import { createHmac } from 'node:crypto';
import { standardWebhookKey } from './webhook-secret.ts';

/** The headers of every delivery (docs/webhooks.md). */
export const SIGNATURE_HEADER = 'Conveyor-Signature';
export const EVENT_HEADER = 'Conveyor-Event';
export const DELIVERY_HEADER = 'Conveyor-Delivery';
/** Standard Webhooks (standardwebhooks.com), beside Conveyor's own. */
export const STANDARD_ID_HEADER = 'webhook-id';
export const STANDARD_TIMESTAMP_HEADER = 'webhook-timestamp';
export const STANDARD_SIGNATURE_HEADER = 'webhook-signature';

/**
 * `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`. The time is
 * signed with the body so a captured delivery cannot be replayed later than
 * the receiver's tolerance; `v1` names the scheme so another can be added
 * beside it without breaking receivers.
 */
export function signWebhook(
  secret: string,
  body: string,
  atSeconds: number = Math.floor(Date.now() / 1000),
): string {
  const mac = createHmac('sha256', secret)
    .update(`${atSeconds}.${body}`)
    .digest('hex');
  return `t=${atSeconds},v1=${mac}`;
}

/** What the Standard Webhooks signature covers besides the body. */
export interface StandardMessage {
  /** `webhook-id`: the same on every attempt of one delivery. */
  id: string;
  atSeconds: number;
}

/**
 * `v1,<base64 HMAC-SHA256(key, "<id>.<t>.<body>")>`, the key being the
 * decoded secret (not the string, unlike `signWebhook`): what an
 * off-the-shelf Standard Webhooks verifier computes.
 */
export function signStandardWebhook(
  secret: string,
  body: string,
  message: StandardMessage,
): string {
  const mac = createHmac('sha256', standardWebhookKey(secret))
    .update(`${message.id}.${message.atSeconds}.${body}`)
    .digest('base64');
  return `v1,${mac}`;
}

/** One attempt of one delivery, as its headers describe it. */
export interface SignedDelivery {
  secret: string;
  deliveryId: string;
  eventType: string;
  body: string;
  /** This attempt's time (default now): both schemes sign the same one. */
  atSeconds?: number;
}

/** Conveyor's headers and the Standard Webhooks ones, for one attempt. */
export function deliveryHeaders(
  delivery: SignedDelivery,
): Record<string, string> {
  const { secret, deliveryId, body } = delivery;
  const atSeconds = delivery.atSeconds ?? Math.floor(Date.now() / 1000);
  return {
    [SIGNATURE_HEADER]: signWebhook(secret, body, atSeconds),
    [EVENT_HEADER]: delivery.eventType,
    [DELIVERY_HEADER]: deliveryId,
    [STANDARD_ID_HEADER]: deliveryId,
    [STANDARD_TIMESTAMP_HEADER]: String(atSeconds),
    [STANDARD_SIGNATURE_HEADER]: signStandardWebhook(secret, body, {
      id: deliveryId,
      atSeconds,
    }),
  };
}
