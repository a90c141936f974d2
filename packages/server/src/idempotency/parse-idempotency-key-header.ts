import { InvalidIdempotencyKeyError } from '@conveyor/core';

/** The longest key `options.idempotencyKey` takes; the header holds to it too. */
const MAX_KEY_LENGTH = 256;

// An sf-string (RFC 8941 §3.3.3): printable ASCII in quotes, `"` and `\` escaped.
const SF_STRING = /^"((?:[\x20\x21\x23-\x5B\x5D-\x7E]|\\["\\])*)"$/;
// Many clients send the key bare (Stripe's convention): one visible token.
const BARE = /^[\x21\x23-\x2B\x2D-\x5B\x5D-\x7E]+$/;

/**
 * The key of an `Idempotency-Key` header (draft-ietf-httpapi-idempotency-key-header):
 * an sf-string, or, leniently, a bare token. Anything else (two values,
 * control characters, an empty or over-long key) is refused.
 */
export function parseIdempotencyKeyHeader(raw: string): string {
  const value = raw.trim();
  const quoted = SF_STRING.exec(value);
  const key = quoted
    ? (quoted[1] ?? '').replace(/\\(["\\])/g, '$1')
    : BARE.test(value)
      ? value
      : null;
  if (key === null)
    throw new InvalidIdempotencyKeyError(
      'The Idempotency-Key header must be one quoted string (e.g. "order-42") of printable ASCII',
    );
  if (key.length === 0 || key.length > MAX_KEY_LENGTH)
    throw new InvalidIdempotencyKeyError(
      `The Idempotency-Key header must hold 1 to ${MAX_KEY_LENGTH} characters`,
    );
  return key;
}
