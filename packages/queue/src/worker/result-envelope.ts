import { encodeEnvelope, type JobEnvelope } from '@conveyor/core';

/** Keys superjson refuses (prototype pollution): such a result takes its path, and its error. */
const REFUSED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * The envelope BullMQ stores as a completed job's result: what
 * `encodeEnvelope` makes, without superjson's walk for the common results
 * whose encoding is the value itself: a JSON primitive, or a plain object
 * or array holding only those (no Date, no undefined, no NaN, nothing
 * nested). The walk, its copies and its identity map cost more per job than
 * a no-op processor; anything else still takes it. Sealed results do too.
 */
export function resultEnvelope(result: unknown, sealed: boolean): JobEnvelope {
  if (sealed) return encodeEnvelope(result, { sealed });
  if (result === undefined)
    // What superjson.serialize(undefined) makes (a void processor).
    return {
      v: 1,
      payload: { json: null, meta: { values: ['undefined'], v: 1 } },
    };
  if (plainJson(result))
    return {
      v: 1,
      payload: { json: result as JobEnvelope['payload']['json'] },
    };
  return encodeEnvelope(result);
}

function plainJson(value: unknown): boolean {
  if (jsonPrimitive(value)) return true;
  if (typeof value !== 'object' || value === null) return false;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i += 1)
      if (!jsonPrimitive(value[i])) return false;
    return Object.getPrototypeOf(value) === Array.prototype;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype) return false;
  const record = value as Record<string, unknown>;
  for (const key in record) {
    if (!Object.hasOwn(record, key)) continue;
    if (REFUSED_KEYS.has(key) || !jsonPrimitive(record[key])) return false;
  }
  return true;
}

/** Values superjson passes through as they are (it marks NaN, ±Infinity, -0, undefined). */
function jsonPrimitive(value: unknown): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value) && !Object.is(value, -0);
    case 'object':
      return value === null;
    default:
      return false;
  }
}
