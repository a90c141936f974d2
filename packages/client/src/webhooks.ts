import { createHmac, timingSafeEqual } from 'node:crypto';

// For receivers of Conveyor's webhooks (docs/webhooks.md). Node's crypto
// only: no other dependency, usable without the rest of the client.

export const SIGNATURE_HEADER = 'conveyor-signature';
export const EVENT_HEADER = 'conveyor-event';
export const DELIVERY_HEADER = 'conveyor-delivery';
/** How old a signature may be, by default: a captured delivery replays for at most this long. */
export const DEFAULT_TOLERANCE_SEC = 300;

type HeaderBag =
  | { get(name: string): string | null }
  | Record<string, string | string[] | undefined>;

export interface VerifyWebhookOptions {
  /** The webhook's secret (`whsec_…`), as `webhooks.create` returned it. */
  secret: string;
  /** The `Conveyor-Signature` header's value… */
  header?: string | null | undefined;
  /** …or all the request's headers (fetch's `Headers`, or Node's `req.headers`). */
  headers?: HeaderBag;
  /** The raw body, exactly as received: not a re-serialised parse of it. */
  body: string | Uint8Array;
  /** Seconds a signature stays valid (default 300); its time may also be this far ahead. */
  toleranceSec?: number;
  /** For tests: the current time, ms since the epoch. */
  now?: number;
}

export type WebhookVerification =
  { valid: true; timestamp: number } | { valid: false; reason: string };

/**
 * Checks a delivery's `Conveyor-Signature: t=<seconds>,v1=<hex>`: the HMAC
 * of `"<t>.<body>"` with the secret (compared in constant time), and `t`
 * within the tolerance of now. Any `v1` that matches is enough.
 */
export function verifyWebhookSignature(
  options: VerifyWebhookOptions,
): WebhookVerification {
  const header = options.header ?? headerOf(options.headers);
  if (!header) return { valid: false, reason: 'No Conveyor-Signature header' };
  const { timestamp, signatures } = parseSignature(header);
  if (timestamp === null || signatures.length === 0)
    return { valid: false, reason: 'Malformed Conveyor-Signature header' };
  const tolerance = options.toleranceSec ?? DEFAULT_TOLERANCE_SEC;
  const nowSec = Math.floor((options.now ?? Date.now()) / 1000);
  if (Math.abs(nowSec - timestamp) > tolerance)
    return { valid: false, reason: 'Signature timestamp outside tolerance' };
  const body =
    typeof options.body === 'string'
      ? Buffer.from(options.body)
      : Buffer.from(options.body);
  const expected = createHmac('sha256', options.secret)
    .update(`${timestamp}.`)
    .update(body)
    .digest();
  const matches = signatures.some((hex) => {
    const given = Buffer.from(hex, 'hex');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
  return matches
    ? { valid: true, timestamp }
    : { valid: false, reason: 'Signature does not match' };
}

function headerOf(headers: HeaderBag | undefined): string | null {
  if (!headers) return null;
  if (typeof headers.get === 'function')
    return (headers as { get(name: string): string | null }).get(
      SIGNATURE_HEADER,
    );
  const bag = headers as Record<string, string | string[] | undefined>;
  const key = Object.keys(bag).find(
    (k) => k.toLowerCase() === SIGNATURE_HEADER,
  );
  const value = key === undefined ? undefined : bag[key];
  return (Array.isArray(value) ? value[0] : value) ?? null;
}

function parseSignature(header: string): {
  timestamp: number | null;
  signatures: string[];
} {
  let timestamp: number | null = null;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const [key, value = ''] = part.trim().split('=', 2);
    if (key === 't' && /^\d{1,12}$/.test(value)) timestamp = Number(value);
    if (key === 'v1' && /^[0-9a-f]{64}$/.test(value)) signatures.push(value);
  }
  return { timestamp, signatures };
}
