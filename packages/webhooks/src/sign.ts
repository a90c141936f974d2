import { createHmac } from 'node:crypto';

/** The headers of every delivery (docs/webhooks.md). */
export const SIGNATURE_HEADER = 'Conveyor-Signature';
export const EVENT_HEADER = 'Conveyor-Event';
export const DELIVERY_HEADER = 'Conveyor-Delivery';

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
