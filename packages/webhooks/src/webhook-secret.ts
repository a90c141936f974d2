import { randomBytes } from 'node:crypto';

const PREFIX = 'whsec_';

/**
 * 48 random bytes: within the 24-64 Standard Webhooks asks for, and a
 * multiple of 3, so the standard base64 has no `=` padding for a decoder
 * (or a copy-paste) to be strict about.
 */
const SECRET_BYTES = 48;

/**
 * `whsec_<standard base64 of the key>`: the form off-the-shelf Standard
 * Webhooks verifiers decode. The whole string is also the HMAC key of
 * `Conveyor-Signature`, as it always was.
 */
export function newWebhookSecret(): string {
  return `${PREFIX}${randomBytes(SECRET_BYTES).toString('base64')}`;
}

/**
 * The key bytes of the Standard Webhooks signature: the decoded part after
 * `whsec_`. Node's base64 decoder reads both alphabets, which keeps the
 * base64url secrets made before (unpadded, with `-` and `_`) signing with
 * the same bytes a receiver gets from their standard-base64 equivalent.
 */
export function standardWebhookKey(secret: string): Buffer {
  const body = secret.startsWith(PREFIX) ? secret.slice(PREFIX.length) : secret;
  return Buffer.from(body, 'base64');
}
