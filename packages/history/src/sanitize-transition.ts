import superjson from 'superjson';
import { isPlainJson, noCustomTransformers } from './plain-json.ts';
import type { Transition } from './transition.ts';

/**
 * Longest error, key, enqueuer or worker written, in UTF-16 units. An error
 * is indexed as a tsvector, and PostgreSQL refuses one over 1 MB (SQLSTATE
 * 54000): a huge stack or message must not stop the outbox. The start is
 * what a reader needs.
 */
export const MAX_TEXT_CHARS = 8_192;

/** What PostgreSQL cannot store: NUL (text: 22021, jsonb: 22P05) and lone surrogates (jsonb: 22P02). */
const UNSTORABLE =
  // eslint-disable-next-line no-control-regex -- matching NUL is the point
  /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

function storable(text: string): string {
  return text.replace(UNSTORABLE, '\uFFFD');
}

/** Storable, and at most `MAX_TEXT_CHARS` plus a note saying how much was cut. */
export function capText(text: string, max = MAX_TEXT_CHARS): string {
  const clean = storable(text);
  if (clean.length <= max) return clean;
  // Never cut a surrogate pair in half.
  const end = /[\ud800-\udbff]/.test(clean[max - 1] ?? '') ? max - 1 : max;
  return `${clean.slice(0, end)}… [truncated: ${clean.length - end} more characters]`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** A JSON value with every string, object keys included, made storable. */
export function storableJson(value: unknown): unknown {
  if (typeof value === 'string') return storable(value);
  if (Array.isArray(value)) return value.map(storableJson);
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value))
      out[storable(key)] = storableJson(inner);
    return out;
  }
  return value;
}

/** In JSON text, what `storableJson` would have replaced: an escaped NUL or (lone) surrogate. */
const UNSTORABLE_ESCAPE = /\\u(?:0000|d[89a-f])/i;

/**
 * `JSON.stringify(storableJson(superjson.serialize(value)))`, the same
 * text, without superjson's walk nor a cleaned copy when the value is
 * plain JSON with nothing to clean (JSON.stringify escapes every NUL and
 * lone surrogate, so their absence in the text is their absence).
 */
export function storableSuperjson(value: unknown): string {
  if (noCustomTransformers() && isPlainJson(value)) {
    const text = `{"json":${JSON.stringify(value)}}`;
    if (!UNSTORABLE_ESCAPE.test(text)) return text;
  }
  return JSON.stringify(storableJson(superjson.serialize(value)));
}

const capOptional = (text: string | undefined) =>
  text === undefined ? undefined : capText(text);

/**
 * A transition PostgreSQL accepts whatever a processor put in it: one bad
 * string must not drop the job's whole step (or, too large, block the
 * outbox). Identity fields only lose what PostgreSQL cannot hold, the
 * same way in every transition, so a job's transitions still meet.
 * `result` is cleaned after superjson serialises it (see `foldJobs`).
 */
export function sanitizeTransition(t: Transition): Transition {
  const out: Transition = {
    ...t,
    id: storable(t.id),
    jobId: storable(t.jobId),
    tenantId: storable(t.tenantId),
    name: storable(t.name),
    queue: storable(t.queue),
  };
  if (t.payload !== undefined) out.payload = storableJson(t.payload);
  if (
    t.payloadVersion !== undefined &&
    !(Number.isSafeInteger(t.payloadVersion) && t.payloadVersion >= 1)
  )
    delete out.payloadVersion;
  if (t.error !== undefined) out.error = capOptional(t.error);
  if (t.idempotencyKey !== undefined)
    out.idempotencyKey = capOptional(t.idempotencyKey);
  if (t.enqueuedBy !== undefined) out.enqueuedBy = capOptional(t.enqueuedBy);
  if (t.enqueuedVia !== undefined) out.enqueuedVia = capText(t.enqueuedVia, 64);
  if (
    t.delayMs !== undefined &&
    !(Number.isSafeInteger(t.delayMs) && t.delayMs > 0 && t.delayMs < 2 ** 31)
  )
    delete out.delayMs;
  if (t.stack !== undefined) out.stack = capOptional(t.stack);
  if (t.worker !== undefined) out.worker = capOptional(t.worker);
  return out;
}
